// The lamp bank on the virtual clock: exact blinking for hours, cadence changes, and no alarms unless
// someone watches.
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../firmware/clock.ts';
import type { Clock, Panel, TimerId, TraceRecord } from '../../../firmware/hal.ts';
import { togglesBetween } from '../../../firmware/keys/cadence.ts';
import { LampBank, showLampsOn, traceLamps, type LampSetting, type LampToggle } from '../../../firmware/keys/lamps.ts';
import type { CadenceTable } from '../../../firmware/profile.ts';
import { loadProfile } from '../../../sim/profiles.ts';

const HOUR = 3_600_000;

function bank5340(clock: Clock, extra: CadenceTable = {}): LampBank {
  return new LampBank(clock, { ...loadProfile('5340').cadences, ...extra });
}

/**
 * Where two long lists first differ (undefined when equal). One expect() on this stays fast on 50 000
 * toggles, where toEqual on the whole lists costs seconds, and a failure still shows the culprit.
 */
function firstDifference<T>(got: readonly T[], want: readonly T[]): { index: number; got?: T; want?: T } | undefined {
  const n = Math.max(got.length, want.length);
  for (let i = 0; i < n; i++) {
    if (JSON.stringify(got[i]) !== JSON.stringify(want[i])) return { index: i, got: got[i], want: want[i] };
  }
  return undefined;
}

/** Records each toggle with the clock time its listener ran at. */
function watchAll(bank: LampBank, clock: Clock): (LampToggle & { ranAt: number })[] {
  const seen: (LampToggle & { ranAt: number })[] = [];
  bank.watchToggles((t) => seen.push({ ...t, ranAt: clock.now() }));
  return seen;
}

describe('a lamp monitoring a logged-out hot desk user', () => {
  it('blinks 438 ms off, 62 ms on, to the millisecond, for a simulated hour: all 7200 periods', () => {
    const clock = new VirtualClock();
    clock.advanceSync(1234); // an origin that is not a round number
    const bank = bank5340(clock);
    expect(bank.set('key:3', 'hotdesk-logged-out')).toBe('changed');
    const seen = watchAll(bank, clock);
    clock.advanceSync(HOUR);

    const expected = [];
    const darkBefore = [];
    const litAtChange = [];
    for (let k = 0; k < 7200; k++) {
      const periodStart = 1234 + 500 * k;
      const lamp = { key: 'key:3', cadence: 'hotdesk-logged-out' };
      expected.push({ ...lamp, lit: true, at: periodStart + 438, ranAt: periodStart + 438 });
      expected.push({ ...lamp, lit: false, at: periodStart + 500, ranAt: periodStart + 500 });
      darkBefore.push(bank.stateAt('key:3', periodStart + 437).lit);
      litAtChange.push(bank.stateAt('key:3', periodStart + 438).lit);
    }
    expect(seen).toHaveLength(2 * 7200);
    expect(firstDifference(seen, expected)).toBeUndefined();
    expect(darkBefore.every((lit) => !lit)).toBe(true);
    expect(litAtChange.every((lit) => lit)).toBe(true);
    expect(clock.pending).toBe(1); // the watcher's one alarm, for the next blink
    expect(clock.nextAlarm()).toBe(1234 + HOUR + 438);
  });
});

