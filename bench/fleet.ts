// A fleet through one controller per process (issue 10, "cost per phone"): 100, 1,000 and 10,000 phones
// of mixed models (5340 / 6930 / 5607, 6:3:1) on the frame link, each fleet split into two disjoint
// slices in two worker processes (fleet-processes.ts, fleet-rig.ts), measured in one run from power-on
// through DHCP, the firmware check, registration and every user's login; then 1,000 registered phones
// with their users logged in, left alone for a simulated hour. Wall time, CPU (all processes), heap per
// phone and the growth from one size to the next are printed; the targets print PASS/FAIL.
//
//   npm run bench -- fleet [--quick]      (--quick: 6, 12 and 24 phones, 24 idle for 3 minutes)
import { fmt, passFail, type BenchOptions, type BenchResult, type Benchmark, type Table, type Verdict } from './harness.ts';
import { ProcessFleet, type FleetMemory, type FleetPhase } from './fleet-processes.ts';

export interface FleetBenchConfig {
  sizes: number[];
  /** Slices, each in a process of its own. */
  processes: number;
  idlePhones: number;
  idleMs: number;
}

export const FULL: FleetBenchConfig = { sizes: [100, 1_000, 10_000], processes: 2, idlePhones: 1_000, idleMs: 3_600_000 };
export const QUICK: FleetBenchConfig = { sizes: [6, 12, 24], processes: 2, idlePhones: 24, idleMs: 180_000 };

export const TARGET_UP_MS = 30_000;
export const TARGET_UP_PHONES = 10_000;
export const TARGET_PHONE_BYTES = 64 * 1024;
export const TARGET_IDLE_HOUR_MS = 10_000;
export const TARGET_IDLE_PHONES = 1_000;
const KIB = 1024;
const MIB = 1024 * 1024;

export interface SizeMeasurement {
  phones: number;
  build: FleetPhase;
  register: FleetPhase;
  login: FleetPhase;
  /** Power-on through every user logged in: build + register + login. */
  upWallMs: number;
  upCpuMs: number;
  memory: FleetMemory;
}

export interface IdleMeasurement {
  phones: number;
  virtualMs: number;
  phase: FleetPhase;
}

export interface FleetMeasurement {
  config: FleetBenchConfig;
  sizes: SizeMeasurement[];
  idle: IdleMeasurement;
}

async function measureSize(phones: number, processes: number): Promise<SizeMeasurement> {
  const { fleet, build } = await ProcessFleet.build(phones, processes);
  try {
    const register = await fleet.register();
    const login = await fleet.login();
    const memory = await fleet.memory();
    return {
      phones,
      build,
      register,
      login,
      upWallMs: build.wallMs + register.wallMs + login.wallMs,
      upCpuMs: build.cpuMs + register.cpuMs + login.cpuMs,
      memory,
    };
  } finally {
    await fleet.close();
  }
}

async function measureIdle(phones: number, processes: number, ms: number): Promise<IdleMeasurement> {
  const { fleet } = await ProcessFleet.build(phones, processes);
  try {
    await fleet.register();
    await fleet.login();
    return { phones, virtualMs: ms, phase: await fleet.idle(ms) };
  } finally {
    await fleet.close();
  }
}

export async function measureFleet(config: FleetBenchConfig): Promise<FleetMeasurement> {
  const sizes: SizeMeasurement[] = [];
  for (const n of config.sizes) sizes.push(await measureSize(n, config.processes));
  const idle = await measureIdle(config.idlePhones, config.processes, config.idleMs);
  return { config, sizes, idle };
}

const perPhone = (m: SizeMeasurement) => m.memory.sliceBytes / m.phones;
/** What one more phone costs: the memory from one size to the next over the phones added (fixed costs cancel). */
const marginal = (a: SizeMeasurement, b: SizeMeasurement) => (b.memory.sliceBytes - a.memory.sliceBytes) / (b.phones - a.phones);

/** The growth of a cost from one size to the next, per phone: 1 is linear, below 1 is better than linear. */
export function growth(a: SizeMeasurement, b: SizeMeasurement, cost: (m: SizeMeasurement) => number): number {
  return cost(b) / b.phones / (cost(a) / a.phones);
}

