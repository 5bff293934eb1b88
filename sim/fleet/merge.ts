// `hotdesk fleet merge STATS...`: the shards' statistics added into the fleet's. Counts at each instant
// are summed (a shard with no sample at that instant counts with its last one), histograms are added
// bucket by bucket, failures cause by cause. A shard given twice is an error; a shard missing is
// counted as its phones not having reached their phase (cause `shard-missing`), so the merged verdict
// is only a pass when every phone of the whole fleet got there.
import { Histogram } from './histogram.ts';
import { emptyHistograms, ROW_COUNTS, type FleetStats, type StatsRow } from './stats.ts';
import { StatsFileError } from './stats-csv.ts';
import { MILESTONES } from './tracker.ts';

export interface NamedStats {
  file: string;
  stats: FleetStats;
}

function sameFleet(files: readonly NamedStats[]): void {
  const first = files[0];
  for (const f of files.slice(1)) {
    for (const key of ['fleetPhones', 'target', 'seed', 'realtime'] as const) {
      if (f.stats[key] !== first.stats[key]) {
        throw new StatsFileError(`${f.file} and ${first.file} are not shards of one fleet (${key}: ${f.stats[key]} vs ${first.stats[key]})`);
      }
    }
  }
}

/** Counts summed over the shards at every instant any of them sampled. */
function mergeRows(files: readonly NamedStats[]): StatsRow[] {
  const times = [...new Set(files.flatMap((f) => f.stats.rows.map((r) => r.timeMs)))].sort((a, b) => a - b);
  const at = files.map(() => -1);
  return times.map((t) => {
    const row = { timeMs: t, wallMs: 0 } as StatsRow;
    for (const k of ROW_COUNTS) row[k] = 0;
    files.forEach((f, i) => {
      const rows = f.stats.rows;
      while (at[i] + 1 < rows.length && rows[at[i] + 1].timeMs <= t) at[i]++;
      const r = rows[at[i]];
      if (!r) return;
      row.wallMs = Math.max(row.wallMs, r.wallMs);
      for (const k of ROW_COUNTS) row[k] += r[k];
    });
    return row;
  });
}

export function mergeStats(files: readonly NamedStats[]): FleetStats {
  if (files.length === 0) throw new StatsFileError('name at least one statistics file (--stats of each shard)');
  sameFleet(files);
  const seenShard = new Map<string, string>();
  for (const f of files) {
    for (const shard of f.stats.shards) {
      const other = seenShard.get(shard);
      if (other !== undefined) throw new StatsFileError(`shard ${shard} is in both ${other} and ${f.file}`);
      seenShard.set(shard, f.file);
    }
  }
  const histograms = emptyHistograms();
  const failures: Record<string, number> = {};
  const models: Record<string, number> = {};
  let phones = 0;
  let reached = 0;
  for (const { stats } of files) {
    phones += stats.phones;
    reached += stats.reached;
    for (const m of MILESTONES) histograms[m].merge(stats.histograms[m]);
    for (const [c, n] of Object.entries(stats.failures)) failures[c] = (failures[c] ?? 0) + n;
    for (const [m, n] of Object.entries(stats.models)) models[m] = (models[m] ?? 0) + n;
  }
  const fleetPhones = files[0].stats.fleetPhones;
  if (phones > fleetPhones) throw new StatsFileError(`the files hold ${phones} phones; the fleet has ${fleetPhones}`);
  if (phones < fleetPhones) failures['shard-missing'] = fleetPhones - phones;
  const kills = files.map((f) => f.stats.killAtMs).filter((k): k is number => k !== undefined);
  return {
    shards: [...seenShard.keys()].sort((a, b) => Number(a.split('/')[0]) - Number(b.split('/')[0])),
    phones: fleetPhones,
    fleetPhones,
    target: files[0].stats.target,
    reached,
    failures,
    histograms: histograms as Record<(typeof MILESTONES)[number], Histogram>,
    rows: mergeRows(files),
    ...(kills.length > 0 ? { killAtMs: Math.min(...kills) } : {}),
    models,
    seed: files[0].stats.seed,
    realtime: files[0].stats.realtime,
  };
}
