// The controller's world: users, key layouts, access codes, DHCP options, firmware. Validated against
// CONTROLLER_SCHEMA; an error names where it came from and the field, in one line, and never echoes a
// value (a PIN must not reach a terminal or a log through an error message).
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { parseVersion, type FirmwareVersion } from '../../firmware/boot/image-version.ts';
import type { MitelCarry } from '../../firmware/boot/dhcp-mitel-carrier.ts';
import { parseDuration } from '../duration.ts';
import { parseSize } from './firmware-store/payload.ts';
import { CONTROLLER_SCHEMA, IPV4_PATTERN, UDP_ENDPOINT_PATTERN } from './config-schema.ts';
import { poolRangeProblem, type PoolRange } from './dhcp/pool-range.ts';
import { DEFAULT_LOCKOUT, type LockoutPolicy } from './call-server/directory-lockout.ts';
import { DEFAULT_RING_DELAY_MS } from './call-server/calls/appearances.ts';
import { checkAgentCodes, parseAcd } from './call-server/acd/agents-config.ts';
import type { AcdGroupConfig, AgentConfig } from './call-server/acd/agents.ts';
import { AGENT_FEATURES } from '../../firmware/acd/agent-keys.ts';
import { SIGNALLING_PORT, type RingType } from '../../firmware/signalling/messages.ts';

export type KeyType = 'line' | 'multicall' | 'blf' | 'speed-dial' | 'feature' | 'empty';

/** How a line appearance announces an offered call (docs/design.md "Calls"). */
export type KeyRing = RingType;

export interface KeyEntry {
  /** `key:N` for the set's own keys, `pkmM:N` for a key module's. */
  key: string;
  type: KeyType;
  dn?: string;
  label?: string;
  /** line and multicall keys only: how the appearance rings (default ring). */
  ring?: KeyRing;
  /** delay-ring only: the silent time before it rings (default 10 s). */
  ringDelayMs?: number;
  /** feature keys only: the feature (an ACD agent key: make-busy, agent-logout, agent-login). */
  feature?: string;
}

export interface HotdeskUser {
  ext: string;
  pin: string;
  name: string;
  language: string;
  hotdesk: boolean;
  remoteLogoutAllowed: boolean;
  autoLogoutHours?: number;
  keys: KeyEntry[];
  secondary?: string;
  home?: string;
  /** An External Hot Desk User's number; undefined for an internal hot desk user. */
  external?: string;
}

export interface SetConfig {
  profile: string;
  dn?: string;
  keys: KeyEntry[];
  remoteLogoutAllowed: boolean;
  /** COS Hot Desk Login Accept: the set takes hot desk logins (default yes). */
  loginAccept?: boolean;
  /** The set's secondary element: resilient hot desking needs one on the set and on the user. */
  secondary?: string;
}

export interface FirmwareSpec {
  family: string;
  version: FirmwareVersion;
  payloadSize: number;
  /** The TFTP file name; by default the one each profile of this family asks for. */
  file?: string;
  seed: number;
  /** Flip a payload byte after signing: the phone must refuse it. */
  tampered: boolean;
}

