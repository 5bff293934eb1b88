// BLF lamps end to end (issue 5): a reception 5340 with a 5448 key module, in a World on the virtual
// clock with --trace-lamps. Its own programming watches a hot desk user on a desk key and a PKM key.
// While the user is logged out, each lamp toggles exactly 438 ms dark / 62 ms lit for a simulated
// hour, every toggle read back from the trace (none missing, none moved, the last as exact as the
// first); when the user logs in (on a set the controller simulates) the lamps change cadence in the
// very instant the blf-state datagram reaches the phone.
import { afterEach, describe, expect, it } from 'vitest';
import { parseControllerConfig } from '../../sim/controller/config.ts';
import type { StampedRecord } from '../../sim/trace.ts';
import { World } from '../../sim/world.ts';

const HOUR = 3_600_000;
const CONTROLLER = '192.168.10.1:6800';
const WATCHED = ['key:3', 'pkm1:12'];

/** What the trace stamps: ms rounded to 3 decimals (sim/trace.ts). */
const stamp = (ms: number) => Math.round(ms * 1000) / 1000;

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function receptionSet(): Promise<{ world: World; records: StampedRecord[] }> {
  const records: StampedRecord[] = [];
  const w = await World.build({
    profile: '5340',
    link: { kind: 'mock' },
    pkms: ['5448'],
    traceLamps: true,
    config: parseControllerConfig(
      {
        users: [{ ext: '5123', pin: '1234', name: 'Alice Smith' }],
        sets: [{ profile: '5340', dn: '5000', keys: [{ key: 3, type: 'blf', dn: '5123' }, { key: 'pkm1:12', type: 'blf', dn: '5123' }] }],
      },
      'test',
    ),
  });
  // only what this test reads: lamp records, the controller's signalling and the phone's frames
  w.trace.addSink((r) => {
    if (r.kind === 'lamp' || r.kind === 'frame') records.push(r);
  });
  world = w;
  return { world: w, records };
}

describe('BLF lamps in a world on the virtual clock', () => {
  it('blink 438 ms off / 62 ms on for a simulated hour, every toggle exact, then change cadence as the login arrives', async () => {
    const { world: w, records } = await receptionSet();
    const phone = w.phone!;
    const lit = await w.advance(60_000, () => WATCHED.every((k) => phone.lamps.get(k).cadence === 'hotdesk-logged-out'));
    expect(lit).toBe(true);
    // both keys watch the same DN: one blf-state push set them in the same instant
    const origin = phone.lamps.get('key:3').origin;
    expect(phone.lamps.get('pkm1:12').origin).toBe(origin);
    const from = records.length;

    await w.advance(HOUR);
    const end = w.now();

    for (const key of WATCHED) {
      const toggles = records.slice(from).filter((r) => r.kind === 'lamp' && r.key === key && 'on' in r);
      // every change in (origin, end]: two per 500 ms period, none missed, none doubled
      const expected: { t: number; on: boolean }[] = [];
      for (let k = 0; ; k++) {
        const on = origin + k * 500 + 438;
        const off = origin + (k + 1) * 500;
        if (on > end) break;
        expected.push({ t: stamp(on), on: true });
        if (off > end) break;
        expected.push({ t: stamp(off), on: false });
      }
      expect(expected.length).toBeGreaterThanOrEqual((2 * HOUR) / 500);
      expect(toggles.map((r) => ({ t: r.t, on: r.on }))).toEqual(expected);
      expect(toggles.every((r) => r.cadence === 'hotdesk-logged-out')).toBe(true);
      // no drift: after 7,200 periods the lamp is where the cadence says, to the microsecond
      const last = toggles[toggles.length - 1];
      expect(((last.t - stamp(origin)) % 500 + 500) % 500).toBeCloseTo(last.on ? 438 : 0, 3);
    }

    // the user logs in on another set: the push reaches the phone and the lamps change with it
    const before = records.length;
    await w.actOnController({ login: { ext: '5123', on: '5002' } });
    expect(await w.advance(5_000, () => WATCHED.every((k) => phone.lamps.get(k).cadence === 'idle'))).toBe(true);
    const after = records.slice(before);
    const push = after.findIndex((r) => r.node === 'controller' && r.kind === 'frame' && r.dir === 'tx' && /blf-state dn=5123 state=idle/.test(String(r.summary)));
    expect(push).toBeGreaterThanOrEqual(0);
    // the first datagram from the controller to reach the phone after that push is the push itself
    const arrival = after.findIndex((r, i) => i > push && r.node.startsWith('phone:') && r.kind === 'frame' && r.dir === 'rx' && String(r.summary).startsWith(`${CONTROLLER} >`));
    expect(arrival).toBeGreaterThan(push);
    for (const key of WATCHED) {
      const change = after.findIndex((r) => r.kind === 'lamp' && r.key === key && r.cadence === 'idle' && !('on' in r));
      expect(change).toBeGreaterThan(arrival);
      expect(after[change].t).toBe(after[arrival].t); // the same instant: no timer in between
      expect(phone.lamps.get(key).origin).toBe(phone.lamps.get('key:3').origin);
      // nothing of the phone's happened in between (no other frame, no other lamp record)
      expect(after.slice(arrival + 1, change).filter((r) => r.node.startsWith('phone:') && r.kind === 'frame')).toEqual([]);
      // and the old cadence's toggles stopped there
      expect(after.slice(change).some((r) => r.kind === 'lamp' && r.key === key && r.cadence === 'hotdesk-logged-out')).toBe(false);
    }
  }, 60_000);
});
