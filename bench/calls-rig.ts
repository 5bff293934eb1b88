// The world of the calls benchmark: one controller and N desk sets (5340) on the mock wire (the default
// link, its default line model), virtual clock. Set i has DN 5000+i with a `line` key 1 for that DN, so
// every set can call and be called with nobody logged in. Helpers drive calls exactly as a user does,
// through the phones' keys (`offhook`, the digits, `offhook` to answer, `onhook` to release), and run
// the virtual clock only until what was asked for is true. A call that does not connect or release
// within its budget is an Error (a failure of the benchmark, never a number).
import { performance } from 'node:perf_hooks';
import { parseControllerConfig } from '../sim/controller/config.ts';
import type { CallServer } from '../sim/controller/call-server/call-server.ts';
import { World, MAIN_PHONE } from '../sim/world.ts';
import type { Phone } from '../firmware/phone.ts';
import type { CallState } from '../firmware/calls/view.ts';

export const FIRST_DN = 5000;
export const PROFILE = '5340';
/** How long a phase of a call (ringing, connecting, releasing) may take in virtual time before it is a failure. */
const PHASE_BUDGET_MS = 10_000;
/** How long the whole fleet may take to boot and register in virtual time. */
const BOOT_BUDGET_MS = 300_000;

export interface CallsRig {
  world: World;
  callServer: CallServer;
  /** The phones in DN order: phones[i] has DN dn(i). */
  phones: Phone[];
  heartbeatMs: number;
  /** Boot and registration of the whole fleet: wall ms, virtual ms. */
  boot: { wallMs: number; virtualMs: number; buildWallMs: number };
  close(): Promise<void>;
}

export const dn = (i: number): string => String(FIRST_DN + i);

/** Builds the world and runs it until every phone is registered, idle and shows its own line key. */
export async function buildCallsRig(o: { phones: number; heartbeatMs: number; seed?: number }): Promise<CallsRig> {
  if (o.phones < 2 || o.phones % 2 !== 0) throw new Error(`the calls rig needs an even number of phones >= 2 (got ${o.phones})`);
  const config = parseControllerConfig(
    {
      'heartbeat-interval': `${o.heartbeatMs}ms`,
      sets: Array.from({ length: o.phones }, (_, i) => ({ profile: PROFILE, dn: dn(i), keys: [{ key: 1, type: 'line', dn: dn(i) }] })),
    },
    'calls bench',
  );
  const t0 = performance.now();
  const world = await World.build({
    profile: PROFILE,
    link: { kind: 'mock' },
    config,
    seed: o.seed ?? 1,
    dn: dn(0),
    extraPhones: Array.from({ length: o.phones - 1 }, (_, k) => ({ name: `set-${dn(k + 1)}`, profile: PROFILE, dn: dn(k + 1) })),
  });
  const buildWallMs = performance.now() - t0;
  try {
    const phones = [world.units.get(MAIN_PHONE)!.phone, ...Array.from({ length: o.phones - 1 }, (_, k) => world.units.get(`set-${dn(k + 1)}`)!.phone)];
    const callServer = world.controller!.callServer;
    const layouts = callServer.counters.keyLayouts;
    const v0 = world.now();
    const w0 = performance.now();
    // registered (the call server lists every set), in service on the phone, and the set programming
    // (line key 1) shown on every set: only then does off-hook take the line key's appearance
    const ready = () => callServer.phones().length === o.phones && layouts.sent >= o.phones && phones.every((p) => lineKeyShown(p, dn(phones.indexOf(p))));
    if (!(await world.advance(BOOT_BUDGET_MS, ready))) {
      const registered = callServer.phones().length;
      const notReady = phones.map((p, i) => (lineKeyShown(p, dn(i)) ? '' : `${dn(i)} (${p.state})`)).filter(Boolean);
      throw new Error(
        `the fleet did not come up within ${BOOT_BUDGET_MS / 1000} s of virtual time: ${registered}/${o.phones} registered, ` +
          `${layouts.sent} key layouts sent (${layouts.failed} failed); not ready: ${notReady.slice(0, 10).join(', ')}${notReady.length > 10 ? ', ...' : ''}`,
      );
    }
    const boot = { wallMs: performance.now() - w0, virtualMs: world.now() - v0, buildWallMs };
    return { world, callServer, phones, heartbeatMs: o.heartbeatMs, boot, close: () => world.close() };
  } catch (err) {
    await world.close();
    throw err;
  }
}

function lineKeyShown(p: Phone, own: string): boolean {
  const v = p.hotdesk;
  return !!v && v.keys.some((k) => k.id === 'key:1' && k.type === 'line' && k.dn === own);
}

/** What one phone's calls are now: `none`, or the state of its only call. */
function callState(p: Phone): CallState | 'none' | 'several' {
  const calls = p.hotdesk?.calls ?? [];
  if (calls.length === 0) return 'none';
  if (calls.length > 1) return 'several';
  return calls[0].state;
}

/**
 * Runs the clock until `done(i)` holds for every i below `count`, checking from the first not yet done
 * (each condition stays true once reached), so the check costs one phone per instant, not all of them.
 */