export interface ControllerConfig {
  accessCodes: { login: string; logout: string; remoteLogout: string; setRegistration?: string; agentLogin?: string; agentLogout?: string };
  users: HotdeskUser[];
  sets: SetConfig[];
  dhcp: {
    carry: MitelCarry | 'none';
    /** Exactly as given, or undefined: built from the fields and the controller's own address. */
    string?: string;
    swTftp?: string;
    callSrv?: string[];
    vlan?: number;
    l2p?: number;
    dscp?: number;
    bareOffers: number;
    down: boolean;
    /** The addresses the DHCP server hands out (`dhcp: { pool: { from, to } }`); undefined: the world's default. */
    pool?: PoolRange;
  };
  tftp: { down: boolean; port20001: boolean; options: boolean; expose?: string };
  /** Relay mode: DHCP and/or TFTP handed to real servers (HOST:PORT each); see relay.ts. */
  relay?: { dhcp?: string; tftp?: string; agent?: string };
  firmware: FirmwareSpec[];
  heartbeatMs: number;
  /** How often a phone on its secondary checks whether the primary is back (fail-back). */
  healthCheckMs: number;
  /** The call server's name (register-ack, health-ack) and the address phones reach it on (default: the router's). */
  identity: { id: string; ip?: string };
  /** Wrong PINs before a user is locked, within what window, for how long. */
  lockout: LockoutPolicy;
  /** Other controllers of the cluster: where a login for a user homed there is redirected. */
  cluster: ClusterPeer[];
  /** Where a userless handset's Alarm key calls (register-ack's alarmDn); default the operator, "0". */
  alarmDn: string;
  /** Where the users' voice mailboxes answer (the Message key calls it); default "8500". */
  voicemailDn?: string;
  /** Automatic DN Selection's range (`dn-range`); with `access-codes: { set-registration }` it is on. */
  dnRange?: DnRange;
  /** ACD hot desk agents and their groups (call-server/acd/); none by default. */
  agents?: AgentConfig[];
  acdGroups?: AcdGroupConfig[];
}

/** The DNs Automatic DN Selection hunts, `from` up to `to`, never one of `localOnly`. */
export interface DnRange {
  from: string;
  to: string;
  localOnly: string[];
}

export interface ClusterPeer {
  id: string;
  ip: string;
  port: number;
  /** The version this member expects phones to run: a phone re-homing to it with another one upgrades. */
  firmware?: FirmwareVersion;
}

export class ConfigError extends Error {}

let validate: ReturnType<Ajv['compile']> | undefined;

