// Address resolution in progress: datagrams wait here, per destination IP, while ARP requests go out
// on the injected clock. Resolution flushes them in order; silence after the last attempt drops them.
import type { Clock, TimerId } from '../hal.ts';
import { after } from '../clock-interface.ts';

/** Datagrams held per unresolved address; more are refused ('arp-queue-full'). */
export const ARP_QUEUE_LIMIT = 16;
/** Requests sent before giving up: at 0, 1 and 2 s; the queue is dropped at 3 s ('arp-timeout'). */
export const ARP_ATTEMPTS = 3;
export const ARP_RETRY_MS = 1000;

export interface ArpResolverHooks<T> {
  /** Broadcast one ARP request for `ip`. */
  request(ip: string): void;
  /** `ip` was learned: send what waited, in order. */
  flush(ip: string, items: T[]): void;
  /** No answer after every attempt: these are dropped. */
  fail(ip: string, items: T[]): void;
}

interface Pending<T> {
  items: T[];
  attempts: number;
  timer: TimerId | undefined;
}

export class ArpResolver<T> {
  private readonly pending = new Map<string, Pending<T>>();

  constructor(
    private readonly clock: Clock,
    private readonly hooks: ArpResolverHooks<T>,
  ) {}

  /** Queues `item` for `ip`, starting resolution if none runs. False when the queue is full. */
  enqueue(ip: string, item: T): boolean {
    const p = this.pending.get(ip);
    if (p) {
      if (p.items.length >= ARP_QUEUE_LIMIT) return false;
      p.items.push(item);
      return true;
    }
    this.pending.set(ip, { items: [item], attempts: 0, timer: undefined });
    this.attempt(ip);
    return true;
  }

  isPending(ip: string): boolean {
    return this.pending.has(ip);
  }

  /** The caller learned `ip`'s MAC: stop asking and flush. */
  resolved(ip: string): void {
    const p = this.pending.get(ip);
    if (!p) return;
    this.clock.clearTimeout(p.timer);
    this.pending.delete(ip);
    this.hooks.flush(ip, p.items);
  }

  /** Stops every timer and forgets what waited (the stack is shutting down). */
  close(): void {
    for (const p of this.pending.values()) this.clock.clearTimeout(p.timer);
    this.pending.clear();
  }

  private attempt(ip: string): void {
    const p = this.pending.get(ip);
    if (!p) return;
    if (p.attempts >= ARP_ATTEMPTS) {
      this.pending.delete(ip);
      this.hooks.fail(ip, p.items);
      return;
    }
    p.attempts++;
    p.timer = after(this.clock, ARP_RETRY_MS, () => this.attempt(ip));
    this.hooks.request(ip);
  }
}
