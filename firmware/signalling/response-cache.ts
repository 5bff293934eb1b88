// The responder's memory of answers it has sent, keyed by (peer, transaction id). A retransmitted
// request is answered from here with the very same bytes, and its handler does not run again: a
// request whose answer was lost must not log a user in twice or place a second call.
// Every entry lives the same time, so insertion order is expiry order and expiry is a sweep from the
// front of that order on each use: no timer per entry, and nothing left on the clock when the node is
// idle. The order is a queue of its own (an array and a head), not the map's: sweeping a Map from its
// front walks every slot deleted before the live ones, which a controller serving a fleet paid on
// every request.
// It is bounded by the memory it holds (as estimated: ENTRY_OVERHEAD_BYTES), not by a count of answers: a boot storm of a whole building
// must not push out answers still inside their time (a retransmission would then be handled twice), and
// how many fit depends on how big they are. An answer that goes before its time is counted, so a
// responder that is too small for its load says so (`evictedEarly`).
import type { Clock } from '../hal.ts';

/** What an entry holds beside its answer's bytes and its key's characters: the entry, the key string,
 * the Uint8Array and its ArrayBuffer, the map's slot and the queue's. Measured: 100,000 entries of a
 * 60-byte answer and a 21-character key held 443 bytes each (heap and external, after a full GC). */
export const ENTRY_OVERHEAD_BYTES = 360;

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
  private held = 0;
  /** Answers pushed out by the bound before their time was over. */
  evictedEarly = 0;

  /**
   * `ttlMs` must outlast the peers' whole retransmission window (500 ms doubling over 5 tries is
   * 15.5 s); `maxBytes` bounds memory under a flood of distinct requests (oldest go first).
   */
  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly maxBytes: number,
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
    const older = this.entries.get(key);
    if (older) this.held -= costOf(older); // it stays in the queue, skipped when reached
    this.entries.set(key, entry);
    this.order.push(entry);
    this.held += costOf(entry);
    while (this.held > this.maxBytes && this.entries.size > 1) if (this.dropOldest()) this.evictedEarly++;
  }

  /** The memory the live entries hold, as the bound counts it. */
  get bytes(): number {
    this.sweep();
    return this.held;
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

  /** The entry at the front of the queue leaves (if it is still the live one for its key): true if it was. */
  private dropOldest(): boolean {
    const e = this.order[this.head];
    this.order[this.head++] = undefined!;
    if (this.entries.get(e.key) !== e) return false;
    this.entries.delete(e.key);
    this.held -= costOf(e);
    return true;
  }
}

const costOf = (e: Entry) => e.bytes.length + e.key.length + ENTRY_OVERHEAD_BYTES;
