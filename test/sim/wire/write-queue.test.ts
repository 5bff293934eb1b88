import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ChunkedWriteQueue } from '../../../sim/wire/write-queue.ts';

/** A port that takes one chunk at a time and finishes it when the test says so. */
function slowPort() {
  const taken: Buffer[] = [];
  const pending: ((err?: Error | null) => void)[] = [];
  let maxInFlight = 0;
  return {
    taken,
    pending,
    get maxInFlight() {
      return maxInFlight;
    },
    sink: (chunk: Buffer, done: (err?: Error | null) => void) => {
      taken.push(Buffer.from(chunk));
      pending.push(done);
      maxInFlight = Math.max(maxInFlight, pending.length);
    },
    finishOne: () => pending.shift()?.(null),
  };
}

describe('ChunkedWriteQueue', () => {
  it('hands the port the same bytes in order, one chunk of at most chunkBytes at a time', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 0, maxLength: 3000 }), { maxLength: 20 }),
        fc.integer({ min: 1, max: 1500 }),
        (writes, chunkBytes) => {
          const port = slowPort();
          const q = new ChunkedWriteQueue(port.sink, chunkBytes);
          for (const w of writes) q.push(w);
          while (port.pending.length > 0) port.finishOne();
          const total = writes.reduce((n, w) => n + w.length, 0);
          expect(Buffer.concat(port.taken).equals(Buffer.concat(writes))).toBe(true);
          expect(port.taken.every((c) => c.length >= 1 && c.length <= chunkBytes)).toBe(true);
          expect(port.maxInFlight).toBeLessThanOrEqual(1);
          expect(q.bytesWritten).toBe(total);
          expect(q.queuedBytes).toBe(0);
          expect(q.writes).toBe(port.taken.length);
        },
      ),
    );
  });

  it('gathers small writes into full chunks', () => {
    const port = slowPort();
    const q = new ChunkedWriteQueue(port.sink, 1024);
    for (let i = 0; i < 100; i++) q.push(new Uint8Array(30).fill(i));
    expect(port.taken.map((c) => c.length)).toEqual([30]); // the first goes at once, alone
    port.finishOne();
    port.finishOne();
    port.finishOne();
    expect(port.taken.map((c) => c.length)).toEqual([30, 1024, 1024, 922]);
  });

  it('counts the backlog, refuses writes past its bound, and copies what it is given', () => {
    const port = slowPort();
    const q = new ChunkedWriteQueue(port.sink, 100, 1000);
    const buf = new Uint8Array(600).fill(1);
    expect(q.push(buf)).toBe(true);
    buf.fill(2);
    expect(q.queuedBytes).toBe(500); // 100 already with the port
    expect(q.push(new Uint8Array(600))).toBe(false);
    expect(q.bytesDropped).toBe(600);
    expect(q.push(new Uint8Array(500))).toBe(true);
    expect(q.peakQueuedBytes).toBe(1000);
    while (port.pending.length > 0) port.finishOne();
    expect(Buffer.concat(port.taken).subarray(0, 600).every((b) => b === 1)).toBe(true);
  });

  it('stops on a port error and drops the rest', () => {
    const port = slowPort();
    const q = new ChunkedWriteQueue(port.sink, 100);
    q.push(new Uint8Array(250));
    port.pending.shift()!(new Error('gone'));
    expect(q.error?.message).toBe('gone');
    expect(q.bytesDropped).toBe(150);
    expect(q.push(new Uint8Array(10))).toBe(false);
    expect(port.taken.length).toBe(1);
  });
});
