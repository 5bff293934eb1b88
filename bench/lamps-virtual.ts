// Lamps on the virtual clock: a simulated day of a 5340 with three 5448 key modules, every one of its
// 192 lamps set (blinking and steady cadences mixed). Nobody watching, a lamp costs nothing (its look
// is computed when asked), so the day costs only what else happens in it; with a watcher counting
// toggles, every blink is an event. Wall time against simulated time, for the bank alone and for the
// phone in a whole World (controller, wire, heartbeats).
import { performance } from 'node:perf_hooks';
import { VirtualClock } from '../firmware/clock.ts';
import { LampBank } from '../firmware/keys/lamps.ts';
import { loadProfile } from '../sim/profiles.ts';
import { World } from '../sim/world.ts';
import { fmt, type Table, type Verdict } from './harness.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MIX = ['hotdesk-logged-out', 'ringing', 'dnd', 'cfa', 'hold', 'busy', 'idle'];
/** The 5340's 48 keys, then 48 on each of three 5448s. */
const KEYS = [...Array.from({ length: 48 }, (_, i) => `key:${i + 1}`), ...[1, 2, 3].flatMap((m) => Array.from({ length: 48 }, (_, i) => `pkm${m}:${i + 1}`))];

interface Run {
  subject: string;
  simulatedMs: number;
  wallMs: number;
  toggles: number;
}

function bankRun(watch: boolean, simulatedMs: number): Run {
  const clock = new VirtualClock();
  const bank = new LampBank(clock, loadProfile('5340').cadences);
  // lamps set a few ms apart, as BLF pushes arrive: their blinks do not line up
  KEYS.forEach((k, i) => {
    clock.advanceSync(7);
    bank.set(k, MIX[i % MIX.length]);
  });
  let toggles = 0;
  if (watch) bank.watchToggles(() => toggles++);
  const t0 = performance.now();
  clock.advanceSync(simulatedMs);
  return { subject: `LampBank alone, ${watch ? 'a watcher counting toggles' : 'nobody watching'}`, simulatedMs, wallMs: performance.now() - t0, toggles };
}

async function worldRun(watch: boolean, simulatedMs: number): Promise<Run> {
  const world = await World.build({ profile: '5340', link: { kind: 'mock' }, pkms: ['5448', '5448', '5448'] });
  try {
    await world.advance(10_000, () => world.phone?.state === 'network.inService');
    const bank = world.phone!.lamps;
    KEYS.forEach((k, i) => bank.set(k, MIX[i % MIX.length]));
    let toggles = 0;
    if (watch) bank.watchToggles(() => toggles++);
    const t0 = performance.now();
    await world.advance(simulatedMs);
    return { subject: `World (5340 + 3 x 5448, controller, heartbeats), ${watch ? 'a watcher counting toggles' : 'nobody watching'}`, simulatedMs, wallMs: performance.now() - t0, toggles };
  } finally {
    await world.close();
  }
}

export async function measureVirtualLamps(opts: { quick: boolean }): Promise<{ table: Table; verdicts: Verdict[] }> {
  // a watched day is tens of millions of toggles: the full run takes minutes, --quick watches an hour
  const watched = opts.quick ? HOUR : DAY;
  const runs: Run[] = [bankRun(false, DAY), bankRun(true, watched), await worldRun(false, DAY), await worldRun(true, watched)];
  const unwatchedWorld = runs[2];
  const verdicts: Verdict[] = [
    { target: 'virtual time: a simulated day of a 5340 with three PKMs, nobody watching, in <= 1 s of wall time (World)', pass: unwatchedWorld.wallMs <= 1000 },
  ];
  return {
    table: {
      title: `${KEYS.length} lamps of a 5340 with three 5448s (mixed cadences), virtual clock`,
      columns: ['subject', 'simulated h', 'wall ms', 'wall/simulated', 'toggles', 'ns/toggle'],
      rows: runs.map((r) => [
        r.subject,
        fmt(r.simulatedMs / HOUR),
        r.wallMs.toFixed(1),
        (r.wallMs / r.simulatedMs).toExponential(2),
        r.toggles,
        r.toggles > 0 ? fmt((r.wallMs * 1e6) / r.toggles) : '-',
      ]),
      notes: verdicts.map((v) => `${v.pass ? 'PASS' : 'FAIL'}  ${v.target}`),
    },
    verdicts,
  };
}
