import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../firmware/random.ts';

describe('SeededRandom', () => {
  it('repeats its stream for a seed and differs between seeds', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const c = new SeededRandom(43);
    const sa = Array.from({ length: 8 }, () => a.next());
    expect(Array.from({ length: 8 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 8 }, () => c.next())).not.toEqual(sa);
  });

  it('int covers its inclusive range evenly', () => {
    const r = new SeededRandom(7);
    const counts = new Map<number, number>();
    for (let i = 0; i < 60_000; i++) {
      const v = r.int(1, 6);
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    for (const n of counts.values()) expect(Math.abs(n - 10_000)).toBeLessThan(500);
  });

  it('next stays in [0, 1) and forks are independent streams', () => {
    const r = new SeededRandom(1);
    for (let i = 0; i < 10_000; i++) {
      const v = r.next();
      expect(v >= 0 && v < 1).toBe(true);
    }
    const f = r.fork();
    expect(f.next()).not.toBe(r.next());
  });
});
