// Who is who in a fleet, and which part of it one process runs (`--shard I/N`). Every phone has a place
// g in the whole fleet (phone-mix.ts's order), and everything it is follows from g alone: its MAC, its
// set's DN, the hot desk user who logs in at it. Shard I of N runs the places from floor(I*T/N) up to
// floor((I+1)*T/N), on a controller of its own whose DHCP pool is a block of addresses no other shard
// hands out. So shards never overlap, and together they are exactly the fleet one process would run.
import { formatIpv4, parseIpv4 } from '../../firmware/link/addr.ts';
import { EnvironmentError, UsageError } from '../commands/usage.ts';
import type { PoolRange } from '../controller/dhcp/pool-range.ts';
import { fleetSize, interleave, type MixEntry } from './phone-mix.ts';

export interface Shard {
  /** 0-based. */
  index: number;
  of: number;
}

/** `--shard auto/N` without a usable JOB_COMPLETION_INDEX: the environment's to fix (exit 3). */
export class ShardEnvironmentError extends EnvironmentError {}

/** `I/N` (0 <= I < N), or `auto/N` with I from JOB_COMPLETION_INDEX (a Kubernetes Indexed Job's). */
export function parseShard(text: string | undefined, env: NodeJS.ProcessEnv = process.env): Shard {
  if (text === undefined) return { index: 0, of: 1 };
  const m = /^\s*(auto|\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new UsageError(`--shard takes I/N or auto/N (got "${text}")`);
  const of = Number(m[2]);
  if (of < 1) throw new UsageError(`--shard: N must be at least 1 (got "${text}")`);
  let index: number;
  if (m[1] === 'auto') {
    const raw = env.JOB_COMPLETION_INDEX;
    if (raw === undefined || raw === '') throw new ShardEnvironmentError('--shard auto/N needs JOB_COMPLETION_INDEX (set by a Kubernetes Indexed Job)');
    if (!/^\d+$/.test(raw.trim())) throw new ShardEnvironmentError(`JOB_COMPLETION_INDEX is not a whole number (got "${raw}")`);
    index = Number(raw.trim());
    if (index >= of) throw new ShardEnvironmentError(`JOB_COMPLETION_INDEX ${index} is not below the shard count ${of}`);
  } else {
    index = Number(m[1]);
    if (index >= of) throw new UsageError(`--shard: I must be below N (got "${text}")`);
  }
  return { index, of };
}

export const shardName = (s: Shard): string => `${s.index}/${s.of}`;

/** One phone of the fleet and its hot desk user. */
export interface PlannedPhone {
  /** Its place in the whole fleet. */
  global: number;
  name: string;
  profile: string;
  mac: string;
  /** The set's own DN. */
  dn: string;
  /** The hot desk user generated for this phone (logs in here with `--logins`). */
  ext: string;
}

/** Set DNs are 5000000 + g, user extensions 6000000 + g: seven digits each, never the same number. */
const SET_DN_BASE = 5_000_000;
const USER_EXT_BASE = 6_000_000;
export const setDn = (g: number): string => String(SET_DN_BASE + g);
export const userExt = (g: number): string => String(USER_EXT_BASE + g);

/** Mitel's OUI and the place in the fleet, from 00:08:5d:00:00:01 up. */
export function fleetMac(g: number): string {
  const n = g + 1;
  return ['00', '08', '5d', (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff].map((b) => (typeof b === 'string' ? b : b.toString(16).padStart(2, '0'))).join(':');
}

/** The places shard `s` runs: [first, first + count). */
export function shardSlice(total: number, s: Shard): { first: number; count: number } {
  const first = Math.floor((s.index * total) / s.of);
  const end = Math.floor(((s.index + 1) * total) / s.of);
  return { first, count: end - first };
}

/** The phones shard `s` runs, in fleet order. */
export function planShard(mix: readonly MixEntry[], s: Shard): PlannedPhone[] {
  const models = interleave(mix);
  const { first, count } = shardSlice(models.length, s);
  return Array.from({ length: count }, (_, k) => {
    const g = first + k;
    return { global: g, name: `${models[g]}-${g}`, profile: models[g], mac: fleetMac(g), dn: setDn(g), ext: userExt(g) };
  });
}

/**
 * The addresses a fleet hands out: 192.168.16.1 up to 192.168.255.254, inside the /16 of the
 * controller (192.168.10.1), above its own /24 and the voice VLAN's (192.168.11.0/24).
 */
const POOL_FIRST = parseIpv4('192.168.16.1')!;
const POOL_LAST = parseIpv4('192.168.255.254')!;

/** Each shard's block: its largest share of the fleet, plus a tenth (at least 10) to spare. */
export function shardBlockSize(total: number, shards: number): number {
  const share = Math.ceil(total / shards);
  return share + Math.max(10, Math.ceil(share / 10));
}

/** The DHCP pool of shard `s`: a block of addresses no other shard of the fleet hands out. */
export function shardPool(mix: readonly MixEntry[], s: Shard): PoolRange {
  const total = fleetSize(mix);
  const block = shardBlockSize(total, s.of);
  const need = block * s.of;
  if (need > POOL_LAST - POOL_FIRST + 1) {
    throw new UsageError(`a fleet of ${total} phones in ${s.of} shard(s) needs ${need} addresses; 192.168.16.1-192.168.255.254 holds ${POOL_LAST - POOL_FIRST + 1}`);
  }
  const from = POOL_FIRST + s.index * block;
  return { from: formatIpv4(from), to: formatIpv4(from + block - 1) };
}
