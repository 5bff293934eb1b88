import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { VirtualClock } from '../../firmware/clock.ts';

describe('VirtualClock', () => {
  it('runs alarms in time order, ties in the order they were set, and jumps between them', () => {
    const clock = new VirtualClock();
    const seen: string[] = [];
    clock.setTimeout(() => seen.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => seen.push(`a@${clock.now()}`), 10);
    clock.setTimeout(() => seen.push(`c@${clock.now()}`), 20);
    clock.advanceSync(15);
    expect(seen).toEqual(['a@10']);
    expect(clock.now()).toBe(15);
    clock.advanceSync(100);
    expect(seen).toEqual(['a@10', 'b@20', 'c@20']);
    expect(clock.now()).toBe(115);
  });

  it('runs alarms that alarms set within the same advance', () => {
    const clock = new VirtualClock();
    const seen: number[] = [];
    const tick = () => {
      seen.push(clock.now());
      if (seen.length < 5) clock.setTimeout(tick, 100);
    };
    clock.setTimeout(tick, 100);
    clock.advanceSync(1000);
    expect(seen).toEqual([100, 200, 300, 400, 500]);
    expect(clock.pending).toBe(0);
  });

  it('never runs a cleared alarm', () => {
    const clock = new VirtualClock();
    let ran = false;
    const id = clock.setTimeout(() => (ran = true), 5);
    clock.clearTimeout(id);
    clock.advanceSync(10);
    expect(ran).toBe(false);
    expect(clock.nextAlarm()).toBeUndefined();
  });

  it('a simulated day of 1 s alarms costs only the alarms in it', () => {
    const clock = new VirtualClock();
    let n = 0;
    const tick = () => {
      n++;
      clock.setTimeout(tick, 1000);
    };
    clock.setTimeout(tick, 1000);
    clock.advanceSync(86_400_000);
    expect(n).toBe(86_400);
  });

  it('async advance lets I/O settle between instants and stops when the condition holds', async () => {
    const clock = new VirtualClock(() => new Promise((r) => setImmediate(r)));
    let delivered = false;
    clock.setTimeout(() => {
      // I/O that completes on a later tick, like a mock serial port's read
      process.nextTick(() => Promise.resolve().then(() => (delivered = true)));
    }, 50);
    const seen = await clock.advance(1000, () => delivered);
    expect(seen).toBe(true);
    expect(clock.now()).toBe(50);
  });

  it('any interleaving of set and clear runs exactly the live alarms, in order', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(1000), fc.boolean()), { maxLength: 60 }), (plan) => {
        const clock = new VirtualClock();
        const ran: number[] = [];
        const expected: { at: number; i: number }[] = [];
        plan.forEach(([delay, cancel], i) => {
          const id = clock.setTimeout(() => ran.push(i), delay);
          if (cancel) clock.clearTimeout(id);
          else expected.push({ at: delay, i });
        });
        clock.advanceSync(2000);
        expected.sort((a, b) => a.at - b.at || a.i - b.i);
        expect(ran).toEqual(expected.map((e) => e.i));
      }),
    );
  });
});
