// Lamps on wall time: 200 lamps of one LampBank on a RealClock, blinking under a watcher (what the
// terminal panel and --trace-lamps do), while the same thread spends most of its time on other work
// (a busy loop in slices, yielding between them). Each toggle's error is when the watcher heard of it
// minus when the cadence says it happened; drift is the error late in the run against early on.
import { performance } from 'node:perf_hooks';
import { LampBank } from '../firmware/keys/lamps.ts';
import { togglesBetween } from '../firmware/keys/cadence.ts';
import { loadProfile } from '../sim/profiles.ts';
import { RealClock } from '../sim/real-clock.ts';
import { fmt, median, type Table, type Verdict } from './harness.ts';

export interface RealtimeOptions {
  lamps: number;
  seconds: number;
  /** The window compared for drift, at the start and at the end of the run. */
  windowSeconds: number;
  /** How long each slice of the busy loop runs before yielding to the event loop. */
  sliceMs: number;
}

/** The blinking cadences of the 5340, round robin over the lamps (steady lamps never toggle). */
const BLINKING = ['hotdesk-logged-out', 'ringing', 'dnd', 'cfa', 'hold'];

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

export async function measureRealtimeLamps(o: RealtimeOptions): Promise<{ table: Table; verdicts: Verdict[] }> {
  const profile = loadProfile('5340');
  const clock = new RealClock();
  const bank = new LampBank(clock, profile.cadences);
  const errors: { at: number; err: number }[] = [];
  const start = clock.now();
  for (let i = 0; i < o.lamps; i++) bank.set(`lamp:${i}`, BLINKING[i % BLINKING.length]);
  const stop = bank.watchToggles((t) => errors.push({ at: t.at, err: clock.now() - t.at }));

  // the other work: slices of arithmetic, each followed by a yield (setImmediate), until the end
  let busyMs = 0;
  let sink = 0;
  const end = start + o.seconds * 1000;
  await new Promise<void>((resolve) => {
    const slice = () => {
      const t0 = performance.now();
      while (performance.now() - t0 < o.sliceMs) sink = (sink * 1103515245 + 12345) % 2147483648;
      busyMs += performance.now() - t0;
      if (clock.now() < end) setImmediate(slice);
      else resolve();
    };
    slice();
  });
  stop();
  clock.stopAll();
  const ran = clock.now() - start;
  const last = errors.length === 0 ? start : errors[errors.length - 1].at;

  // every toggle the cadences promise up to the last one heard must have been heard, each once
  let promised = 0;
  for (let i = 0; i < o.lamps; i++) {
    const s = bank.get(`lamp:${i}`);
    for (const _ of togglesBetween(profile.cadences[s.cadence], s.origin, s.origin, last)) promised++;
  }
  const sorted = errors.map((e) => e.err).sort((a, b) => a - b);
  const win = o.windowSeconds * 1000;
  const early = errors.filter((e) => e.at < start + win).map((e) => e.err);
  const late = errors.filter((e) => e.at > last - win).map((e) => e.err);
  const p50 = quantile(sorted, 0.5);
  const p99 = quantile(sorted, 0.99);
  const max = sorted[sorted.length - 1] ?? NaN;
  const drift = median(late) - median(early);
  const driftP99 = quantile([...late].sort((a, b) => a - b), 0.99) - quantile([...early].sort((a, b) => a - b), 0.99);
  const verdicts: Verdict[] = [
    { target: `real time, ${o.lamps} lamps under load: toggle error p99 <= 2 ms`, pass: p99 <= 2 },
    { target: `real time: no drift (median error of the last ${o.windowSeconds} s within 0.5 ms of the first ${o.windowSeconds} s)`, pass: Math.abs(drift) <= 0.5 },
    { target: 'real time: every promised toggle heard exactly once', pass: errors.length === promised },
  ];
  return {
    table: {
      title: `${o.lamps} lamps on a RealClock for ${fmt(ran / 1000)} s, a busy loop in ${o.sliceMs} ms slices on the same thread (${fmt((100 * busyMs) / ran)}% of wall time busy)`,
      columns: ['measure', 'ms'],
      rows: [
        ['toggles heard / promised', `${errors.length} / ${promised}`],
        ['error p50', p50.toFixed(3)],
        ['error p99', p99.toFixed(3)],
        ['error max', max.toFixed(3)],
        [`median error, first ${o.windowSeconds} s`, median(early).toFixed(3)],
        [`median error, last ${o.windowSeconds} s`, median(late).toFixed(3)],
        ['drift (median last - first)', drift.toFixed(3)],
        ['drift (p99 last - first)', driftP99.toFixed(3)],
      ],
      notes: verdicts.map((v) => `${v.pass ? 'PASS' : 'FAIL'}  ${v.target}`),
    },
    verdicts,
  };
}
