// One fleet run, phase by phase, on one world (sim/world.ts): build the shard's phones on their own
// cables to one controller, power them on (at once or ramped), log their users in as each goes idle,
// kill the primary when asked, run on in steady state, and sample the counts as it goes. The trace is
// what it watches (tracker.ts); the phones' views have the last word at the end (verdict.ts).
//
//   build --> power-on (ramp) --> [logins as phones go idle] --> every phone settled --> steady (--steady)
//                 |                         kill at --kill-at: phones re-home            |
//                 +--- --for: the run is exactly that long; else --timeout past the last power-on/kill
import { performance } from 'node:perf_hooks';
import { applyControllerAction } from '../controller/actions.ts';
import { loadProfile } from '../profiles.ts';
import { World } from '../world.ts';
import { fleetWorld, readBaseConfig, fleetPin } from './directory.ts';
import { inventoryLines, writeInventory, type InventoryLine } from './inventory.ts';
import { LoginDriver, loginKeys } from './login-driver.ts';
import type { FleetOptions } from './options.ts';
import { fleetSize } from './phone-mix.ts';
import { BlfChanges, Every, powerOnAt } from './schedule.ts';
import { CallDriver } from './calls.ts';
import { planShard, shardName, shardPool } from './shard-plan.ts';
import { rowOf, type FleetStats, type StatsRow } from './stats.ts';
import { StatsCsvWriter } from './stats-csv.ts';
import { FleetTracker, targetKey, type FleetCounts } from './tracker.ts';
import { judge } from './verdict.ts';
import { UsageError } from '../commands/usage.ts';

export interface FleetProgress {
  counts: Readonly<FleetCounts>;
  phones: number;
  /** Simulated ms since the start. */
  simMs: number;
}

export interface RunHooks {
  /** Called now and then as the run goes (after each slice of simulated time). */
  progress?: (p: FleetProgress) => void;
  /** Ends the run early (SIGINT): what was measured so far is still summarised. */
  stop?: AbortSignal;
}

export interface FleetRunResult {
  stats: FleetStats;
  inventory: InventoryLine[];
}

/** The slice of simulated time between two looks at the progress (and at a stop request). */
const SLICE_MS = 1000;

export async function runFleet(o: FleetOptions, hooks: RunHooks = {}): Promise<FleetRunResult> {
  const plans = planShard(o.mix, o.shard);
  if (plans.length === 0) throw new UsageError(`shard ${shardName(o.shard)} of a fleet of ${fleetSize(o.mix)} phones has no phones`);
  const config = fleetWorld({
    base: readBaseConfig(o.config),
    source: o.config ?? 'the fleet',
    phones: plans,
    seed: o.seed,
    cluster: o.cluster,
    pool: shardPool(o.mix, o.shard),
    sharded: o.shard.of > 1,
  });
  const target = { logins: o.logins, rehome: o.killAtMs !== undefined };
  const world = await World.build({
    profile: plans[0].profile,
    link: { kind: o.link },
    config,
    // each shard draws its own timings; who is who (MAC, DN, user) comes from the plan, not the seed
    seed: o.seed + o.shard.index,
    realtime: o.realtime,
    phones: plans.map((p) => ({ name: p.name, profile: p.profile, dn: p.dn, mac: p.mac })),
    tracePath: o.trace,
  });
  try {
    return await drive(world, o, plans, config, target, hooks);
  } finally {
    await world.close();
  }
}

