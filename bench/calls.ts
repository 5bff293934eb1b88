// Call setups and releases per wall second through one controller serving 100 desk sets on the mock
// wire (calls-rig.ts), as a ratio to heartbeats per wall second of the same fleet, in the same run:
// rounds alternate a call cycle on every pair (A off-hook, dials B; B answers; A hangs up, all through
// the phones' keys) with the idle fleet heartbeating for a few intervals, so both see the same machine.
// Absolute rates move with the machine and its load; the ratio is the finding. Every cycle is checked
// on the phones and on the call server's counters: one that does not complete fails the benchmark.
//
//   npm run bench -- calls [--quick]      (--quick: 20 phones, a few rounds)
import { performance } from 'node:perf_hooks';
import { fmt, interleavedRates, median, type BenchOptions, type BenchResult, type Benchmark, type Table } from './harness.ts';
import { buildCallsRig, callCycle, idleHeartbeats, type CallsRig } from './calls-rig.ts';

export interface CallsBenchConfig {
  phones: number;
  heartbeatMs: number;
  /** Heartbeat intervals the idle fleet runs per round. */
  intervals: number;
  /** Rounds not counted (JIT warm-up), then rounds measured. */
  warmup: number;
  rounds: number;
}

export const FULL: CallsBenchConfig = { phones: 100, heartbeatMs: 10_000, intervals: 3, warmup: 2, rounds: 15 };
export const QUICK: CallsBenchConfig = { phones: 20, heartbeatMs: 10_000, intervals: 2, warmup: 1, rounds: 3 };

export interface CallsMeasurement {
  config: CallsBenchConfig;
  boot: CallsRig['boot'];
  pairs: number;
  /** Median per-round rates, per wall second. */
  cyclesPerS: number;
  heartbeatsPerS: number;
  /** Median over rounds of (cycles/s ÷ heartbeats/s), each round's pair measured back to back. */
  ratio: number;
  /** Heartbeats one call cycle costs: heartbeats/s ÷ cycles/s (the same medians per round). */
  cycleInHeartbeats: number;
  /** Virtual ms per round: a cycle of every pair, and the idle intervals. */
  cycleVirtualMs: number;
  idleVirtualMs: number;
  /** Median wall ms per round. */
  cycleWallMs: number;
  idleWallMs: number;
  heartbeatsPerRound: number;
  /** Cycles completed and checked (warm-up included), and the calls' signalling per cycle. */
  cyclesChecked: number;
  requestsPerCycle: number;
  pushesPerCycle: number;
  /** Heartbeats the controller answered while calls ran (virtual time passes there too). */
  heartbeatsDuringCalls: number;
}

export async function measureCalls(config: CallsBenchConfig): Promise<CallsMeasurement> {
  const rig = await buildCallsRig({ phones: config.phones, heartbeatMs: config.heartbeatMs });
  try {
    const pairs = config.phones / 2;
    const stats = rig.callServer.transactions.stats;
    const cycleVirtual: number[] = [];
    const idleVirtual: number[] = [];
    const cycleWall: number[] = [];
    const idleWall: number[] = [];
    let heartbeatsPerRound = 0;
    let cyclesChecked = 0;
    let callRequests = 0;
    let callPushes = 0;
    let heartbeatsDuringCalls = 0;
    const subjects = [
      {
        name: 'calls',
        run: async () => {
          const h0 = stats.requestsHandled;
          const p0 = stats.requestsSent;
          const hb0 = heartbeatStamps(rig);
          const w0 = performance.now();
          const r = await callCycle(rig);
          cycleWall.push(performance.now() - w0);
          cycleVirtual.push(r.virtualMs);
          cyclesChecked += pairs;
          const hbs = heartbeatsSince(rig, hb0);
          heartbeatsDuringCalls += hbs;
          callRequests += stats.requestsHandled - h0 - hbs;
          callPushes += stats.requestsSent - p0;
          return pairs;
        },
      },
      {
        name: 'heartbeats',
        run: async () => {
          const w0 = performance.now();
          const r = await idleHeartbeats(rig, config.intervals);
          idleWall.push(performance.now() - w0);
          idleVirtual.push(r.virtualMs);
          heartbeatsPerRound = r.heartbeats;
          return r.heartbeats;
        },
      },
    ];
    await interleavedRates(subjects, config.warmup);
    for (const xs of [cycleVirtual, idleVirtual, cycleWall, idleWall]) xs.length = 0;
    const samples = await interleavedRates(subjects, config.rounds);
    const calls = samples.get('calls')!;
    const beats = samples.get('heartbeats')!;
    const cyclesPerS = median(calls);
    const heartbeatsPerS = median(beats);
    for (const x of [...calls, ...beats]) if (!(x > 0) || !Number.isFinite(x)) throw new Error(`a round measured a rate of ${x}/s`);
    return {
      config,
      boot: rig.boot,
      pairs,
      cyclesPerS,
      heartbeatsPerS,
      ratio: median(calls.map((c, i) => c / beats[i])),
      cycleInHeartbeats: median(calls.map((c, i) => beats[i] / c)),
      cycleVirtualMs: median(cycleVirtual),
      idleVirtualMs: median(idleVirtual),
      cycleWallMs: median(cycleWall),
      idleWallMs: median(idleWall),
      heartbeatsPerRound,
      cyclesChecked,
      requestsPerCycle: callRequests / cyclesChecked,
      pushesPerCycle: callPushes / cyclesChecked,
      heartbeatsDuringCalls,
    };
  } finally {
    await rig.close();
  }
}

