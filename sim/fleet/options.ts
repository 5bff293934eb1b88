// `hotdesk fleet`'s command line, checked and typed. Anything wrong is a UsageError (exit 2) naming the
// option; `--shard auto/N` without JOB_COMPLETION_INDEX is the environment's (exit 3, shard-plan.ts).
import { durationOption, UsageError } from '../commands/usage.ts';
import { parsePhoneMix, type MixEntry } from './phone-mix.ts';
import { parseShard, type Shard } from './shard-plan.ts';

export interface FleetOptions {
  mix: MixEntry[];
  shard: Shard;
  /** Phones powered on per second of simulated time; undefined: all at once. */
  rampPerSecond?: number;
  logins: boolean;
  loginRatePerSecond?: number;
  /** How long the fleet runs on once every phone reached its phase (heartbeats, BLF changes). */
  steadyMs: number;
  /** BLF changes the controller makes per second in steady state (a user's line busy, then idle). */
  blfPerSecond: number;
  /** Calls placed per second in steady state (0: none). */
  callsPerSecond: number;
  /** How long a connected call lasts before the caller hangs up. */
  callHoldMs: number;
  /** Kill the primary at this simulated time, to measure re-homing. */
  killAtMs?: number;
  /** Elements in the cluster (2 by default with --kill-at, 1 otherwise). */
  cluster: number;
  /** A fixed length of run; without it the run ends once every phone settled (and steady state ran). */
  forMs?: number;
  /** Without --for: how long past the last power-on (or the kill) phones may take. */
  timeoutMs: number;
  seed: number;
  realtime: boolean;
  link: 'frames' | 'mock';
  config?: string;
  stats?: string;
  statsIntervalMs: number;
  report?: string;
  json: boolean;
  inventory?: string;
  trace?: string;
}

export const DEFAULT_STATS_INTERVAL_MS = 10_000;
export const DEFAULT_TIMEOUT_MS = 10 * 60_000;
export const DEFAULT_CALL_HOLD_MS = 5_000;

const duration = durationOption;

function positive(values: Record<string, unknown>, name: string): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} takes a positive number (got "${v}")`);
  return n;
}

function str(values: Record<string, unknown>, name: string): string | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${name} needs a value`);
  return v;
}

export function parseFleetOptions(values: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): FleetOptions {
  const mix = parsePhoneMix(str(values, 'phones'));
  const killAtMs = duration(values, 'kill-at');
  let cluster = 1;
  if (values.cluster !== undefined) {
    cluster = Number(values.cluster);
    if (!Number.isInteger(cluster) || cluster < 1 || cluster > 8) throw new UsageError(`--cluster takes 1 to 8 elements (got "${values.cluster}")`);
  } else if (killAtMs !== undefined) cluster = 2;
  if (killAtMs !== undefined && cluster < 2) throw new UsageError('--kill-at needs a cluster to re-home to: --cluster 2 or more');
  const link = str(values, 'link') ?? 'frames';
  if (link !== 'frames' && link !== 'mock') throw new UsageError(`--link takes frames or mock for a fleet (got "${link}")`);
  const seedText = values.seed;
  const seed = seedText === undefined ? 1 : Number(seedText);
  if (!Number.isInteger(seed)) throw new UsageError(`--seed takes an integer (got "${seedText}")`);
  const statsIntervalMs = duration(values, 'stats-interval') ?? DEFAULT_STATS_INTERVAL_MS;
  if (statsIntervalMs < 100) throw new UsageError('--stats-interval is at least 100ms');
  const loginRate = positive(values, 'login-rate');
  if (loginRate !== undefined && !values.logins) throw new UsageError('--login-rate goes with --logins');
  if (values['call-hold'] !== undefined && values.calls === undefined) throw new UsageError('--call-hold goes with --calls');
  const forMs = duration(values, 'for');
  if (forMs !== undefined && killAtMs !== undefined && killAtMs >= forMs) throw new UsageError('--kill-at must come before the end of the run (--for)');
  return {
    mix,
    shard: parseShard(str(values, 'shard'), env),
    rampPerSecond: positive(values, 'ramp'),
    logins: !!values.logins,
    loginRatePerSecond: loginRate,
    steadyMs: duration(values, 'steady') ?? 0,
    blfPerSecond: values['blf-rate'] === undefined ? 0 : positive(values, 'blf-rate')!,
    callsPerSecond: values.calls === undefined ? 0 : positive(values, 'calls')!,
    callHoldMs: duration(values, 'call-hold') ?? DEFAULT_CALL_HOLD_MS,
    killAtMs,
    cluster,
    forMs,
    timeoutMs: duration(values, 'timeout') ?? DEFAULT_TIMEOUT_MS,
    seed,
    realtime: !!values.realtime,
    link,
    config: str(values, 'config'),
    stats: str(values, 'stats'),
    statsIntervalMs,
    report: str(values, 'report'),
    json: !!values.json,
    inventory: str(values, 'inventory'),
    trace: str(values, 'trace'),
  };
}

