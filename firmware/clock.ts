// The virtual clock: time is a test input. It runs every due alarm in order, then jumps straight to
// the next one, so a simulated day costs only the events in it (rp2040js's clock, QP's QUTest tick).
import type { Clock, TimerId } from './hal.ts';

interface Alarm {
  at: number;
  seq: number; // ties at the same instant run in the order they were set
  id: TimerId;
  fn: () => void;
}

/**
 * Lets asynchronous I/O triggered by an alarm (a mock serial port resolving its read promise on the
 * next tick, say) finish before time moves on. The simulation injects one; pure tests need none.
 */
export type Settle = () => Promise<void>;

export class VirtualClock implements Clock {
  private t = 0;
  private seq = 0;
  private nextId = 1;
  private readonly heap: Alarm[] = [];
  private readonly live = new Map<TimerId, Alarm>();

  constructor(private readonly settle?: Settle) {}

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): TimerId {
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
    const alarm: Alarm = { at: this.t + delay, seq: this.seq++, id: this.nextId++, fn };
    this.live.set(alarm.id, alarm);
    this.push(alarm);
    return alarm.id;
  }

  clearTimeout(id: TimerId | undefined): void {
    if (id !== undefined) this.live.delete(id); // lazily skipped when it reaches the top of the heap
  }

  /** How many alarms are set and not yet run or cleared. */
  get pending(): number {
    return this.live.size;
  }

  /** When the next alarm is due, or undefined when none is set. */
  nextAlarm(): number | undefined {
    this.dropCancelled();
    return this.heap[0]?.at;
  }

  /** Runs every alarm due within `ms`, synchronously, and leaves the clock `ms` later. */
  advanceSync(ms: number): void {
    const end = this.t + Math.max(0, ms);
    for (;;) {
      const alarm = this.popDue(end);
      if (!alarm) break;
      this.t = alarm.at;
      alarm.fn();
    }
    this.t = end;
  }

  /**
   * Runs every alarm due within `ms`, letting injected I/O settle after each instant, and leaves the
   * clock `ms` later. Returns early (at the instant it became true) when `until` holds.
   */
  async advance(ms: number, until?: () => boolean): Promise<boolean> {
    const end = this.t + Math.max(0, ms);
    await this.settleIo();
    if (until?.()) return true;
    for (;;) {
      const next = this.nextAlarm();
      if (next === undefined || next > end) break;
      this.t = next;
      // run everything due at this instant, including alarms those alarms set for "now"
      for (let alarm = this.popDue(next); alarm; alarm = this.popDue(next)) alarm.fn();
      await this.settleIo();
      if (until?.()) return true;
    }
    this.t = end;
    await this.settleIo();
    return until?.() ?? false;
  }

  private async settleIo(): Promise<void> {
    if (!this.settle) return;
    // I/O settled by one round may set alarms for now or deliver data that sets more; a few rounds
    // cover the mock port's chain of ticks without ever spinning forever.
    for (let i = 0; i < 3; i++) await this.settle();
    // alarms set "for now" by the settled I/O belong to this instant
    for (let alarm = this.popDue(this.t); alarm; alarm = this.popDue(this.t)) alarm.fn();
  }

  private dropCancelled(): void {
    while (this.heap.length > 0 && !this.live.has(this.heap[0].id)) this.pop();
  }

  private popDue(end: number): Alarm | undefined {
    this.dropCancelled();
    const top = this.heap[0];
    if (!top || top.at > end) return undefined;
    this.pop();
    this.live.delete(top.id);
    return top;
  }

  private before(a: Alarm, b: Alarm): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(alarm: Alarm): void {
    const h = this.heap;
    h.push(alarm);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(h[i], h[parent])) break;
      [h[i], h[parent]] = [h[parent], h[i]];
      i = parent;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.before(h[l], h[m])) m = l;
      if (r < h.length && this.before(h[r], h[m])) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m], h[i]];
      i = m;
    }
  }
}