describe('changing cadence', () => {
  it('takes effect at once with a new origin; the same cadence again keeps its phase', () => {
    const clock = new VirtualClock();
    const bank = bank5340(clock);
    const changes: [string, LampSetting][] = [];
    bank.onCadence((key, s) => changes.push([key, s]));

    clock.advanceSync(100);
    expect(bank.set('key:1', 'busy')).toBe('changed');
    expect(bank.get('key:1')).toEqual({ cadence: 'busy', origin: 100 });
    expect(bank.stateAt('key:1')).toEqual({ lit: true, nextChange: Infinity });

    clock.advanceSync(50);
    expect(bank.set('key:1', 'ringing')).toBe('changed'); // 250 on, 250 off from 150
    expect(bank.get('key:1')).toEqual({ cadence: 'ringing', origin: 150 });
    expect(bank.stateAt('key:1')).toEqual({ lit: true, nextChange: 400 });

    clock.advanceSync(150);
    expect(bank.set('key:1', 'ringing')).toBe('unchanged');
    expect(bank.get('key:1').origin).toBe(150);
    expect(bank.stateAt('key:1', 400).lit).toBe(false);

    expect(changes).toEqual([
      ['key:1', { cadence: 'busy', origin: 100 }],
      ['key:1', { cadence: 'ringing', origin: 150 }],
    ]);
  });

  it('switches a watched lamp mid-blink: old changes up to the switch, new ones from the new origin', () => {
    const clock = new VirtualClock();
    const bank = bank5340(clock);
    bank.set('key:2', 'hold'); // 500 on, 500 off from 0
    const seen = watchAll(bank, clock);
    clock.setTimeout(() => bank.set('key:2', 'ringing'), 750);
    clock.advanceSync(1600);
    expect(seen.map((t) => [t.cadence, t.at, t.lit])).toEqual([
      ['hold', 500, false],
      ['ringing', 1000, false],
      ['ringing', 1250, true],
      ['ringing', 1500, false],
    ]);
    bank.set('key:2', 'on');
    expect(clock.pending).toBe(0); // every lamp steady: nothing to wake up for, even while watched
  });

  it('refuses a cadence the table does not have, leaving the lamp as it was', () => {
    const clock = new VirtualClock();
    const bank = bank5340(clock);
    let events = 0;
    bank.onCadence(() => events++);
    bank.set('key:1', 'dnd');
    expect(bank.set('key:1', 'disco')).toBe('unknown-cadence');
    expect(bank.set('key:1', 'toString')).toBe('unknown-cadence');
    expect(bank.get('key:1').cadence).toBe('dnd');
    expect(events).toBe(1);
  });

  it('treats a lamp never set as off, and always knows the fixed cadences', () => {
    const clock = new VirtualClock();
    const bank = new LampBank(clock, {}); // a table without even the fixed cadences
    expect(bank.get('pkm1:12')).toEqual({ cadence: 'off', origin: 0 });
    expect(bank.stateAt('pkm1:12')).toEqual({ lit: false, nextChange: Infinity });
    expect(bank.set('pkm1:12', 'off')).toBe('unchanged');
    expect(bank.set('pkm1:12', 'hotdesk-logged-out')).toBe('changed');
    expect(bank.cadenceNames().sort()).toEqual(['hotdesk-logged-out', 'off', 'on']);
    expect(bank.keys()).toEqual(['pkm1:12']);
  });
});

