// The responder's cache of answers: what a retransmitted request is answered from.
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../firmware/clock.ts';
import { ENTRY_OVERHEAD_BYTES, ResponseCache } from '../../../firmware/signalling/response-cache.ts';

const bytes = (n: number) => Uint8Array.of(n & 0xff, n >> 8);

describe('ResponseCache', () => {
  it('answers from the cache until the time to live is over, then forgets', () => {
    const clock = new VirtualClock();
    const c = new ResponseCache(clock, 1_000, 10);
    c.put('a', bytes(1));
    clock.advanceSync(999);
    expect(c.get('a')).toEqual(bytes(1));
    clock.advanceSync(1);
    expect(c.get('a')).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('a key put again lives from its last put, and its first entry expiring does not take it', () => {
    const clock = new VirtualClock();
    const c = new ResponseCache(clock, 1_000, 10);
    c.put('a', bytes(1));
    clock.advanceSync(600);
    c.put('a', bytes(2));
    clock.advanceSync(600); // the first put's time is over, not the second's
    expect(c.get('a')).toEqual(bytes(2));
    clock.advanceSync(400);
    expect(c.get('a')).toBeUndefined();
  });

  it('holds at most maxBytes: the oldest go first, a re-put key counts as new, and early leavers are counted', () => {
    const clock = new VirtualClock();
    const one = 2 + 1 + ENTRY_OVERHEAD_BYTES; // two bytes of answer, a one-letter key
    const c = new ResponseCache(clock, 60_000, 3 * one);
    for (const k of ['a', 'b', 'c']) c.put(k, bytes(k.charCodeAt(0)));
    expect(c.bytes).toBe(3 * one);
    c.put('a', bytes(9)); // a is now the newest, and holds its memory once
    expect([c.size, c.bytes, c.evictedEarly]).toEqual([3, 3 * one, 0]);
    c.put('d', bytes(4)); // b goes, inside its time
    expect([c.size, c.bytes, c.evictedEarly]).toEqual([3, 3 * one, 1]);
    expect(c.get('b')).toBeUndefined();
    expect([c.get('a'), c.get('c'), c.get('d')]).toEqual([bytes(9), bytes('c'.charCodeAt(0)), bytes(4)]);
    // a bigger answer pushes out as many as it needs to; one that leaves at its time is not early
    c.put('e', new Uint8Array(2 + 2 * one));
    expect([c.size, c.evictedEarly]).toEqual([1, 4]);
    clock.advanceSync(60_000);
    expect([c.size, c.bytes, c.evictedEarly]).toEqual([0, 0, 4]);
  });

  it('keeps its answers right through many expiries (the queue is cut back as it goes)', () => {
    const clock = new VirtualClock();
    const c = new ResponseCache(clock, 100, 64 * 1024 * 1024);
    // 20,000 puts, 10 per millisecond (entry i at ms i/10), ending at 2,000 ms: what was put after
    // 1,900 ms is live, 990 entries
    for (let i = 0; i < 20_000; i++) {
      c.put(`k${i}`, bytes(i));
      if (i % 10 === 9) clock.advanceSync(1);
    }
    expect(c.size).toBe(990);
    expect(c.get('k19999')).toEqual(bytes(19999));
    expect(c.get('k19009')).toBeUndefined();
    expect(c.get('k19010')).toEqual(bytes(19010));
  });
});
