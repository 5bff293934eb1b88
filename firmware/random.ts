// Seedable randomness (xoshiro128**, seeded through splitmix32): the same seed gives the same boot,
// the same wire noise and the same transaction ids, so a failing run can be replayed exactly.
import type { Random } from './hal.ts';

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class SeededRandom implements Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    const mix = splitmix32(seed);
    this.s0 = mix();
    this.s1 = mix();
    this.s2 = mix();
    this.s3 = mix();
  }

  private nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl(this.s3, 11);
    this.s0 >>>= 0;
    this.s1 >>>= 0;
    return result;
  }

  next(): number {
    return this.nextU32() / 2 ** 32;
  }

  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.nextU32() & 0xff;
    return out;
  }

  /** A new generator whose stream is independent of this one (one per node, one for the wire). */
  fork(): SeededRandom {
    return new SeededRandom(this.nextU32());
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/**
 * xoshiro128**'s state as four plain numbers, for a state machine that keeps its randomness in its
 * context (XState context is data: no generator objects in it). `randomState(seed)` and then
 * `nextRandom` give the same stream as `new SeededRandom(seed)`'s `next()`.
 */
export type RandomState = readonly [number, number, number, number];

/** The state `new SeededRandom(seed)` starts from. */
export function randomState(seed: number): RandomState {
  const mix = splitmix32(seed);
  return [mix(), mix(), mix(), mix()];
}

/** One step: the next u32 and the state after it. Pure: the state given is not changed. */
export function nextRandomU32(state: RandomState): { value: number; state: RandomState } {
  let [s0, s1, s2, s3] = state;
  const value = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
  const t = (s1 << 9) >>> 0;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 = (s2 ^ t) >>> 0;
  s3 = rotl(s3, 11);
  return { value, state: [s0 >>> 0, s1 >>> 0, s2, s3] };
}

/** A float in [0, 1) and the next state, as SeededRandom.next(). */
export function nextRandom(state: RandomState): { value: number; state: RandomState } {
  const r = nextRandomU32(state);
  return { value: r.value / 2 ** 32, state: r.state };
}

/** An integer in [lo, hi] (both inclusive) and the next state, as SeededRandom.int(). */
export function nextRandomInt(state: RandomState, lo: number, hi: number): { value: number; state: RandomState } {
  const r = nextRandom(state);
  return { value: lo + Math.floor(r.value * (hi - lo + 1)), state: r.state };
}
