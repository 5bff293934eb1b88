// Lamp cadences as pure functions of time. A lamp's look is (cadence, phase origin, now) -> lit, worked
// out from (now - origin) modulo the cadence period. Nothing is chained from one blink to the next, so
// there is no drift: toggle number 14 400 of a lamp lands as exactly as toggle number 1. Every time
// this returns is origin + a whole number of periods + an offset into the cadence, never a running sum.
import type { Cadence } from '../profile.ts';

export interface LampState {
  readonly lit: boolean;
  /** When the lamp next changes between lit and dark; Infinity for a steady lamp. */
  readonly nextChange: number;
}

/** A lamp changing between lit and dark: at `at` it becomes `lit`. */
export interface Toggle {
  readonly at: number;
  readonly lit: boolean;
}

/** A cadence prepared for lookups: where each segment ends and where, within a period, the lamp changes. */
interface Compiled {
  /** Set when the lamp never changes (one segment, or all segments alike, or no usable segment). */
  readonly steady?: { readonly lit: boolean };
  readonly period: number;
  /** ends[i]: offset at which segment i ends; segment i covers [ends[i-1], ends[i]). */
  readonly ends: readonly number[];
  readonly lits: readonly boolean[];
  /** Offsets in [0, period) where the lamp changes (two alike segments in a row make no change). */
  readonly changes: readonly number[];
  readonly changeLit: readonly boolean[];
}

// Cadences come from frozen profile tables and are reused by every lamp: compile each one once.
const compiledCache = new WeakMap<Cadence, Compiled>();

function compile(cadence: Cadence): Compiled {
  const cached = compiledCache.get(cadence);
  if (cached) return cached;
  // the loader only lets whole positive milliseconds through; anything else is skipped, not trusted,
  // so a hand-built cadence can never make the period zero or NaN
  const usable = cadence.filter((s) => Number.isFinite(s.ms) && s.ms > 0);
  const ends: number[] = [];
  let total = 0;
  for (const s of usable) ends.push((total += s.ms));
  const lits = usable.map((s) => s.lit);
  const changes: number[] = [];
  const changeLit: boolean[] = [];
  lits.forEach((lit, i) => {
    const before = lits[(i + lits.length - 1) % lits.length];
    if (lit !== before) {
      changes.push(i === 0 ? 0 : ends[i - 1]);
      changeLit.push(lit);
    }
  });
  const compiled: Compiled =
    changes.length === 0
      ? { steady: { lit: lits[0] ?? false }, period: total, ends, lits, changes, changeLit }
      : { period: total, ends, lits, changes, changeLit };
  compiledCache.set(cadence, compiled);
  return compiled;
}

/** Which period (counted from the origin) contains `t`, where it starts, and how far into it `t` is. */
function place(c: Compiled, origin: number, t: number): { cycle: number; start: number; pos: number } {
  let cycle = Math.floor((t - origin) / c.period);
  // exact for whole milliseconds; with fractional times the division can land one period off
  if (t - (origin + cycle * c.period) >= c.period) cycle++;
  if (t - (origin + cycle * c.period) < 0) cycle--;
  const start = origin + cycle * c.period;
  return { cycle, start, pos: t - start };
}

/** The lamp at `now` for a cadence started at `origin`. A change instant belongs to the new state. */
export function lampState(cadence: Cadence, origin: number, now: number): LampState {
  const c = compile(cadence);
  if (c.steady) return { lit: c.steady.lit, nextChange: Infinity };
  // The next change is found as togglesBetween finds changes (origin + cycle * period + offset, compared
  // as absolute times), so the two always agree to the last bit. Working with `now - start` instead can
  // round a change that lands exactly on `now` to either side with a fractional origin (the wire's
  // timing makes those), and a next change equal to now would have a watcher re-arm for the same
  // instant forever. Changes alternate lit/dark, so the lamp now is the opposite of the next change.
  for (let { cycle } = place(c, origin, now); ; cycle++) {
    const start = origin + cycle * c.period;
    for (let k = 0; k < c.changes.length; k++) {
      const at = start + c.changes[k];
      if (at > now) return { lit: !c.changeLit[k], nextChange: at };
    }
  }
}

/**
 * Every change of the lamp in (from, to], in order: a change exactly at `from` counts as already seen,
 * one exactly at `to` is included, so consecutive windows (a, b], (b, c] see each change once. Lazy:
 * `to` may be Infinity.
 */
export function* togglesBetween(cadence: Cadence, origin: number, from: number, to: number): Generator<Toggle> {
  const c = compile(cadence);
  if (c.steady || !(to > from)) return;
  for (let { cycle } = place(c, origin, from); ; cycle++) {
    // from the origin each time, never by adding periods up: no rounding can build up
    const start = origin + cycle * c.period;
    for (let k = 0; k < c.changes.length; k++) {
      const at = start + c.changes[k];
      if (at <= from) continue;
      if (at > to) return;
      yield { at, lit: c.changeLit[k] };
    }
  }
}

/** How long one round of the cadence lasts (the sum of its segments). */
export function cadencePeriod(cadence: Cadence): number {
  return compile(cadence).period;
}

/** True when the lamp never changes under this cadence. */
export function isSteady(cadence: Cadence): boolean {
  return compile(cadence).steady !== undefined;
}