/** The options `hotdesk fleet` takes (parseArgs), run and merge alike. */
export const FLEET_CLI_OPTIONS = {
  phones: { type: 'string' },
  ramp: { type: 'string' },
  logins: { type: 'boolean' },
  'login-rate': { type: 'string' },
  steady: { type: 'string' },
  'blf-rate': { type: 'string' },
  calls: { type: 'string' },
  'call-hold': { type: 'string' },
  'kill-at': { type: 'string' },
  cluster: { type: 'string' },
  for: { type: 'string' },
  timeout: { type: 'string' },
  seed: { type: 'string' },
  realtime: { type: 'boolean' },
  link: { type: 'string' },
  config: { type: 'string' },
  stats: { type: 'string' },
  'stats-interval': { type: 'string' },
  report: { type: 'string' },
  json: { type: 'boolean' },
  inventory: { type: 'string' },
  trace: { type: 'string' },
  shard: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const FLEET_USAGE = `hotdesk fleet --phones MODEL:N[,MODEL:N...] [--ramp RATE] [--logins [--login-rate R]]
              [--steady DURATION] [--blf-rate R] [--calls R [--call-hold DURATION]]
              [--kill-at DURATION] [--cluster N]
              [--for DURATION] [--timeout DURATION] [--seed N] [--realtime] [--link frames|mock]
              [--config F] [--stats F.csv] [--stats-interval DURATION] [--report F.html] [--json]
              [--inventory F.jsonl] [--trace F] [--shard I/N | --shard auto/N]
hotdesk fleet merge STATS.csv... [--json] [--report F.html]

A fleet of phones on one controller (or a cluster: --cluster N), each with its own MAC, IP and DN,
in virtual time (--realtime: wall time). Phases, each optional: power-on (all at once, or --ramp RATE
phones per second), hot desk logins of a generated user directory (--logins), steady state
(--steady DURATION of heartbeats, --blf-rate R BLF changes per second, --calls R calls per second
between neighbouring phones, each held --call-hold, default ${DEFAULT_CALL_HOLD_MS / 1000}s), and a kill of the primary at
--kill-at to measure re-homing to the secondary.

Without --for the run ends once every phone reached its phase (then --steady), or --timeout (default
${DEFAULT_TIMEOUT_MS / 60_000}m) after the last power-on or the kill. A terminal shows a live progress line on stderr.
--stats writes CSV every --stats-interval (default ${DEFAULT_STATS_INTERVAL_MS / 1000}s) of simulated time; the summary gives
p50/p90/p99/max from power-on to DHCP ack, firmware checked, registered, logged in (re-homed: from the
kill; call setup: from the last digit to the called phone ringing) and failures by cause; --json
prints it as JSON; --report writes a self-contained HTML report;
--inventory one JSON line per phone (name, model, MAC, IP, DN, user, milestones; never a PIN).

--shard I/N runs the I-th of N disjoint shards (MACs, IPs, DNs and users never overlap); auto/N takes
I from JOB_COMPLETION_INDEX (a Kubernetes Indexed Job: deploy/job.yaml). merge adds the shards'
--stats files into one summary and report.

Exit: 0 every phone reached its phase (and no call failed), 1 some did not, 2 bad usage or file, 3 the
environment.`;
