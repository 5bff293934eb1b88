// `hotdesk fleet ...` runs a fleet (sim/fleet/runner.ts) and prints its summary; `hotdesk fleet merge
// STATS...` adds shards' statistics into one summary. Exit 0 when every phone reached the phase asked
// of it, 1 when some did not, 2 for bad usage or a bad file, 3 when the environment lacks what the
// command needs (JOB_COMPLETION_INDEX for --shard auto/N, a directory to write into): those are
// EnvironmentErrors, which sim/cli.ts turns into exit 3.
import { checkWritable, UsageError } from './usage.ts';
import { mergeStats } from '../fleet/merge.ts';
import { parseFleetOptions } from '../fleet/options.ts';
import { ProgressLine } from '../fleet/progress-line.ts';
import { writeReport } from '../fleet/report.ts';
import { runFleet, type FleetProgress } from '../fleet/runner.ts';
import { ok, type FleetStats } from '../fleet/stats.ts';
import { readStatsCsv } from '../fleet/stats-csv.ts';
import { renderSummary, summarize } from '../fleet/summary.ts';

/** Options that only a run takes (a merge has no phones to run). */
const RUN_ONLY = ['phones', 'ramp', 'logins', 'login-rate', 'steady', 'blf-rate', 'calls', 'call-hold', 'kill-at', 'cluster', 'for', 'timeout', 'seed', 'realtime', 'link', 'config', 'stats', 'stats-interval', 'inventory', 'trace', 'shard'];

export async function commandFleet(values: Record<string, unknown>, positionals: string[]): Promise<number> {
  if (positionals[0] === 'merge') return merge(values, positionals.slice(1));
  if (positionals.length > 0) throw new UsageError(`unexpected "${positionals[0]}" (hotdesk fleet [OPTIONS] or hotdesk fleet merge STATS...)`);
  return run(values);
}

/** The files the command writes: checked before anything runs, so a long run never ends unwritten. */
function checkOutputs(values: Record<string, unknown>): void {
  for (const option of ['stats', 'report', 'inventory']) {
    const v = values[option];
    if (typeof v === 'string') checkWritable(option, v);
  }
}

async function run(values: Record<string, unknown>): Promise<number> {
  const o = parseFleetOptions(values);
  checkOutputs(values);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const line = process.stderr.isTTY ? new ProgressLine(process.stderr) : undefined;
  let last: FleetProgress | undefined;
  try {
    const { stats } = await runFleet(o, {
      stop: stop.signal,
      progress: (p) => {
        last = p;
        line?.update(p);
      },
    });
    line?.end(last);
    return report(stats, values);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function merge(values: Record<string, unknown>, files: string[]): number {
  const given = RUN_ONLY.filter((k) => values[k] !== undefined);
  if (given.length > 0) throw new UsageError(`merge takes STATS files, --json and --report only (not --${given[0]})`);
  if (files.length === 0) throw new UsageError("merge needs the shards' statistics files: hotdesk fleet merge STATS...");
  checkOutputs(values);
  const stats = mergeStats(files.map((file) => ({ file, stats: readStatsCsv(file) })));
  return report(stats, values);
}

/** The summary on stdout (text, or JSON with --json), the HTML report if asked; 0 only when every phone got there. */
function report(stats: FleetStats, values: Record<string, unknown>): number {
  const summary = summarize(stats);
  if (typeof values.report === 'string') writeReport(values.report, stats);
  process.stdout.write(values.json ? JSON.stringify(summary, null, 2) + '\n' : renderSummary(summary));
  return ok(stats) ? 0 : 1;
}
