// The end of a fleet run (or of a merge), as a load tool's user reads it: how many phones reached the
// phase asked of them, the time each milestone took (p50, p90, p99, max), and the failures by cause.
// `--json` prints the same object; without it, the table below.
import type { Percentiles } from './histogram.ts';
import { finalRow, ok, type FleetStats } from './stats.ts';
import { MILESTONE_LABELS, MILESTONES, type Milestone, type PhoneMilestone } from './tracker.ts';

export interface FleetSummary {
  ok: boolean;
  phones: number;
  /** The phase asked of every phone (registered, logged-in, rehomed, rehomed-with-user). */
  target: string;
  reached: number;
  failed: number;
  shards: string[];
  models: Record<string, number>;
  seed: number;
  realtime: boolean;
  /** Simulated and wall ms the run took (a merge: the longest shard's). */
  simulatedMs: number;
  wallMs: number;
  /** Phones that got there: powered on, DHCP acked, ... */
  counts: Record<'poweredOn' | PhoneMilestone, number>;
  /** Milliseconds from power-on to each milestone (re-homed: from the controller kill; call setup: per call, from the last digit to the called phone ringing). */
  milestones: Record<Milestone, Percentiles>;
  /** Cause -> phones short of their phase; `call-<cause>` -> calls that failed. */
  failures: Record<string, number>;
  calls: { attempted: number; connected: number; failed: number };
  steady: { heartbeats: number; blfChanges: number; lampChanges: number; faults: number };
  killAtMs?: number;
}

export function summarize(stats: FleetStats): FleetSummary {
  const end = finalRow(stats);
  return {
    ok: ok(stats),
    phones: stats.phones,
    target: stats.target,
    reached: stats.reached,
    failed: stats.phones - stats.reached,
    shards: stats.shards,
    models: stats.models,
    seed: stats.seed,
    realtime: stats.realtime,
    simulatedMs: end.timeMs,
    wallMs: end.wallMs,
    counts: { poweredOn: end.poweredOn, dhcpAck: end.dhcpAck, firmwareChecked: end.firmwareChecked, registered: end.registered, loggedIn: end.loggedIn, rehomed: end.rehomed },
    milestones: Object.fromEntries(MILESTONES.map((m) => [m, stats.histograms[m].summary()])) as Record<Milestone, Percentiles>,
    failures: stats.failures,
    calls: { attempted: end.callsAttempted, connected: end.callsConnected, failed: end.callsFailed },
    steady: { heartbeats: end.heartbeats, blfChanges: end.blfChanges, lampChanges: end.lampChanges, faults: end.faults },
    ...(stats.killAtMs === undefined ? {} : { killAtMs: stats.killAtMs }),
  };
}

/** 850 ms, 12.3 s, 4m05s, 1h02m. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

const TARGET_WORDS: Record<string, string> = { registered: 'registered', 'logged-in': 'logged in', rehomed: 're-homed', 'rehomed-with-user': 're-homed with their users' };

/** The summary as text, for a terminal. */
export function renderSummary(s: FleetSummary): string {
  const models = Object.entries(s.models)
    .map(([m, n]) => `${m} x${n}`)
    .join(', ');
  const shards = s.shards.length === 1 ? `shard ${s.shards[0]}` : `${s.shards.length} shards merged`;
  const out = [
    `hotdesk fleet: ${s.phones} phones (${models}), ${shards}, seed ${s.seed}, ${s.realtime ? 'real' : 'virtual'} time`,
    `  ${formatMs(s.simulatedMs)} simulated in ${formatMs(s.wallMs)} of wall time${s.killAtMs === undefined ? '' : `; primary killed at ${formatMs(s.killAtMs)}`}`,
    '',
    `  ${'milestone'.padEnd(18)}${'phones'.padStart(8)}${'p50'.padStart(10)}${'p90'.padStart(10)}${'p99'.padStart(10)}${'max'.padStart(10)}`,
  ];
  for (const m of MILESTONES) {
    const p = s.milestones[m];
    if (m === 'rehomed' && s.killAtMs === undefined) continue;
    if (m === 'callSetup' && s.calls.attempted === 0) continue;
    if (m === 'loggedIn' && p.count === 0 && !s.target.includes('logged') && !s.target.includes('user')) continue;
    const cell = (v: number) => (p.count === 0 ? '-' : formatMs(v)).padStart(10);
    out.push(`  ${MILESTONE_LABELS[m].padEnd(18)}${String(p.count).padStart(8)}${cell(p.p50)}${cell(p.p90)}${cell(p.p99)}${cell(p.max)}`);
  }
  out.push('');
  out.push(`  steady state: ${s.steady.heartbeats} heartbeats, ${s.steady.blfChanges} BLF changes, ${s.steady.lampChanges} lamp changes, ${s.steady.faults} faults`);
  if (s.calls.attempted > 0) out.push(`  calls: ${s.calls.attempted} placed, ${s.calls.connected} connected, ${s.calls.failed} failed`);
  const causes = Object.entries(s.failures).sort((a, b) => b[1] - a[1]);
  out.push(`  failures: ${causes.length === 0 ? 'none' : causes.map(([c, n]) => `${c} ${n}`).join(', ')}`);
  out.push(`  ${s.ok ? 'PASS' : 'FAIL'}: ${s.reached}/${s.phones} phones ${TARGET_WORDS[s.target] ?? s.target}${s.calls.failed > 0 ? `; ${s.calls.failed} calls failed` : ''}`);
  return out.join('\n') + '\n';
}
