// The cadence engine: a lamp's look as a pure function of (cadence, origin, now), checked against a
// millisecond-by-millisecond oracle.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FIXED_CADENCES, type Cadence } from '../../../firmware/profile.ts';
import { cadencePeriod, isSteady, lampState, togglesBetween } from '../../../firmware/keys/cadence.ts';

const LOGGED_OUT = FIXED_CADENCES['hotdesk-logged-out'];

/** The oracle: walk the segments for one integer instant. */
function litAt(cadence: Cadence, origin: number, t: number): boolean {
  const period = cadence.reduce((sum, s) => sum + s.ms, 0);
  let pos = (((t - origin) % period) + period) % period;
  for (const s of cadence) {
    if (pos < s.ms) return s.lit;
    pos -= s.ms;
  }
  throw new Error('unreachable');
}

const segment = fc.record({ lit: fc.boolean(), ms: fc.integer({ min: 1, max: 40 }) });
const cadenceArb = fc.array(segment, { minLength: 1, maxLength: 6 });
const instant = fc.integer({ min: -1_000_000, max: 1_000_000 });

describe('lampState', () => {
  it('is steady, with no next change, for one segment or segments all alike', () => {
    expect(lampState([{ lit: true, ms: 5 }], 0, 123_456)).toEqual({ lit: true, nextChange: Infinity });
    const dark = [{ lit: false, ms: 3 }, { lit: false, ms: 4 }];
    expect(lampState(dark, 10, 11)).toEqual({ lit: false, nextChange: Infinity });
    expect(isSteady(dark)).toBe(true);
    expect(isSteady(LOGGED_OUT)).toBe(false);
  });

  it('blinks a logged-out user 438 ms off then 62 ms on, a change belonging to the new state', () => {
    const at = (now: number) => lampState(LOGGED_OUT, 1000, now);
    expect(at(1000)).toEqual({ lit: false, nextChange: 1438 });
    expect(at(1437)).toEqual({ lit: false, nextChange: 1438 });
    expect(at(1438)).toEqual({ lit: true, nextChange: 1500 });
    expect(at(1499)).toEqual({ lit: true, nextChange: 1500 });
    expect(at(1500)).toEqual({ lit: false, nextChange: 1938 });
    expect(at(999)).toEqual({ lit: true, nextChange: 1000 }); // the phase runs back before the origin too
    expect(cadencePeriod(LOGGED_OUT)).toBe(500);
  });

  it('does not drift: a billion periods on, the change is still to the millisecond', () => {
    const k = 1_000_000_000;
    expect(lampState(LOGGED_OUT, 7, 7 + k * 500 + 438)).toEqual({ lit: true, nextChange: 7 + k * 500 + 500 });
    expect(lampState(LOGGED_OUT, 7, 7 + k * 500 + 437)).toEqual({ lit: false, nextChange: 7 + k * 500 + 438 });
  });

  it('agrees with the oracle, holds until nextChange and changes exactly then', () => {
    fc.assert(
      fc.property(cadenceArb, instant, instant, (cadence, origin, now) => {
        // a boolean property (no expect() per millisecond): fast-check still shrinks and prints a failure
        const s = lampState(cadence, origin, now);
        if (s.lit !== litAt(cadence, origin, now)) return false;
        if (s.nextChange === Infinity) return cadence.every((seg) => seg.lit === cadence[0].lit);
        if (!(s.nextChange > now) || !Number.isInteger(s.nextChange)) return false;
        for (let t = now; t < s.nextChange; t++) if (litAt(cadence, origin, t) !== s.lit) return false;
        return litAt(cadence, origin, s.nextChange) === !s.lit;
      }),
      { numRuns: 500 },
    );
  });

  it('works on fractional clock times', () => {
    expect(lampState(LOGGED_OUT, 0.25, 438.25)).toEqual({ lit: true, nextChange: 500.25 });
    expect(lampState(LOGGED_OUT, 0.25, 438.2)).toEqual({ lit: false, nextChange: 438.25 });
  });

  it('treats a cadence without a usable segment as dark and steady instead of looping', () => {
    expect(lampState([], 0, 5)).toEqual({ lit: false, nextChange: Infinity });
    expect(lampState([{ lit: true, ms: 0 }, { lit: false, ms: Number.NaN }], 0, 5)).toEqual({ lit: false, nextChange: Infinity });
    expect([...togglesBetween([{ lit: true, ms: -1 }], 0, 0, 1000)]).toEqual([]);
  });
});

describe('togglesBetween', () => {
  it('lists each change in (from, to] with its new state, as the oracle sees it', () => {
    fc.assert(
      fc.property(cadenceArb, instant, instant, fc.integer({ min: 0, max: 300 }), (cadence, origin, from, span) => {
        const to = from + span;
        const expected = [];
        for (let t = from + 1; t <= to; t++) {
          const lit = litAt(cadence, origin, t);
          if (lit !== litAt(cadence, origin, t - 1)) expected.push({ at: t, lit });
        }
        expect([...togglesBetween(cadence, origin, from, to)]).toEqual(expected);
      }),
      { numRuns: 400 },
    );
  });

  it('sees every change once across consecutive windows', () => {
    fc.assert(
      fc.property(cadenceArb, instant, instant, fc.nat(500), fc.nat(500), (cadence, origin, a, ab, bc) => {
        const [b, c] = [a + ab, a + ab + bc];
        const joined = [...togglesBetween(cadence, origin, a, b), ...togglesBetween(cadence, origin, b, c)];
        expect(joined).toEqual([...togglesBetween(cadence, origin, a, c)]);
      }),
    );
  });

  it('is lazy, so an open-ended window works', () => {
    const first = [];
    for (const t of togglesBetween(LOGGED_OUT, 0, 0, Infinity)) {
      first.push(t);
      if (first.length === 4) break;
    }
    expect(first).toEqual([
      { at: 438, lit: true },
      { at: 500, lit: false },
      { at: 938, lit: true },
      { at: 1000, lit: false },
    ]);
  });

  it('reports no change where two alike segments meet, nor for an empty window', () => {
    const cadence = [{ lit: true, ms: 10 }, { lit: true, ms: 5 }, { lit: false, ms: 5 }];
    expect([...togglesBetween(cadence, 0, 0, 40)]).toEqual([
      { at: 15, lit: false },
      { at: 20, lit: true },
      { at: 35, lit: false },
      { at: 40, lit: true },
    ]);
    expect([...togglesBetween(cadence, 0, 30, 30)]).toEqual([]);
    expect([...togglesBetween(cadence, 0, 30, 10)]).toEqual([]);
  });
});
