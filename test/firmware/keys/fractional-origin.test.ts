// Lamps whose phase origin is a fractional millisecond (a BLF push lands when the wire delivers it, at
// times like 4421.097222222221). Floating point must never make the engine say a lamp's next change is
// "now": a watcher would re-arm for the same instant forever (this froze a World with --trace-lamps
// at 16421.09722222222 ms before the fix). lampState and togglesBetween must agree to the last bit.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../firmware/clock.ts';
import { lampState, togglesBetween } from '../../../firmware/keys/cadence.ts';
import { LampBank, type LampToggle } from '../../../firmware/keys/lamps.ts';
import { FIXED_CADENCES } from '../../../firmware/profile.ts';

const LOGGED_OUT = FIXED_CADENCES['hotdesk-logged-out'];
const fractionalOrigin = fc.double({ min: 0, max: 1e7, noNaN: true, noDefaultInfinity: true });

describe('fractional phase origins', () => {
  it('the frozen instant of the bug report: the next change after a change instant lies after it', () => {
    const origin = 4421.097222222221;
    const now = origin + 24 * 500; // a change instant, as the clock computed it
    const s = lampState(LOGGED_OUT, origin, now);
    expect(s.nextChange).toBeGreaterThan(now);
    expect(s.nextChange).toBe(origin + 24 * 500 + 438);
    expect(s.lit).toBe(false);
  });

  it('lampState: the next change is after now and is the first change togglesBetween reports after now', () => {
    fc.assert(
      fc.property(fractionalOrigin, fc.integer({ min: 0, max: 200_000 }), fc.constantFrom(0, 438, 500), (origin, periods, offset) => {
        // instants on and right around change times, where rounding bites
        for (const now of [origin + periods * 500 + offset, origin + (periods * 500 + offset), origin + periods * 500 + offset - 1e-9]) {
          const s = lampState(LOGGED_OUT, origin, now);
          expect(s.nextChange).toBeGreaterThan(now);
          const first = togglesBetween(LOGGED_OUT, origin, now, Infinity).next().value!;
          expect(first.at).toBe(s.nextChange);
          expect(first.lit).toBe(!s.lit);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('a watched bank on a virtual clock reports every toggle of an hour from a fractional origin, and the clock moves on', () => {
    const clock = new VirtualClock();
    clock.advanceSync(4421.097222222221);
    const bank = new LampBank(clock, {});
    bank.set('key:3', 'hotdesk-logged-out');
    const seen: LampToggle[] = [];
    let alarms = 0;
    const setTimeout = clock.setTimeout.bind(clock);
    clock.setTimeout = (fn, ms) => {
      alarms++;
      return setTimeout(fn, ms);
    };
    bank.watchToggles((t) => seen.push(t));
    clock.advanceSync(3_600_000);
    expect(seen).toHaveLength(14_400);
    expect(alarms).toBeLessThanOrEqual(14_401); // one alarm per change, none re-armed in place
    seen.forEach((t, i) => {
      const k = Math.floor(i / 2);
      expect(t.at).toBe(i % 2 === 0 ? 4421.097222222221 + k * 500 + 438 : 4421.097222222221 + (k + 1) * 500);
      expect(t.lit).toBe(i % 2 === 0);
    });
  });
});