function describe(e: ErrorObject): string {
  const where = e.instancePath || '(root)';
  if (e.keyword === 'additionalProperties') return `${where}: unknown field "${(e.params as { additionalProperty: string }).additionalProperty}"`;
  if (e.keyword === 'enum') return `${where} must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  if (e.keyword === 'pattern' && /\/pin$/.test(where)) return `${where} must be 0 to 8 digits`;
  if (e.keyword === 'pattern' && (e.params as { pattern: string }).pattern === IPV4_PATTERN) return `${where} must be an IPv4 address`;
  if (e.keyword === 'pattern' && (e.params as { pattern: string }).pattern === UDP_ENDPOINT_PATTERN) return `${where} must be an IPv4 address and a port`;
  return `${where} ${e.message}`;
}

function keyName(k: unknown): string {
  const s = String(k);
  return /^\d+$/.test(s) ? `key:${s}` : s;
}

/** `where`: the list's place in errors, `world.yaml: /users/0/keys`. */
function keys(list: unknown, where: string): KeyEntry[] {
  return ((list as Record<string, unknown>[] | undefined) ?? []).map((k, i) => {
    const entry: KeyEntry = {
      key: keyName(k.key),
      type: k.type as KeyType,
      dn: k.dn as string | undefined,
      label: k.label as string | undefined,
    };
    const ring = k.ring as KeyRing | undefined;
    const delay = k['ring-delay'] as string | number | undefined;
    // a feature key carries its feature (the key layout's feature code): the ACD agent keys
    if (k.feature !== undefined) {
      if (entry.type !== 'feature') throw new ConfigError(`${where}/${i}/feature is only for feature keys`);
      if (!(AGENT_FEATURES as readonly unknown[]).includes(k.feature)) throw new ConfigError(`${where}/${i}/feature must be one of ${AGENT_FEATURES.join(', ')}`);
      entry.feature = k.feature as string;
    }
    // a ring type means something only where a call can be offered: a line appearance
    if (entry.type !== 'line' && entry.type !== 'multicall') {
      if (ring !== undefined) throw new ConfigError(`${where}/${i}/ring is only for line and multicall keys`);
      if (delay !== undefined) throw new ConfigError(`${where}/${i}/ring-delay is only for line and multicall keys`);
      return entry;
    }
    entry.ring = ring ?? 'ring';
    if (delay !== undefined && entry.ring !== 'delay-ring') throw new ConfigError(`${where}/${i}/ring-delay needs ring: delay-ring`);
    if (entry.ring === 'delay-ring') entry.ringDelayMs = delay === undefined ? DEFAULT_RING_DELAY_MS : (parseDuration(delay) ?? DEFAULT_RING_DELAY_MS);
    return entry;
  });
}

/** Validates and normalises a controller world; `source` names it in errors (a file, `scenario.yaml:4`). */
export function parseControllerConfig(raw: unknown, source: string): ControllerConfig {
  validate ??= new Ajv({ allErrors: false, strict: false }).compile(CONTROLLER_SCHEMA);
  const input = raw ?? {};
  if (!validate(input)) {
    // oneOf failures repeat the same place; the first error is the clearest
    throw new ConfigError(`${source}: ${describe(validate.errors![0])}`);
  }
  const c = input as Record<string, any>;
  const seen = new Set<string>();
  for (const [i, u] of ((c.users ?? []) as { ext: string }[]).entries()) {
    if (seen.has(u.ext)) throw new ConfigError(`${source}: /users/${i}/ext repeats extension ${u.ext}`);
    seen.add(u.ext);
  }
  const codes = c['access-codes'] ?? {};
  const dhcp = c.dhcp ?? {};
  const tftp = c.tftp ?? {};
  const option = String(dhcp.option ?? '125');
  const fail = (message: string) => new ConfigError(message);
  const acd = parseAcd(c, { users: c.users ?? [], sets: c.sets ?? [] }, keys, source, fail);
  const agentCodes = { agentLogin: codes['agent-login'] ?? '', agentLogout: codes['agent-logout'] ?? '' };
  checkAgentCodes({ login: codes.login ?? '222', logout: codes.logout ?? '333', remoteLogout: codes['remote-logout'] ?? '111', ...agentCodes }, source, fail);
  return {
    accessCodes: { login: codes.login ?? '222', logout: codes.logout ?? '333', remoteLogout: codes['remote-logout'] ?? '111', ...(codes['set-registration'] !== undefined ? { setRegistration: codes['set-registration'] } : {}), ...agentCodes },
    users: (c.users ?? []).map((u: Record<string, any>, i: number) => ({
      ext: u.ext,
      pin: u.pin,
      name: u.name ?? `User ${u.ext}`,
      language: u.language ?? 'en',
      hotdesk: u.hotdesk ?? true,
      remoteLogoutAllowed: u.cos?.['remote-logout'] ?? true,
      autoLogoutHours: u.cos?.['auto-logout-hours'],
      keys: keys(u.keys, `${source}: /users/${i}/keys`),
      secondary: u.secondary,
      home: u.home,
      ...(u.external !== undefined ? { external: u.external } : {}),
    })),
    sets: (c.sets ?? []).map((s: Record<string, any>, i: number) => ({
      profile: String(s.profile),
      dn: s.dn,
      keys: keys(s.keys, `${source}: /sets/${i}/keys`),
      remoteLogoutAllowed: s.cos?.['remote-logout'] ?? false,
      loginAccept: s.cos?.['hotdesk-login-accept'] ?? true,
      ...(s.secondary !== undefined ? { secondary: s.secondary } : {}),
    })),
    dhcp: {
      carry: option === '125' ? '125' : option === '43' ? '43' : option === '43-encapsulated' ? '43-encapsulated' : 'none',
      string: dhcp.string,
      swTftp: dhcp['sw-tftp'],
      callSrv: dhcp['call-srv'],
      vlan: dhcp.vlan,
      l2p: dhcp.l2p,
      dscp: dhcp.dscp,
      bareOffers: dhcp['bare-offers'] ?? 0,
      down: dhcp.down ?? false,
      ...(dhcp.pool ? { pool: checkedPool(dhcp.pool, source) } : {}),
    },
    tftp: { down: tftp.down ?? false, port20001: tftp['port-20001'] ?? true, options: tftp.options ?? true, expose: tftp.expose },
    relay: c.relay ? { dhcp: c.relay.dhcp, tftp: c.relay.tftp, agent: c.relay.agent } : undefined,
    firmware: (c.firmware ?? []).map((f: Record<string, any>, i: number) => {
      const parsed = parseVersion(f.version);
      if (!parsed.ok) throw new ConfigError(`${source}: /firmware/${i}/version: ${parsed.reason}`);
      const version = parsed.version;
      const payloadSize = f.size === undefined ? 64 * 1024 : parseSize(String(f.size));
      if (payloadSize === undefined) throw new ConfigError(`${source}: /firmware/${i}/size is not a size like 64KiB`);
      return { family: f.family, version, payloadSize, file: f.file, seed: f.seed ?? 1, tampered: f.tampered ?? false };
    }),
    heartbeatMs: parseDuration(c['heartbeat-interval'] ?? '30s') ?? 30_000,
    healthCheckMs: parseDuration(c['health-check-interval'] ?? '20s') ?? 20_000,
    identity: { id: c.identity?.id ?? 'icp-1', ip: c.identity?.ip },
    lockout: {
      failures: c.lockout?.failures ?? DEFAULT_LOCKOUT.failures,
      windowMs: parseDuration(c.lockout?.window ?? DEFAULT_LOCKOUT.windowMs) ?? DEFAULT_LOCKOUT.windowMs,
      durationMs: parseDuration(c.lockout?.duration ?? DEFAULT_LOCKOUT.durationMs) ?? DEFAULT_LOCKOUT.durationMs,
    },
    cluster: (c.cluster ?? []).map((p: Record<string, any>, i: number) => {
      const peer: ClusterPeer = { id: p.id ?? p.ip, ip: p.ip, port: p.port ?? SIGNALLING_PORT };
      if (p.firmware !== undefined) {
        const parsed = parseVersion(p.firmware);
        if (!parsed.ok) throw new ConfigError(`${source}: /cluster/${i}/firmware: ${parsed.reason}`);
        peer.firmware = parsed.version;
      }
      return peer;
    }),
    alarmDn: c['alarm-dn'] ?? '0',
    agents: acd.agents,
    acdGroups: acd.acdGroups,
    ...(c['voicemail-dn'] !== undefined ? { voicemailDn: c['voicemail-dn'] } : {}),
    ...(c['dn-range'] !== undefined ? { dnRange: checkedDnRange(c['dn-range'], source) } : {}),
  };
}

function checkedDnRange(r: { from: string; to: string; 'local-only'?: string[] }, source: string): DnRange {
  // one dial plan: the hunt counts from `from` to `to` and keeps the digit count (0100 stays 4 digits)
  if (r.from.length !== r.to.length) throw new ConfigError(`${source}: /dn-range: from and to must have the same number of digits`);
  if (r.from > r.to) throw new ConfigError(`${source}: /dn-range: from must not be above to`);
  return { from: r.from, to: r.to, localOnly: [...(r['local-only'] ?? [])] };
}

function checkedPool(pool: PoolRange, source: string): PoolRange {
  const problem = poolRangeProblem(pool);
  if (problem) throw new ConfigError(`${source}: /dhcp/pool: ${problem}`);
  return { from: pool.from, to: pool.to };
}

/** Reads a `--config` file: YAML (or JSON, which is YAML). */
export function loadControllerConfig(file: string): ControllerConfig {
  return parseControllerConfig(readConfigFile(file), file);
}

/** A config file's raw contents (YAML or JSON), unchecked; a file that cannot be read or parsed is a ConfigError. */
export function readConfigFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config ${file} (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new ConfigError(`${file}: not valid YAML or JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  return raw;
}
