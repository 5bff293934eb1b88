// The fleet's numbers: histogram percentiles (sim/fleet/histogram.ts), the statistics CSV read back
// (stats-csv.ts), and merging shards (merge.ts), on data made here.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketOf, Histogram } from '../../sim/fleet/histogram.ts';
import { mergeStats } from '../../sim/fleet/merge.ts';
import { emptyHistograms, type FleetStats, type StatsRow } from '../../sim/fleet/stats.ts';
import { readStatsCsv, StatsCsvWriter, StatsFileError, STATS_COLUMNS } from '../../sim/fleet/stats-csv.ts';
import { summarize } from '../../sim/fleet/summary.ts';

/** The exact nearest-rank percentile of a list. */
function exact(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1];
}

describe('histogram', () => {
  it('keeps whole ms below 1 s and three significant digits above', () => {
    expect([bucketOf(0), bucketOf(12.4), bucketOf(999.4), bucketOf(1234), bucketOf(12_345), bucketOf(99_960), bucketOf(3_600_000)]).toEqual([0, 12, 999, 1230, 12_300, 100_000, 3_600_000]);
  });

  it('p50, p90, p99 are within 0.5% (or 0.5 ms) of the exact nearest rank; max is exact', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 3_600_000, noNaN: true }), { minLength: 1, maxLength: 300 }), (values) => {
        const h = new Histogram();
        for (const v of values) h.add(v);
        for (const p of [50, 90, 99]) {
          const want = exact(values, p);
          expect(Math.abs(h.percentile(p) - want)).toBeLessThanOrEqual(Math.max(0.5, want * 0.005) + 1e-9);
        }
        expect(h.max).toBe(Math.max(...values));
        expect(h.count).toBe(values.length);
      }),
    );
  });

  it('merged histograms are the histogram of all the samples; a cell reads back the same', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 200_000 }), { maxLength: 100 }), fc.array(fc.integer({ min: 0, max: 200_000 }), { maxLength: 100 }), (a, b) => {
        const ha = new Histogram();
        const hb = new Histogram();
        const all = new Histogram();
        for (const v of a) (ha.add(v), all.add(v));
        for (const v of b) (hb.add(v), all.add(v));
        ha.merge(hb);
        expect(ha.summary()).toEqual(all.summary());
        expect(Histogram.fromCell(all.toCell()).summary()).toEqual(all.summary());
        expect(all.toCell()).not.toMatch(/[,"\n]/);
      }),
    );
  });
});

function row(timeMs: number, n: number): StatsRow {
  return { timeMs, wallMs: timeMs / 10, poweredOn: n, dhcpAck: n, firmwareChecked: n, registered: n, loggedIn: n, rehomed: 0, failed: 0, heartbeats: 2 * n, blfChanges: 0, lampChanges: n, faults: 0, callsAttempted: 0, callsConnected: 0, callsFailed: 0 };
}

function shardStats(index: number, of: number, phones: number, times: number[], reached = phones): FleetStats {
  const histograms = emptyHistograms();
  for (let i = 0; i < phones; i++) {
    histograms.dhcpAck.add(1000 + 100 * i + index);
    histograms.registered.add(3000 + 100 * i + index);
  }
  return {
    shards: [`${index}/${of}`],
    phones,
    fleetPhones: phones * of,
    target: 'registered',
    reached,
    failures: reached < phones ? { 'not-registered': phones - reached } : {},
    histograms,
    rows: times.map((t, k) => row(t, Math.min(phones, k * 3))),
    models: { '5340': phones },
    seed: 1,
    realtime: false,
  };
}

function write(dir: string, name: string, stats: FleetStats): string {
  const file = join(dir, name);
  const w = new StatsCsvWriter(file);
  for (const r of stats.rows.slice(0, -1)) w.interval(r);
  w.final(stats);
  return file;
}

