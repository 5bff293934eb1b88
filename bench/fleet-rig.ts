// One slice of a fleet in this thread: a world of its own (its controller, phones on the frame link,
// virtual clock) holding phones [first, first + count) of the whole fleet. Everything a phone is named
// by comes from its index in the whole fleet (MAC, DN, user, its profile in the mix, the DHCP pool of
// the slice), so the slices of one fleet are disjoint and any slice can run in any thread or process.
// Phases run the clock only until what they wait for is true, checked from the first phone not yet
// there (each condition stays true once reached), so a check costs one phone per instant, not all.
import { performance } from 'node:perf_hooks';
import { formatIpv4, parseIpv4 } from '../firmware/link/addr.ts';
import { parseControllerConfig } from '../sim/controller/config.ts';
import { fleetPoolSize } from '../sim/controller/dhcp/pool-range.ts';
import type { CableKind } from '../sim/link-spec.ts';
import { World, type PhoneSpec } from '../sim/world.ts';
import type { Phone } from '../firmware/phone.ts';
import { memoryNow } from './gc.ts';

/** The fleet's mix of models, by share: desk sets, a big desk set and a handset. */
export const FLEET_MIX: readonly { profile: string; share: number }[] = [
  { profile: '5340', share: 6 },
  { profile: '6930', share: 3 },
  { profile: '5607', share: 1 },
];
const MIX_CYCLE = FLEET_MIX.flatMap((m) => Array.from({ length: m.share }, () => m.profile));

export const FLEET_PIN = '2468';
/** Phone i's user: extension 100000 + i (six digits, so 10,000 phones and more keep one length). */
export const fleetExt = (i: number): string => String(100_000 + i);
export const fleetProfile = (i: number): string => MIX_CYCLE[i % MIX_CYCLE.length];
/** Phone i's MAC: Mitel's OUI and the index, so no two phones of any slice share one. */
export function fleetMac(i: number): string {
  const hex = (n: number) => (n & 0xff).toString(16).padStart(2, '0');
  return `00:08:5d:${hex(i >> 16)}:${hex(i >> 8)}:${hex(i)}`;
}

export interface SliceSpec {
  /** The slice's first phone, as an index into the whole fleet, and how many it has. */
  first: number;
  count: number;
  /** Which slice of the fleet (seeds the world, places its DHCP pool). */
  slice: number;
  /** The link (default frames; mock to compare). */
  link?: CableKind;
  /** Virtual time a phase may take before it is a failure. */
  budgetMs?: number;
}

export interface PhaseResult {
  wallMs: number;
  cpuMs: number;
  virtualMs: number;
}

export interface MemoryResult {
  heapUsed: number;
  external: number;
  rss: number;
}

/** The DHCP pool of slice `k`: its own /24s inside 192.168.0.0/16, beside the router's. */
function slicePool(k: number, count: number): { from: string; to: string } {
  const base = parseIpv4('192.168.10.100')! + k * 32_768;
  return { from: formatIpv4(base), to: formatIpv4(base + fleetPoolSize(count) - 1) };
}

/**
 * Runs the clock until `done(i)` holds for every phone i of the slice, checking from the first not yet
 * done. Throws with the first laggard's state when the budget runs out.
 */
async function untilAll(world: World, phones: Phone[], budgetMs: number, done: (p: Phone, i: number) => boolean, what: string): Promise<void> {
  let next = 0;
  const all = () => {
    while (next < phones.length && done(phones[next], next)) next++;
    return next === phones.length;
  };
  if (!(await world.advance(budgetMs, all))) {
    const p = phones[next];
    throw new Error(`${what}: ${next}/${phones.length} within ${budgetMs / 1000} s of virtual time; the next is in ${p.state}, showing [${p.screen.lines.join(' | ')}]`);
  }
}

async function phase(world: World, run: () => Promise<void>): Promise<PhaseResult> {
  const v0 = world.now();
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  await run();
  const c = process.cpuUsage(c0);
  return { wallMs: performance.now() - w0, cpuMs: (c.user + c.system) / 1000, virtualMs: world.now() - v0 };
}

