// A fleet's statistics as data: the counts sampled every --stats-interval of simulated time, and at the
// end the histograms, the verdict and the failures by cause. One run makes one; `hotdesk fleet merge`
// reads several (one per shard) from their CSV files and adds them into one. The summary, the JSON, the
// CSV and the HTML report are all drawn from this shape, so a merge reads exactly like a run.
import { Histogram, round3 } from './histogram.ts';
import { MILESTONES, type FleetCounts, type Milestone } from './tracker.ts';

/** The counts at one instant (the tracker's, all cumulative since the start), stamped. */
export interface StatsRow extends FleetCounts {
  /** Simulated ms since the start. */
  timeMs: number;
  /** Wall ms since the start. */
  wallMs: number;
}

export const ROW_COUNTS = ['poweredOn', 'dhcpAck', 'firmwareChecked', 'registered', 'loggedIn', 'rehomed', 'failed', 'heartbeats', 'blfChanges', 'lampChanges', 'faults', 'callsAttempted', 'callsConnected', 'callsFailed'] as const satisfies readonly (keyof StatsRow)[];

export interface FleetStats {
  /** The shards these statistics cover, `I/N` each (one for a run, every shard merged for a merge). */
  shards: string[];
  /** Phones run. */
  phones: number;
  /** Phones in the whole fleet (all shards): what a merge of every shard adds up to. */
  fleetPhones: number;
  /** The phase asked of every phone (tracker.ts targetName's key: registered, logged-in, rehomed, rehomed-with-user). */
  target: string;
  /** Phones that reached it. */
  reached: number;
  failures: Record<string, number>;
  histograms: Record<Milestone, Histogram>;
  /** Samples in time order; the last is the end of the run. */
  rows: StatsRow[];
  /** When the primary was killed (simulated ms), if it was. */
  killAtMs?: number;
  /** The models run and how many of each. */
  models: Record<string, number>;
  seed: number;
  realtime: boolean;
}

export function rowOf(counts: FleetCounts, timeMs: number, wallMs: number): StatsRow {
  // to the microsecond, as the CSV writes them: a run's summary and its file's read the same
  const row = { timeMs: round3(timeMs), wallMs: round3(wallMs) } as StatsRow;
  for (const k of ROW_COUNTS) row[k] = counts[k];
  return row;
}

export function emptyHistograms(): Record<Milestone, Histogram> {
  return Object.fromEntries(MILESTONES.map((m) => [m, new Histogram()])) as Record<Milestone, Histogram>;
}

/** The last sample (the end of the run). */
export function finalRow(stats: FleetStats): StatsRow {
  return stats.rows[stats.rows.length - 1];
}

/** Every phone of the fleet reached its phase, and no call failed. */
export const ok = (stats: FleetStats): boolean => stats.reached === stats.phones && stats.phones > 0 && finalRow(stats).callsFailed === 0;