export function fleetTables(m: FleetMeasurement): { tables: Table[]; verdicts: Verdict[] } {
  const { config, sizes, idle } = m;
  const largest = sizes.at(-1)!;
  const quick = config.sizes[config.sizes.length - 1] < TARGET_UP_PHONES;
  const hourWallMs = (idle.phase.wallMs * 3_600_000) / idle.virtualMs;
  const wallGrowth = sizes.slice(1).map((b, i) => growth(sizes[i], b, (s) => s.upWallMs));
  const memGrowth = sizes.slice(1).map((b, i) => growth(sizes[i], b, (s) => s.memory.sliceBytes));
  const verdicts: Verdict[] = [
    {
      target: `${fmt(TARGET_UP_PHONES)} phones (mixed models) powered on, registered and logged in, ${config.processes} processes, <= ${TARGET_UP_MS / 1000} s wall`,
      pass: !quick && largest.phones >= TARGET_UP_PHONES && largest.upWallMs <= TARGET_UP_MS,
    },
    { target: `<= ${TARGET_PHONE_BYTES / KIB} KiB heap per idle registered phone (at ${fmt(largest.phones)} phones)`, pass: perPhone(largest) <= TARGET_PHONE_BYTES },
    {
      target: `a simulated hour of ${fmt(TARGET_IDLE_PHONES)} idle registered phones <= ${TARGET_IDLE_HOUR_MS / 1000} s wall`,
      pass: idle.phones >= TARGET_IDLE_PHONES && hourWallMs <= TARGET_IDLE_HOUR_MS,
    },
    // linear: the per-phone cost at each size is at most the one before it (+10% for a shared machine's noise)
    { target: 'wall time per phone grows no faster than linearly from one size to the next (growth <= 1.1)', pass: wallGrowth.every((g) => g <= 1.1) },
    { target: 'memory per phone grows no faster than linearly from one size to the next (growth <= 1.1)', pass: memGrowth.every((g) => g <= 1.1) },
  ];
  const s = (ms: number) => (ms / 1000).toFixed(2);
  const up: Table = {
    title: `fleets on the frame link, ${config.processes} worker processes (one controller each, disjoint slices): power-on to every user logged in`,
    columns: ['phones', 'build s', 'to registered s', 'logins s', 'total wall s', 'CPU s', 'virtual s', 'heap KiB/phone', 'RSS MiB'],
    rows: sizes.map((x) => [
      fmt(x.phones),
      s(x.build.wallMs),
      s(x.register.wallMs),
      s(x.login.wallMs),
      s(x.upWallMs),
      s(x.upCpuMs),
      s(x.register.virtualMs + x.login.virtualMs),
      perPhone(x) / KIB,
      x.memory.rss / MIB,
    ]),
    notes: [
      'build: worlds built and phones powered on; to registered: DHCP, firmware check over TFTP, key exchange, register, set',
      'programming, until every phone shows No User Logged In; logins: every user logs in through the keys (HotDesking on desk sets).',
      'heap KiB/phone: heap + off-heap each process holds beyond what it held before its slice, after forced GC, per phone.',
      'RSS MiB: the resident sets of the slice processes, summed (pages they share are counted in each; the parent is left out).',
    ],
  };
  const grow: Table = {
    title: 'growth from one size to the next, per phone (1 = linear, below 1 = better than linear)',
    columns: ['from -> to', 'size x', 'wall x', 'wall per phone', 'CPU per phone', 'memory per phone', 'KiB per added phone'],
    rows: sizes.slice(1).map((b, i) => {
      const a = sizes[i];
      return [`${fmt(a.phones)} -> ${fmt(b.phones)}`, b.phones / a.phones, b.upWallMs / a.upWallMs, wallGrowth[i], growth(a, b, (x) => x.upCpuMs), memGrowth[i], marginal(a, b) / KIB];
    }),
  };
  const hb = idle.phase.heartbeats;
  const idleTable: Table = {
    title: `${fmt(idle.phones)} registered phones with their users logged in, idle for ${fmt(idle.virtualMs / 60_000)} simulated minutes (${config.processes} processes)`,
    columns: ['phones', 'simulated min', 'wall s', 'CPU s', 'wall s per simulated hour', 'heartbeats', 'CPU us per heartbeat'],
    rows: [[fmt(idle.phones), idle.virtualMs / 60_000, s(idle.phase.wallMs), s(idle.phase.cpuMs), s(hourWallMs), fmt(hb), hb > 0 ? (idle.phase.cpuMs * 1000) / hb : 0]],
    notes: verdicts.map((v) => `${passFail(v.pass)}  ${v.target}`),
  };
  return { tables: [up, grow, idleTable], verdicts };
}

export const fleetBenchmark: Benchmark = {
  name: 'fleet',
  summary: 'fleets of 100, 1,000 and 10,000 mixed phones on the frame link in 2 processes: power-on to logged in, memory per phone, growth; 1,000 idle phones for an hour',
  async run(opts: BenchOptions): Promise<BenchResult> {
    return fleetTables(await measureFleet(opts.quick ? QUICK : FULL));
  },
};
