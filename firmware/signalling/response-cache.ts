// The responder's memory of answers it has sent, keyed by (peer, transaction id). A retransmitted
// request is answered from here with the very same bytes, and its handler does not run again: a
// request whose answer was lost must not log a user in twice or place a second call.
// Every entry lives the same time, so insertion order is expiry order and expiry is a sweep from the
// front of that order on each use: no timer per entry, and nothing left on the clock when the node is
// idle. The order is a queue of its own (an array and a head), not the map's: sweeping a Map from its
// front walks every slot deleted before the live ones, which a controller serving a fleet paid on
// every request.
import type { Clock } from '../hal.ts';

interface Entry {
  key: string;
  expires: number;
  bytes: Uint8Array;
}

export class ResponseCache {
  private readonly entries = new Map<string, Entry>();
  /** Entries in insertion (so expiry) order from `head` on; one replaced or evicted is skipped when reached. */
  private order: Entry[] = [];
  private head = 0;

  /**
   * `ttlMs` must outlast the peers' whole retransmission window (500 ms doubling over 5 tries is
   * 15.5 s); `maxEntries` bounds memory under a flood of distinct requests (oldest go first).
   */
  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  static key(ip: string, port: number, txid: number, session?: string): string {
    return session === undefined ? `${ip}:${port}#${txid}` : `${ip}:${port}/${session}#${txid}`;
  }

  get(key: string): Uint8Array | undefined {
    this.sweep();
    return this.entries.get(key)?.bytes;
  }

  put(key: string, bytes: Uint8Array): void {
    this.sweep();
    const entry: Entry = { key, expires: this.clock.now() + this.ttlMs, bytes };
    this.entries.set(key, entry); // an older entry of this key stays in the queue, skipped when reached
    this.order.push(entry);
    while (this.entries.size > this.maxEntries) this.dropOldest();
  }

  get size(): number {
    this.sweep();
    return this.entries.size;
  }

  private sweep(): void {
    const now = this.clock.now();
    while (this.head < this.order.length && this.order[this.head].expires <= now) this.dropOldest();
    // the queue's spent front is cut off now and then; behind it, it holds what was put within the time
    // to live (a key put again is in it twice until its first entry is reached)
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
  }

  /** The entry at the front of the queue leaves (if it is still the live one for its key). */
  private dropOldest(): void {
    const e = this.order[this.head];
    this.order[this.head++] = undefined!;
    if (this.entries.get(e.key) === e) this.entries.delete(e.key);
  }
}
