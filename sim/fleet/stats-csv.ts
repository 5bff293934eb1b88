// `--stats FILE`: the fleet's statistics as CSV, as SIPp's `-trace_stat` file is: one header, one
// `interval` row every --stats-interval of simulated time (cumulative counts, and per-second rates over
// the interval just ended), written as the run goes so a run cut short still leaves its numbers; then
// one `final` row with the verdict and, per milestone, the histogram of times (histogram.ts's cell:
// `max|bucket:count;...`). No cell holds a comma or a quote, so the file needs no quoting to read.
// `hotdesk fleet merge` reads these files back (readStatsCsv).
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { UsageError } from '../commands/usage.ts';
import { Histogram } from './histogram.ts';
import { ROW_COUNTS, type FleetStats, type StatsRow } from './stats.ts';
import { MILESTONES, type Milestone } from './tracker.ts';

const snake = (s: string): string => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

const ROW_COLUMNS = ['row', 'time_ms', 'wall_ms', ...ROW_COUNTS.map(snake), 'registered_per_s', 'logged_in_per_s', 'heartbeats_per_s'];
const FINAL_COLUMNS = ['shard', 'phones', 'fleet_phones', 'target', 'reached', 'seed', 'realtime', 'kill_at_ms', 'models', 'failures', ...MILESTONES.map((m) => `hist_${snake(m)}`)];
export const STATS_COLUMNS: readonly string[] = [...ROW_COLUMNS, ...FINAL_COLUMNS];

/** A statistics file that cannot be read: the caller's to fix (exit 2), with the file and line. */
export class StatsFileError extends UsageError {}

/** `a:1;b:2` for a record of counts (model -> phones, cause -> phones). */
const countsCell = (r: Record<string, number>): string =>
  Object.entries(r)
    .map(([k, v]) => `${k}:${v}`)
    .join(';');

function rowCells(row: StatsRow, previous: StatsRow | undefined, kind: 'interval' | 'final'): Record<string, string> {
  const seconds = previous ? (row.timeMs - previous.timeMs) / 1000 : row.timeMs / 1000;
  const rate = (k: 'registered' | 'loggedIn' | 'heartbeats') => (seconds > 0 ? ((row[k] - (previous?.[k] ?? 0)) / seconds).toFixed(3) : '0');
  const cells: Record<string, string> = { row: kind, time_ms: fixed(row.timeMs), wall_ms: fixed(row.wallMs) };
  for (const k of ROW_COUNTS) cells[snake(k)] = String(row[k]);
  cells.registered_per_s = rate('registered');
  cells.logged_in_per_s = rate('loggedIn');
  cells.heartbeats_per_s = rate('heartbeats');
  return cells;
}

const fixed = (ms: number): string => String(Math.round(ms * 1000) / 1000);

const line = (cells: Record<string, string>): string => STATS_COLUMNS.map((c) => cells[c] ?? '').join(',') + '\n';

/** Writes the file as the run goes: the header at once, each row as it is sampled. */
export class StatsCsvWriter {
  private readonly fd: number;
  private last?: StatsRow;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
    writeSync(this.fd, STATS_COLUMNS.join(',') + '\n');
  }

  interval(row: StatsRow): void {
    writeSync(this.fd, line(rowCells(row, this.last, 'interval')));
    this.last = row;
  }

  /** The last row (the end of the run, with the verdict and the histograms), and the file is closed. */
  final(stats: FleetStats): void {
    const row = stats.rows[stats.rows.length - 1];
    const cells = rowCells(row, this.last, 'final');
    Object.assign(cells, {
      shard: stats.shards.join(';'),
      phones: String(stats.phones),
      fleet_phones: String(stats.fleetPhones),
      target: stats.target,
      reached: String(stats.reached),
      seed: String(stats.seed),
      realtime: String(stats.realtime),
      kill_at_ms: stats.killAtMs === undefined ? '' : fixed(stats.killAtMs),
      models: countsCell(stats.models),
      failures: countsCell(stats.failures),
    });
    for (const m of MILESTONES) cells[`hist_${snake(m)}`] = stats.histograms[m].toCell();
    writeSync(this.fd, line(cells));
    closeSync(this.fd);
  }
}

function parseCounts(cell: string, where: string): Record<string, number> {
  const out: Record<string, number> = {};
  if (cell === '') return out;
  for (const pair of cell.split(';')) {
    const m = /^([A-Za-z0-9-]+):(\d+)$/.exec(pair);
    if (!m) throw new StatsFileError(`${where}: not a name:count pair: "${pair.slice(0, 40)}"`);
    out[m[1]] = (out[m[1]] ?? 0) + Number(m[2]);
  }
  return out;
}

function num(cell: string | undefined, where: string, column: string): number {
  const n = Number(cell);
  if (cell === undefined || cell === '' || !Number.isFinite(n)) throw new StatsFileError(`${where}: ${column} is not a number ("${(cell ?? '').slice(0, 20)}")`);
  return n;
}

/** Reads a file the writer wrote: every interval row and the final row, or a clear error with its line. */
export function readStatsCsv(file: string): FleetStats {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new StatsFileError(`cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  const lines = text.split('\n').filter((l) => l !== '');
  const header = lines[0]?.split(',') ?? [];
  const missing = STATS_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) throw new StatsFileError(`${file}:1: not a fleet statistics file (no column ${missing.slice(0, 3).join(', ')})`);
  const rows: StatsRow[] = [];
  let stats: FleetStats | undefined;
  for (let n = 1; n < lines.length; n++) {
    const where = `${file}:${n + 1}`;
    const parts = lines[n].split(',');
    if (parts.length !== header.length) throw new StatsFileError(`${where}: ${parts.length} cells, the header has ${header.length}`);
    const cell = Object.fromEntries(header.map((h, i) => [h, parts[i]]));
    if (stats) throw new StatsFileError(`${where}: a row after the final row`);
    const row = { timeMs: num(cell.time_ms, where, 'time_ms'), wallMs: num(cell.wall_ms, where, 'wall_ms') } as StatsRow;
    for (const k of ROW_COUNTS) row[k] = num(cell[snake(k)], where, snake(k));
    rows.push(row);
    if (cell.row === 'interval') continue;
    if (cell.row !== 'final') throw new StatsFileError(`${where}: row is "${cell.row}", not interval or final`);
    const histograms = {} as Record<Milestone, Histogram>;
    for (const m of MILESTONES) {
      try {
        histograms[m] = Histogram.fromCell(cell[`hist_${snake(m)}`]);
      } catch (err) {
        throw new StatsFileError(`${where}: hist_${snake(m)}: ${(err as Error).message}`);
      }
    }
    stats = {
      shards: cell.shard === '' ? [] : cell.shard.split(';'),
      phones: num(cell.phones, where, 'phones'),
      fleetPhones: num(cell.fleet_phones, where, 'fleet_phones'),
      target: cell.target,
      reached: num(cell.reached, where, 'reached'),
      seed: num(cell.seed, where, 'seed'),
      realtime: cell.realtime === 'true',
      ...(cell.kill_at_ms === '' ? {} : { killAtMs: num(cell.kill_at_ms, where, 'kill_at_ms') }),
      models: parseCounts(cell.models, `${where}: models`),
      failures: parseCounts(cell.failures, `${where}: failures`),
      histograms,
      rows,
    };
  }
  if (!stats) throw new StatsFileError(`${file}: no final row (the run did not finish)`);
  return stats;
}
