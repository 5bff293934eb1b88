// The responder's memory of answers it has sent, keyed by (peer, transaction id). A retransmitted
// request is answered from here with the very same bytes, and its handler does not run again: a
// request whose answer was lost must not log a user in twice or place a second call.
// Every entry lives the same time, so insertion order is expiry order and expiry is a sweep from the
// front on each use: no timer per entry, and nothing left on the clock when the node is idle.
import type { Clock } from '../hal.ts';

interface Entry {
  expires: number;
  bytes: Uint8Array;
}

export class ResponseCache {
  private readonly entries = new Map<string, Entry>();

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
    this.entries.delete(key); // re-inserting keeps the map in expiry order
    this.entries.set(key, { expires: this.clock.now() + this.ttlMs, bytes });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    this.sweep();
    return this.entries.size;
  }

  private sweep(): void {
    const now = this.clock.now();
    for (const [key, entry] of this.entries) {
      if (entry.expires > now) break;
      this.entries.delete(key);
    }
  }
}