async function drive(
  world: World,
  o: FleetOptions,
  plans: ReturnType<typeof planShard>,
  config: ReturnType<typeof fleetWorld>,
  target: { logins: boolean; rehome: boolean },
  hooks: RunHooks,
): Promise<FleetRunResult> {
  const clock = world.clock;
  const units = plans.map((p) => world.units.get(p.name)!);
  const wall0 = performance.now();
  const t0 = world.now();
  const elapsed = () => world.now() - t0;
  const wall = () => performance.now() - wall0;

  const logins = o.logins
    ? new LoginDriver({
        clock,
        ratePerSecond: o.loginRatePerSecond,
        start: (i) => {
          const p = plans[i];
          tracker.loginStarted(i);
          const keys = loginKeys(loadProfile(p.profile).loginMethod, p.ext, fleetPin(o.seed, p.global), config.accessCodes.login);
          for (const key of keys) units[i].phone.press(key);
        },
      })
    : undefined;
  let calls: CallDriver | undefined;
  const tracker = new FleetTracker({ phones: plans, target, now: () => world.now(), onIdle: (i) => logins?.idle(i), onCall: (i, state, cause) => calls?.onCall(i, state, cause) });
  world.trace.addSink(tracker.sink);

  // power-on: the world switched every phone on as it built them; a ramp (or a real clock, running
  // since the first phone was built) switches them off and on again on schedule
  const timers: { stop(): void }[] = [];
  plans.forEach((_, k) => {
    const at = powerOnAt(k, o.rampPerSecond);
    if (at === 0 && !o.realtime) {
      tracker.poweredOn(k);
      return;
    }
    units[k].phone.powerOff();
    clock.setTimeout(() => {
      tracker.poweredOn(k);
      units[k].phone.powerOn();
    }, at);
  });
  const lastPowerOn = powerOnAt(plans.length - 1, o.rampPerSecond);

  if (o.killAtMs !== undefined) {
    const primary = config.identity.id;
    clock.setTimeout(() => {
      tracker.killed(primary);
      applyControllerAction(world.controller!, { kill: primary });
    }, o.killAtMs);
  }

  const rows: StatsRow[] = [];
  const writer = o.stats ? new StatsCsvWriter(o.stats) : undefined;
  const sample = () => {
    const row = rowOf(tracker.counts, elapsed(), wall());
    rows.push(row);
    writer?.interval(row);
  };
  sample(); // the start: what SIPp's first line is
  timers.push(new Every(clock, o.statsIntervalMs, sample));

  let steadyFrom: number | undefined;
  const settled = () => tracker.allSettled;
  const deadline = () => {
    if (o.forMs !== undefined) return o.forMs;
    if (steadyFrom !== undefined) return steadyFrom + o.steadyMs;
    return Math.max(lastPowerOn, o.killAtMs ?? 0) + o.timeoutMs;
  };
  const stopped = () => hooks.stop?.aborted === true;
  for (;;) {
    if (steadyFrom === undefined && settled()) {
      steadyFrom = elapsed();
      if (o.blfPerSecond > 0) {
        const change = (ext: string, state: 'busy' | 'idle') => {
          tracker.blfChanged();
          applyControllerAction(world.controller!, { blf: { dn: ext, state } });
        };
        timers.push(new BlfChanges(clock, o.blfPerSecond, plans.map((p) => p.ext), change));
      }
      if (o.callsPerSecond > 0) {
        calls = new CallDriver({
          clock,
          ratePerSecond: o.callsPerSecond,
          holdMs: o.callHoldMs,
          phones: plans.length,
          ready: (i) => tracker.reached(i),
          dial: (caller, callee) => {
            const number = o.logins ? plans[callee].ext : plans[callee].dn;
            for (const key of ['offhook', ...number, '#']) units[caller].phone.press(key);
          },
          press: (i, key) => units[i].phone.press(key),
          attempted: () => tracker.counts.callsAttempted++,
          rang: (ms) => tracker.callRang(ms),
          connected: () => tracker.counts.callsConnected++,
          failed: (cause) => tracker.callFailed(cause),
        });
        timers.push(calls);
      }
    }
    const left = deadline() - elapsed();
    if (left <= 0 || stopped()) break;
    const waitingForSettle = steadyFrom === undefined;
    await world.advance(Math.min(left, SLICE_MS), () => stopped() || (waitingForSettle && settled()));
    hooks.progress?.({ counts: tracker.counts, phones: plans.length, simMs: elapsed() });
  }
  for (const t of timers) t.stop();
  logins?.stop();

  const verdicts = judge(tracker, (i) => units[i].phone.hotdesk);
  const end = rowOf(tracker.counts, elapsed(), wall());
  end.failed = plans.length - verdicts.reached;
  rows.push(end);
  const models: Record<string, number> = {};
  for (const p of plans) models[p.profile] = (models[p.profile] ?? 0) + 1;
  const stats: FleetStats = {
    shards: [shardName(o.shard)],
    phones: plans.length,
    fleetPhones: fleetSize(o.mix),
    target: targetKey(target),
    reached: verdicts.reached,
    failures: { ...verdicts.failures, ...tracker.callFailures },
    histograms: tracker.histograms,
    rows,
    ...(tracker.kill ? { killAtMs: tracker.kill.at - t0 } : {}),
    models,
    seed: o.seed,
    realtime: o.realtime,
  };
  writer?.final(stats);
  const inventory = inventoryLines(
    tracker,
    shardName(o.shard),
    t0,
    (i) => ({ ip: units[i].phone.stack?.ip ?? '0.0.0.0', controller: units[i].phone.hotdesk?.controllerId ?? '' }),
    verdicts.causes,
  );
  if (o.inventory) writeInventory(o.inventory, inventory);
  return { stats, inventory };
}