const idleShown = (p: Phone) => p.screen.lines.some((l) => l.includes('No User Logged In'));

export class FleetSlice {
  readonly phones: Phone[];

  private constructor(
    readonly spec: SliceSpec,
    readonly world: World,
  ) {
    this.phones = [...world.units.values()].map((u) => u.phone);
  }

  /** Builds the slice's world; its phones are powered on (nothing has run yet). */
  static async build(spec: SliceSpec): Promise<{ slice: FleetSlice; build: PhaseResult }> {
    const index = Array.from({ length: spec.count }, (_, k) => spec.first + k);
    const config = parseControllerConfig(
      {
        users: index.map((i) => ({ ext: fleetExt(i), pin: FLEET_PIN, name: `User ${i}` })),
        dhcp: { pool: slicePool(spec.slice, spec.count) },
      },
      `fleet slice ${spec.slice}`,
    );
    const phones: PhoneSpec[] = index.map((i) => ({ name: `p${i}`, profile: fleetProfile(i), mac: fleetMac(i) }));
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    const world = await World.build({ profile: phones[0].profile, phones, config, link: { kind: spec.link ?? 'frames' }, seed: 1 + spec.slice });
    const c = process.cpuUsage(c0);
    return { slice: new FleetSlice(spec, world), build: { wallMs: performance.now() - w0, cpuMs: (c.user + c.system) / 1000, virtualMs: 0 } };
  }

  private get budget(): number {
    return this.spec.budgetMs ?? 600_000;
  }

  /** Power-on to registered and idle: every phone shows "No User Logged In", every one is registered. */
  async register(): Promise<PhaseResult> {
    return phase(this.world, async () => {
      await untilAll(this.world, this.phones, this.budget, idleShown, 'phones idle with nobody logged in');
      const registered = this.world.controller!.callServer.phones().length;
      if (registered !== this.phones.length) throw new Error(`${registered}/${this.phones.length} phones registered with the call server`);
    });
  }

  /** Every phone's user logs in through its keys (the HotDesking key on desk sets, Login on handsets). */
  async login(): Promise<PhaseResult> {
    return phase(this.world, async () => {
      const { first } = this.spec;
      this.phones.forEach((p, k) => {
        if (fleetProfile(first + k) !== '5607') p.press('hotdesk');
        p.press('login');
      });
      await this.world.advance(0);
      this.phones.forEach((p, k) => {
        for (const d of fleetExt(first + k)) p.press(d);
        p.press('ok');
      });
      await this.world.advance(0);
      this.phones.forEach((p) => {
        for (const d of FLEET_PIN) p.press(d);
        p.press('ok');
      });
      await untilAll(this.world, this.phones, this.budget, (p, k) => p.hotdesk?.user?.ext === fleetExt(first + k), 'users logged in');
      const users = this.world.controller!.callServer.users().length;
      if (users !== this.phones.length) throw new Error(`${users}/${this.phones.length} users logged in at the call server`);
    });
  }

  /** The logged-in fleet left alone for `ms` of virtual time; every phone must still be registered after it. */
  async idle(ms: number): Promise<PhaseResult & { heartbeats: number }> {
    const stats = this.world.controller!.callServer.transactions.stats;
    const h0 = stats.requestsHandled;
    const result = await phase(this.world, async () => {
      await this.world.advance(ms);
    });
    const cs = this.world.controller!.callServer;
    if (cs.phones().length !== this.phones.length || cs.users().length !== this.phones.length) {
      throw new Error(`after ${ms / 1000} s idle: ${cs.phones().length} registered, ${cs.users().length} logged in of ${this.phones.length}`);
    }
    return { ...result, heartbeats: stats.requestsHandled - h0 };
  }

  async memory(): Promise<MemoryResult> {
    const m = await memoryNow();
    return { heapUsed: m.heapUsed, external: m.external, rss: process.memoryUsage().rss };
  }

  close(): Promise<void> {
    return this.world.close();
  }
}