describe('alarms', () => {
  it('are never set while nothing watches, however many lamps blink', () => {
    const clock = new VirtualClock();
    const bank = bank5340(clock);
    const names = ['ringing', 'dnd', 'cfa', 'hold', 'hotdesk-logged-out'];
    for (let i = 1; i <= 96; i++) {
      bank.set(i <= 48 ? `key:${i}` : `pkm1:${i - 48}`, names[i % names.length]);
      clock.advanceSync(37);
      expect(clock.pending).toBe(0);
    }
    clock.advanceSync(HOUR);
    expect(clock.pending).toBe(0);

    const stop = bank.watchToggles(() => {});
    expect(clock.pending).toBe(1);
    clock.advanceSync(10_000);
    expect(clock.pending).toBe(1);
    stop();
    expect(clock.pending).toBe(0);
    clock.advanceSync(10_000);
    expect(clock.nextAlarm()).toBeUndefined();
  });

  it('fire every toggle of many lamps with different cadences and phases at its exact time', () => {
    const clock = new VirtualClock();
    const odd: CadenceTable = {
      odd: [{ lit: true, ms: 7 }, { lit: false, ms: 13 }, { lit: false, ms: 3 }, { lit: true, ms: 1 }],
      triple: [{ lit: true, ms: 40 }, { lit: false, ms: 60 }, { lit: true, ms: 40 }, { lit: false, ms: 60 }, { lit: true, ms: 40 }, { lit: false, ms: 761 }],
    };
    const bank = bank5340(clock, odd);
    const names = ['ringing', 'dnd', 'cfa', 'hold', 'hotdesk-logged-out', 'busy', 'idle', 'odd', 'triple'];
    const keys: string[] = [];
    for (let i = 1; i <= 144; i++) {
      const key = i <= 48 ? `key:${i}` : i <= 96 ? `pkm1:${i - 48}` : `pkm2:${i - 96}`;
      keys.push(key);
      bank.set(key, names[i % names.length]);
      clock.advanceSync(i % 7); // staggered origins, some lamps sharing one
    }
    const start = clock.now();
    const seen = watchAll(bank, clock);
    let maxPending = 0;
    bank.watchToggles(() => (maxPending = Math.max(maxPending, clock.pending)));
    clock.advanceSync(20_000);
    const end = clock.now();

    expect(seen.filter((t) => t.ranAt !== t.at)).toEqual([]);
    expect(seen.filter((t, i) => i > 0 && t.at < seen[i - 1].at)).toEqual([]);
    const byKey = new Map<string, LampToggle[]>(keys.map((k) => [k, []]));
    for (const { ranAt: _ranAt, ...t } of seen) byKey.get(t.key)?.push(t);
    const table = { ...loadProfile('5340').cadences, ...odd };
    let total = 0;
    for (const key of keys) {
      const { cadence, origin } = bank.get(key);
      const expected = [...togglesBetween(table[cadence], origin, start, end)].map((t) => ({ key, cadence, lit: t.lit, at: t.at }));
      expect(firstDifference(byKey.get(key) ?? [], expected), key).toBeUndefined();
      total += expected.length;
    }
    expect(seen).toHaveLength(total);
    expect(total).toBeGreaterThan(15_000);
    expect(maxPending).toBe(0); // inside a listener the alarm being run is the only one, and it has run
    expect(clock.pending).toBe(1);
  });

  it('report late alarms with each change at its exact time, none lost or repeated', () => {
    // a real clock runs alarms late when the event loop is busy: model that with a 35 ms lag
    const virtual = new VirtualClock();
    const late: Clock = {
      now: () => virtual.now(),
      setTimeout: (fn: () => void, ms: number): TimerId => virtual.setTimeout(fn, ms + 35),
      clearTimeout: (id) => virtual.clearTimeout(id),
    };
    const bank = bank5340(late);
    bank.set('key:1', 'hotdesk-logged-out');
    bank.set('key:2', 'ringing');
    const seen = watchAll(bank, late);
    virtual.advanceSync(10_000);
    const expected = [
      ...[...togglesBetween(loadProfile('5340').cadences['hotdesk-logged-out'], 0, 0, 10_000)].map((t) => ({ key: 'key:1', ...t })),
      ...[...togglesBetween(loadProfile('5340').cadences.ringing, 0, 0, 10_000)].map((t) => ({ key: 'key:2', ...t })),
    ].filter((t) => seen.length > 0 && t.at <= seen[seen.length - 1].ranAt);
    const got = seen.map(({ key, at, lit }) => ({ key, at, lit }));
    expect(got).toEqual(expected.sort((a, b) => a.at - b.at || a.key.localeCompare(b.key)));
    expect(seen.every((t) => t.ranAt >= t.at && t.ranAt - t.at <= 35)).toBe(true);
    expect(got.length).toBeGreaterThan(50);
  });
});

describe('panel and trace', () => {
  it('get each cadence change; the trace gets every blink only when asked', () => {
    const clock = new VirtualClock();
    const bank = bank5340(clock);
    const shown: [string, string, number][] = [];
    const panel: Panel = { display: () => {}, lamp: (key, cadence, origin) => shown.push([key, cadence, origin]) };
    const records: TraceRecord[] = [];
    showLampsOn(bank, panel);
    const stopTrace = traceLamps(bank, { record: (r) => records.push(r) }, { toggles: true });

    clock.advanceSync(10);
    bank.set('key:3', 'hotdesk-logged-out');
    clock.advanceSync(1000);
    expect(shown).toEqual([['key:3', 'hotdesk-logged-out', 10]]);
    expect(records).toEqual([
      { kind: 'lamp', key: 'key:3', cadence: 'hotdesk-logged-out' },
      { kind: 'lamp', key: 'key:3', cadence: 'hotdesk-logged-out', on: true },
      { kind: 'lamp', key: 'key:3', cadence: 'hotdesk-logged-out', on: false },
      { kind: 'lamp', key: 'key:3', cadence: 'hotdesk-logged-out', on: true },
      { kind: 'lamp', key: 'key:3', cadence: 'hotdesk-logged-out', on: false },
    ]);
    stopTrace();
    expect(clock.pending).toBe(0);

    const plain: TraceRecord[] = [];
    traceLamps(bank, { record: (r) => plain.push(r) });
    bank.set('key:3', 'busy');
    clock.advanceSync(5000);
    expect(plain).toEqual([{ kind: 'lamp', key: 'key:3', cadence: 'busy' }]);
    expect(clock.pending).toBe(0);
  });
});