describe('statistics CSV', () => {
  it('reads back what was written: every row, the verdict, the histograms', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-csv-'));
    const stats = shardStats(1, 4, 10, [0, 10_000, 20_000, 25_500], 9);
    const file = write(dir, 'a.csv', stats);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines[0].split(',')).toEqual(STATS_COLUMNS);
    expect(lines.map((l) => l.split(',').length)).toEqual(lines.map(() => STATS_COLUMNS.length));
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['interval', 'interval', 'interval', 'final']);
    const back = readStatsCsv(file);
    expect(summarize(back)).toEqual(summarize(stats));
    expect(back.rows).toEqual(stats.rows.map((r) => ({ ...r, wallMs: Math.round(r.wallMs * 1000) / 1000 })));
  });

  it('a file that is not one, or cut short, is an error naming the file and line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-csv-'));
    const file = write(dir, 'a.csv', shardStats(0, 1, 3, [0, 10_000]));
    const text = readFileSync(file, 'utf8').trim().split('\n');
    writeFileSync(join(dir, 'cut.csv'), text.slice(0, -1).join('\n') + '\n');
    expect(() => readStatsCsv(join(dir, 'cut.csv'))).toThrow(/no final row/);
    writeFileSync(join(dir, 'bad.csv'), [text[0], text[1].replace(/^interval,0,/, 'interval,zero,')].join('\n'));
    expect(() => readStatsCsv(join(dir, 'bad.csv'))).toThrow(/bad\.csv:2: time_ms is not a number/);
    writeFileSync(join(dir, 'other.csv'), 'a,b,c\n1,2,3\n');
    expect(() => readStatsCsv(join(dir, 'other.csv'))).toThrow(StatsFileError);
    expect(() => readStatsCsv(join(dir, 'missing.csv'))).toThrow(/cannot read/);
  });
});

describe('merge', () => {
  it('adds counts at every instant, histograms and failures; the verdict needs every phone of the fleet', () => {
    const a = shardStats(0, 2, 10, [0, 10_000, 20_000]);
    const b = shardStats(1, 2, 10, [0, 10_000, 15_000], 8);
    const m = mergeStats([
      { file: 'a', stats: a },
      { file: 'b', stats: b },
    ]);
    expect(m.phones).toBe(20);
    expect(m.reached).toBe(18);
    expect(m.failures).toEqual({ 'not-registered': 2 });
    expect(m.shards).toEqual(['0/2', '1/2']);
    expect(m.rows.map((r) => [r.timeMs, r.registered])).toEqual([
      [0, 0],
      [10_000, 6],
      [15_000, 9], // b's last sample, a's sample at 10 s
      [20_000, 12],
    ]);
    const all = new Histogram();
    all.merge(a.histograms.registered);
    all.merge(b.histograms.registered);
    expect(m.histograms.registered.summary()).toEqual(all.summary());
    expect(summarize(m).ok).toBe(false);
  });

  it('one shard merged alone gives back its own summary', () => {
    const a = shardStats(0, 1, 10, [0, 10_000, 20_000]);
    expect(summarize(mergeStats([{ file: 'a', stats: a }]))).toEqual(summarize(a));
  });

  it('a shard given twice is an error; a shard missing counts its phones as short', () => {
    const a = shardStats(0, 3, 5, [0, 10_000]);
    expect(() => mergeStats([{ file: 'x.csv', stats: a }, { file: 'y.csv', stats: a }])).toThrow(/shard 0\/3 is in both x\.csv and y\.csv/);
    const m = mergeStats([
      { file: 'a', stats: a },
      { file: 'b', stats: shardStats(1, 3, 5, [0, 10_000]) },
    ]);
    expect(m.failures).toEqual({ 'shard-missing': 5 });
    expect(m.phones).toBe(15);
    expect(summarize(m).ok).toBe(false);
    const other = { ...shardStats(1, 3, 5, [0]), target: 'logged-in' };
    expect(() => mergeStats([{ file: 'a', stats: a }, { file: 'b', stats: other }])).toThrow(/not shards of one fleet/);
  });
});
