// The controller's world a fleet generates: one set entry per phone (its own DN, and a secondary element
// when there is a cluster), one hot desk user per phone (its PIN drawn from the seed, a line key for
// its extension and a BLF key watching the next user's), the cluster's elements, and the shard's DHCP
// pool. It goes on top of `--config` (heartbeat interval, access codes, lockout, ...) as raw config, so
// parseControllerConfig checks the lot as it checks any world. PINs stay in the config: nothing the
// fleet writes (summary, statistics, inventory, report) carries one.
import { ConfigError, parseControllerConfig, readConfigFile, type ControllerConfig } from '../controller/config.ts';
import type { PoolRange } from '../controller/dhcp/pool-range.ts';
import { ROUTER_IP } from '../controller/router.ts';
import type { PlannedPhone } from './shard-plan.ts';

/** A cluster element the fleet generates: icp-1 is the controller itself, icp-2... its peers. */
export interface Element {
  id: string;
  ip: string;
}

/** icp-1 at the controller's address, then icp-2 at 192.168.10.2, icp-3 at .3, ... */
export function clusterElements(size: number): Element[] {
  return Array.from({ length: size }, (_, i) => ({ id: `icp-${i + 1}`, ip: i === 0 ? ROUTER_IP : `192.168.10.${i + 1}` }));
}

/**
 * An 8-digit PIN for the user at place g, the same in every shard and every run with that seed. Eight
 * digits (the most a PIN has) so a fleet's thousands of PINs are never mistaken for the other numbers
 * of a trace (ports, sizes, times) by the suite's PIN audit (test/audit/), nor those numbers for them.
 */
export function fleetPin(seed: number, g: number): string {
  // splitmix32 of (seed, g): a PIN is a test fixture, not a secret to guard from guessing
  let x = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(g + 1, 0x85ebca6b)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x21f0aaad) >>> 0;
  x = Math.imul(x ^ (x >>> 15), 0x735a2d97) >>> 0;
  x = (x ^ (x >>> 15)) >>> 0;
  return String(x % 100_000_000).padStart(8, '0');
}

/** Reads `--config` as raw config (YAML or JSON), checked once on its own so its errors name the file. */
export function readBaseConfig(file: string | undefined): Record<string, unknown> {
  if (file === undefined) return {};
  const raw = readConfigFile(file);
  parseControllerConfig(raw, file);
  return (raw ?? {}) as Record<string, unknown>;
}

export interface FleetWorldOptions {
  base: Record<string, unknown>;
  /** Names the base in errors (the --config file). */
  source: string;
  phones: readonly PlannedPhone[];
  seed: number;
  /** Elements in the cluster (1: a single controller). */
  cluster: number;
  pool: PoolRange;
  /** A shard of several hands out its own block: a pool in --config cannot be split among shards. */
  sharded: boolean;
}

export function fleetWorld(o: FleetWorldOptions): ControllerConfig {
  const base = o.base;
  const baseDhcp = (base.dhcp ?? {}) as Record<string, unknown>;
  if (o.sharded && baseDhcp.pool !== undefined) throw new ConfigError(`${o.source}: /dhcp/pool: a sharded fleet hands out each shard's own block of addresses; leave the pool out`);
  const given = (base.cluster as unknown[] | undefined)?.length ?? 0;
  if (given > 0 && o.cluster > 1) throw new ConfigError(`${o.source}: /cluster: the fleet generates its cluster (--cluster); leave it out of the config`);
  const elements = clusterElements(o.cluster);
  const secondary = elements[1]?.ip;
  const resilient = secondary === undefined ? {} : { secondary };
  const users = o.phones.map((p, k) => {
    const next = o.phones[(k + 1) % o.phones.length];
    const keys: Record<string, unknown>[] = [{ key: 1, type: 'line', dn: p.ext }];
    if (o.phones.length > 1) keys.push({ key: 2, type: 'blf', dn: next.ext, label: `BLF ${next.ext}` });
    return { ext: p.ext, pin: fleetPin(o.seed, p.global), name: `Fleet ${p.ext}`, keys, ...resilient };
  });
  const sets = o.phones.map((p) => ({ profile: p.profile, dn: p.dn, ...resilient }));
  const raw = {
    ...base,
    users: [...((base.users as unknown[] | undefined) ?? []), ...users],
    sets: [...((base.sets as unknown[] | undefined) ?? []), ...sets],
    ...(o.cluster > 1 ? { cluster: elements.slice(1) } : {}),
    dhcp: { ...baseDhcp, pool: baseDhcp.pool ?? o.pool },
  };
  return parseControllerConfig(raw, `${o.source} with the fleet's directory`);
}