async function until(world: World, count: number, done: (i: number) => boolean, what: (i: number) => string): Promise<void> {
  let next = 0;
  const all = () => {
    while (next < count && done(next)) next++;
    return next === count;
  };
  if (!(await world.advance(PHASE_BUDGET_MS, all))) throw new Error(`${what(next)} within ${PHASE_BUDGET_MS / 1000} s of virtual time`);
}

export interface CycleResult {
  virtualMs: number;
}

/**
 * One call cycle on every pair at once: pair k is phones[2k] (A) calling phones[2k+1] (B). A goes
 * off-hook and dials B's DN, B answers with off-hook once its call rings, A hangs up once connected;
 * the cycle ends when neither phone has a call. The call server's counters must move by exactly one
 * setup, one answer and two legs released `normal` per pair, and nothing may be refused or busy.
 */
export async function callCycle(rig: CallsRig): Promise<CycleResult> {
  const { world, phones, callServer } = rig;
  const c = callServer.counters.calls;
  const pairs = phones.length / 2;
  const a = (k: number) => phones[2 * k];
  const b = (k: number) => phones[2 * k + 1];
  const before = { setups: c.setups, answered: c.answered, released: sum(c.released), normal: c.released.normal, busy: c.busy, refused: sum(c.refused) };
  const v0 = world.now();
  for (let k = 0; k < pairs; k++) {
    if (callState(a(k)) !== 'none' || callState(b(k)) !== 'none') throw new Error(`pair ${dn(2 * k)} -> ${dn(2 * k + 1)} is not idle before the cycle`);
  }
  for (let k = 0; k < pairs; k++) {
    a(k).press('offhook');
    for (const d of dn(2 * k + 1)) a(k).press(d);
  }
  await until(
    world,
    pairs,
    (k) => callState(b(k)) === 'ringing' && callState(a(k)) === 'ringback',
    (k) => `${dn(2 * k)} calling ${dn(2 * k + 1)}: A ${callState(a(k))}, B ${callState(b(k))}; expected ringback / ringing`,
  );
  for (let k = 0; k < pairs; k++) b(k).press('offhook');
  await until(
    world,
    pairs,
    (k) => callState(a(k)) === 'connected' && callState(b(k)) === 'connected',
    (k) => `${dn(2 * k + 1)} answering ${dn(2 * k)}: A ${callState(a(k))}, B ${callState(b(k))}; expected connected / connected`,
  );
  for (let k = 0; k < pairs; k++) a(k).press('onhook');
  await until(
    world,
    pairs,
    (k) => callState(a(k)) === 'none' && callState(b(k)) === 'none',
    (k) => `${dn(2 * k)} releasing ${dn(2 * k + 1)}: A ${callState(a(k))}, B ${callState(b(k))}; expected no calls`,
  );
  // the phones saw it end; the call server must have counted it so, and hold no leg
  const moved = {
    setups: c.setups - before.setups,
    answered: c.answered - before.answered,
    released: sum(c.released) - before.released,
    normal: c.released.normal - before.normal,
    busy: c.busy - before.busy,
    refused: sum(c.refused) - before.refused,
  };
  const want = { setups: pairs, answered: pairs, released: 2 * pairs, normal: 2 * pairs, busy: 0, refused: 0 };
  const wrong = (Object.keys(want) as (keyof typeof want)[]).filter((key) => moved[key] !== want[key]);
  if (wrong.length > 0) throw new Error(`call server counters after a cycle of ${pairs} calls: ${wrong.map((key) => `${key} moved ${moved[key]}, expected ${want[key]}`).join('; ')}`);
  const legs = callServer.calls();
  if (legs.length > 0) throw new Error(`the call server still holds ${legs.length} leg(s) after every phone released: ${JSON.stringify(legs.slice(0, 3))}`);
  return { virtualMs: world.now() - v0 };
}

/**
 * The idle fleet for `intervals` heartbeat intervals: returns the requests the call server answered in
 * that time (heartbeats: an idle registered set on its primary sends nothing else, no health check),
 * checked against what the fleet must send (one per phone per interval, give or take one each).
 */
export async function idleHeartbeats(rig: CallsRig, intervals: number): Promise<{ heartbeats: number; virtualMs: number }> {
  const { world, callServer, phones } = rig;
  const stats = callServer.transactions.stats;
  const h0 = stats.requestsHandled;
  const d0 = stats.duplicateRequests;
  const v0 = world.now();
  await world.advance(intervals * rig.heartbeatMs);
  const heartbeats = stats.requestsHandled - h0;
  const expected = phones.length * intervals;
  if (Math.abs(heartbeats - expected) > phones.length) throw new Error(`the idle fleet sent ${heartbeats} requests in ${intervals} heartbeat intervals; expected ${expected} heartbeats (+- ${phones.length})`);
  if (stats.duplicateRequests !== d0) throw new Error(`${stats.duplicateRequests - d0} heartbeat(s) retransmitted on an idle fleet`);
  const last = Math.min(...callServer.phones().map((p) => p.lastHeartbeat));
  if (world.now() - last > rig.heartbeatMs * 1.5) throw new Error(`a phone's last heartbeat is ${world.now() - last} ms old after ${intervals} intervals`);
  return { heartbeats, virtualMs: world.now() - v0 };
}

function sum(r: Record<string, number>): number {
  let n = 0;
  for (const v of Object.values(r)) n += v;
  return n;
}
