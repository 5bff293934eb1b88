// The real-time clock, for HIL and the panel: wall time, behind the same interface as the virtual one.
import { performance } from 'node:perf_hooks';
import type { Clock, TimerId } from '../firmware/hal.ts';

export class RealClock implements Clock {
  private readonly origin = performance.now();
  private nextId = 1;
  private readonly timers = new Map<TimerId, NodeJS.Timeout>();

  now(): number {
    return performance.now() - this.origin;
  }

  setTimeout(fn: () => void, ms: number): TimerId {
    const id = this.nextId++;
    const timer = setTimeout(() => {
      this.timers.delete(id);
      fn();
    }, Math.max(0, ms));
    this.timers.set(id, timer);
    return id;
  }

  clearTimeout(id: TimerId | undefined): void {
    if (id === undefined) return;
    const timer = this.timers.get(id);
    if (timer) clearTimeout(timer);
    this.timers.delete(id);
  }

  /** Cancels every alarm, so a finished run lets the process exit. */
  stopAll(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