/**
 * What the call server knows of each phone's last heartbeat. Once registered, only a heartbeat moves a
 * phone's `lastHeartbeat`, and a round of calls lasts far less than an interval, so the phones whose
 * stamp moved over a call round are the heartbeats answered in it.
 */
function heartbeatStamps(rig: CallsRig): Map<string, number> {
  return new Map(rig.callServer.phones().map((p) => [p.mac, p.lastHeartbeat]));
}

function heartbeatsSince(rig: CallsRig, before: Map<string, number>): number {
  return rig.callServer.phones().filter((p) => before.get(p.mac) !== p.lastHeartbeat).length;
}

export function callsTables(m: CallsMeasurement): Table[] {
  const c = m.config;
  const rates: Table = {
    title: `calls through one controller, ${c.phones} desk sets on the mock wire (virtual clock), ${m.pairs} calls at once, vs the same fleet heartbeating; medians of ${c.rounds} interleaved rounds`,
    columns: ['subject', 'per round', 'virtual ms', 'wall ms', 'per wall s', 'ratio to heartbeats'],
    rows: [
      [`heartbeats answered (idle fleet, ${c.intervals} x ${c.heartbeatMs / 1000} s interval)`, m.heartbeatsPerRound, fmt(m.idleVirtualMs), fmt(m.idleWallMs), fmt(m.heartbeatsPerS), 1],
      [`call cycles (setup + answer + release, ${m.pairs} pairs at once)`, m.pairs, fmt(m.cycleVirtualMs), fmt(m.cycleWallMs), fmt(m.cyclesPerS), fmt(m.ratio)],
      ['call setups + releases (2 per cycle)', 2 * m.pairs, fmt(m.cycleVirtualMs), fmt(m.cycleWallMs), fmt(2 * m.cyclesPerS), fmt(2 * m.ratio)],
    ],
    notes: [
      `ratio ${fmt(m.ratio)}: for every heartbeat per wall second the simulation answers, it completes ${fmt(m.ratio)} call cycles; one call cycle costs as much wall time as ${fmt(m.cycleInHeartbeats)} heartbeats`,
      'a cycle: A off-hook, dials the 4 digits of B, B rings and answers off-hook, A hangs up, both idle again; driven through the phones\' keys, run only as far as the clock must go',
      `heartbeats/s is the wall time of the whole idle world over those intervals (${c.phones} phones' timers, wires, controller) per heartbeat answered: what a heartbeat costs the simulation, not the bare handler`,
      `checked: ${m.cyclesChecked} cycles (warm-up included), each moving setups, answered, released (normal) by 1, 1, 2 and refusing nothing; no call-server leg left; each idle round answered ${c.phones} heartbeats per interval (+- 1 per phone), none retransmitted`,
      `signalling per cycle: ${fmt(m.requestsPerCycle)} phone requests to the controller, ${fmt(m.pushesPerCycle)} controller pushes to the phones; ${m.heartbeatsDuringCalls} heartbeats fell inside call rounds (counted in their wall time, not as calls)`,
      'no target in the issue: the ratio is the finding (both rates move with the machine and its load; their ratio much less)',
    ],
  };
  const boot: Table = {
    title: `${c.phones} desk sets boot and register with one controller (mock wire, virtual clock)`,
    columns: ['phase', 'wall ms', 'virtual s'],
    rows: [
      ['build the world (controller, wires, flash, firmware)', fmt(m.boot.buildWallMs), '-'],
      ['boot, DHCP, TFTP, register, set programming on every set', fmt(m.boot.wallMs), fmt(m.boot.virtualMs / 1000)],
    ],
    notes: ['every set registered with the call server, in service, and showing its line key 1 (its own DN) before any call'],
  };
  return [rates, boot];
}

export const callsBenchmark: Benchmark = {
  name: 'calls',
  summary: 'call setups and releases per wall second through one controller with 100 phones, as a ratio to heartbeats per wall second',
  async run(opts: BenchOptions): Promise<BenchResult> {
    const m = await measureCalls(opts.quick ? QUICK : FULL);
    return { tables: callsTables(m), verdicts: [] };
  },
};
