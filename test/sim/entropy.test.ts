import { describe, expect, it } from 'vitest';
import { osEntropy } from '../../sim/entropy.ts';

describe('osEntropy (pooled OS randomness)', () => {
  it('hands out fresh bytes of the length asked, never the same bytes twice, across pool refills', () => {
    const seen = new Set<string>();
    // 32-byte draws over several 4 KiB pools, with odd sizes that straddle a refill
    for (let i = 0; i < 600; i++) {
      const n = i % 7 === 0 ? 13 : 32;
      const b = osEntropy(n);
      expect(b).toBeInstanceOf(Uint8Array);
      expect(b.length).toBe(n);
      const hex = Buffer.from(b).toString('hex');
      expect(seen.has(hex)).toBe(false);
      seen.add(hex);
    }
  });

  it('serves a request larger than its pool from the OS directly', () => {
    const b = osEntropy(10_000);
    expect(b.length).toBe(10_000);
    expect(new Set(b).size).toBeGreaterThan(200); // random bytes, not a zeroed buffer
  });

  it('returns copies: a draw keeps its bytes when the pool is refilled, and changing it changes nothing else', () => {
    const a = osEntropy(32);
    const kept = Uint8Array.from(a);
    // enough draws to refill the 4 KiB pool twice over: a view into the pool would change under them
    const later = Array.from({ length: 300 }, () => osEntropy(32));
    expect(a).toEqual(kept);
    a.fill(0);
    expect(later.every((b) => b.some((x) => x !== 0))).toBe(true);
    expect(osEntropy(16).some((x) => x !== 0)).toBe(true);
  });
});
