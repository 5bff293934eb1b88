// The Mitel configuration string a phone finds in DHCP option 125 or 43:
//   id:ipphone.mitel.com;sw_tftp=10.37.20.11;call_srv=10.37.18.11,10.37.10.11;vlan=1056;l2p=6;dscp=46
//
// Rules, from Mitel's Engineering Guidelines ("Vendor information data format", "Tag / Value Pair
// Definitions") and the system administration help ("Manually creating DHCP options 43 or 125"):
// - case-sensitive, parsed left to right; "id:ipphone.mitel.com" then a ';' MUST come first;
// - tag=value pairs separated by ';'; a trailing ';' is allowed, back-to-back ';;' are ignored;
// - a repeated tag deletes and overwrites the earlier one; "tag=" (empty value) means "not
//   configured", so it also clears an earlier value (the guidelines' phone-side rule; the server UI
//   refuses empty values, the phone does not);
// - integers are decimal; IPv4 addresses dotted quads, leading zeros allowed, ":port" allowed;
// - spaces only at separators or at the start/end of the string.
// Our decisions where the documents stop (a phone rejects the offer, so we reject the string):
// - more than 255 characters, or any character outside printable ASCII: rejected;
// - a space inside a pair, a segment without '=', a tag of other than letters/digits/'_'/'-',
//   or a known tag with an out-of-range or malformed value: rejected, with the reason;
// - an unknown tag (including a known one in the wrong case, e.g. "VLAN"): kept in `unknown` and
//   reported as a warning, because newer servers send tags older firmware does not know.
// Tags beyond the guidelines' table (pc_vlan, pc_l2p, lldp, dhcp, t1) are validated by analogy -
// VLAN/priority ranges, y/n/1/0 switches, a seconds count - since no source we could reach spells
// them out.
import { formatIpv4, parseIpv4 } from '../link/addr.ts';
import { findMitelString, MITEL_ID } from './dhcp-mitel-carrier.ts';
import type { MitelExtraction } from './dhcp-mitel-carrier.ts';
import type { DhcpOption } from './dhcp-options.ts';

export { MITEL_ID } from './dhcp-mitel-carrier.ts';
export type { MitelCarry, MitelExtraction } from './dhcp-mitel-carrier.ts';

/**
 * Finds the Mitel string in a DHCP message: option 125 first (display "Using option 125"), else
 * option 43 ("Using option 43"). `option` says which one; parse `text` with parseMitelOptionString.
 */
export function extractMitelString(msg: { options: readonly DhcpOption[] }): MitelExtraction {
  return findMitelString(msg.options);
}

export const MITEL_STRING_MAX = 255;

/** An IPv4 address with an optional port (port absent: the protocol's default). */
export interface MitelEndpoint {
  ip: string;
  port?: number;
}

export interface MitelConfig {
  /** TFTP server for software loads. */
  sw_tftp?: MitelEndpoint;
  /** 1 to 4 call servers (ICPs): primary first, then the secondaries. */
  call_srv?: MitelEndpoint[];
  /** Remote analysis (IP Phone Analyzer) server. */
  ipa_srv?: MitelEndpoint;
  /** Voice VLAN id, 0-4095. */
  vlan?: number;
  /** Voice 802.1p priority, 0-7. */
  l2p?: number;
  /** DiffServ code point for voice and signalling, 0-63. */
  dscp?: number;
  /** Voice appliance HTTP proxy: FQDN (at most 40 characters) or address, optional port. */
  app_proxy?: { host: string; port?: number };
  /** VLAN id for the PC port, 0-4095. */
  pc_vlan?: number;
  /** 802.1p priority for the PC port, 0-7. */
  pc_l2p?: number;
  /** Use LLDP-MED. */
  lldp?: boolean;
  /** Run DHCP (again) in the voice VLAN. */
  dhcp?: boolean;
  /** A timer in seconds, 0-65535. */
  t1?: number;
  /** Tags this firmware does not know, in the order they last appeared. */
  unknown: { tag: string; value: string }[];
}

export type MitelErrorCode = 'too-long' | 'bad-character' | 'missing-id' | 'garbage' | 'bad-value';

export type MitelParseResult =
  | { ok: true; config: MitelConfig; warnings: string[] }
  | { ok: false; code: MitelErrorCode; error: string };

type KnownTag = Exclude<keyof MitelConfig, 'unknown'>;
/** What a known tag's text parses to: the type of its MitelConfig field. */
type TagValue<K extends KnownTag> = NonNullable<MitelConfig[K]>;
type ValueCheck<T> = { ok: true; value: T } | { ok: false; error: string };

const DECIMAL = /^[0-9]{1,10}$/;

function integer(text: string, lo: number, hi: number): ValueCheck<number> {
  if (!DECIMAL.test(text)) return { ok: false, error: `"${text}" is not a decimal number` };
  const n = Number(text);
  return n >= lo && n <= hi ? { ok: true, value: n } : { ok: false, error: `${n} is outside ${lo}-${hi}` };
}

function port(text: string): number | undefined {
  const p = integer(text, 1, 65535);
  return p.ok ? p.value : undefined;
}

function endpoint(text: string): ValueCheck<MitelEndpoint> {
  const [host, portText, extra] = text.split(':');
  if (extra !== undefined) return { ok: false, error: `"${text}" is not address[:port]` };
  const ip = parseIpv4(host);
  if (ip === undefined) return { ok: false, error: `"${host}" is not an IPv4 address` };
  if (portText === undefined) return { ok: true, value: { ip: formatIpv4(ip) } };
  const p = port(portText);
  return p === undefined ? { ok: false, error: `"${portText}" is not a port` } : { ok: true, value: { ip: formatIpv4(ip), port: p } };
}

function endpointList(text: string): ValueCheck<MitelEndpoint[]> {
  const items = text.split(',');
  if (items.length > 4) return { ok: false, error: `${items.length} addresses (at most 4)` };
  const out: MitelEndpoint[] = [];
  for (const item of items) {
    const e = endpoint(item);
    if (!e.ok) return e;
    out.push(e.value);
  }
  return { ok: true, value: out };
}

function yesNo(text: string): ValueCheck<boolean> {
  if (text === 'y' || text === '1') return { ok: true, value: true };
  if (text === 'n' || text === '0') return { ok: true, value: false };
  return { ok: false, error: `"${text}" is not y/n/1/0` };
}

function hostPort(text: string): ValueCheck<TagValue<'app_proxy'>> {
  const [host, portText, extra] = text.split(':');
  if (extra !== undefined || !/^[A-Za-z0-9.-]{1,40}$/.test(host)) return { ok: false, error: `"${text}" is not host[:port] (host at most 40 characters)` };
  if (portText === undefined) return { ok: true, value: { host } };
  const p = port(portText);
  return p === undefined ? { ok: false, error: `"${portText}" is not a port` } : { ok: true, value: { host, port: p } };
}

/** One parser per known tag, each giving exactly its field's type (a mapped type checks the pairing). */
const TAGS: { [K in KnownTag]: (value: string) => ValueCheck<TagValue<K>> } = {
  sw_tftp: endpoint,
  call_srv: endpointList,
  ipa_srv: endpoint,
  vlan: (v) => integer(v, 0, 4095),
  l2p: (v) => integer(v, 0, 7),
  dscp: (v) => integer(v, 0, 63),
  app_proxy: hostPort,
  pc_vlan: (v) => integer(v, 0, 4095),
  pc_l2p: (v) => integer(v, 0, 7),
  lldp: yesNo,
  dhcp: yesNo,
  t1: (v) => integer(v, 0, 65535),
};

const isKnown = (tag: string): tag is KnownTag => Object.prototype.hasOwnProperty.call(TAGS, tag);

/**
 * Parses `text` for `tag` and stores it; returns the error instead when it does not parse. Generic in
 * the tag so the parser's result and the field it is written to are the same K.
 */
function setTag<K extends KnownTag>(config: MitelConfig, tag: K, text: string): string | undefined {
  const checked = TAGS[tag](text);
  if (!checked.ok) return checked.error;
  config[tag] = checked.value;
  return undefined;
}

const TAG_NAME = /^[A-Za-z0-9_-]+$/;

export function parseMitelOptionString(s: string): MitelParseResult {
  if (typeof s !== 'string') return { ok: false, code: 'garbage', error: 'not a string' };
  if (s.length > MITEL_STRING_MAX) return { ok: false, code: 'too-long', error: `${s.length} characters (at most ${MITEL_STRING_MAX})` };
  const bad = s.search(/[^\x20-\x7e]/);
  if (bad >= 0) return { ok: false, code: 'bad-character', error: `character 0x${s.charCodeAt(bad).toString(16)} at ${bad}` };

  const body = s.replace(/^ +/, '');
  if (!body.startsWith(MITEL_ID)) return { ok: false, code: 'missing-id', error: `does not start with "${MITEL_ID};"` };
  const afterId = body.slice(MITEL_ID.length).replace(/^ +/, '');
  if (!afterId.startsWith(';')) return { ok: false, code: 'missing-id', error: `"${MITEL_ID}" is not followed by ';'` };

  const config: MitelConfig = { unknown: [] };
  const warnings: string[] = [];
  const seen = new Set<string>();
  for (const raw of afterId.slice(1).split(';')) {
    const segment = raw.trim();
    if (segment === '') continue; // ';;' and a trailing ';' are allowed
    const eq = segment.indexOf('=');
    if (eq <= 0) return { ok: false, code: 'garbage', error: `"${segment}" is not tag=value` };
    if (segment.includes(' ')) return { ok: false, code: 'garbage', error: `space inside "${segment}"` };
    const tag = segment.slice(0, eq);
    const value = segment.slice(eq + 1);
    if (!TAG_NAME.test(tag)) return { ok: false, code: 'garbage', error: `bad tag name "${tag}"` };
    if (seen.has(tag)) warnings.push(`${tag} repeated: the later value wins`);
    seen.add(tag);

    // Left to right: a repeat (or an empty value) first deletes what came before.
    if (isKnown(tag)) delete config[tag];
    else config.unknown = config.unknown.filter((u) => u.tag !== tag);
    if (value === '') {
      warnings.push(`${tag} has no value: not configured`);
      continue;
    }
    if (!isKnown(tag)) {
      config.unknown.push({ tag, value });
      warnings.push(`unknown tag ${tag} ignored`);
      continue;
    }
    const error = setTag(config, tag, value);
    if (error !== undefined) return { ok: false, code: 'bad-value', error: `${tag}: ${error}` };
  }
  return { ok: true, config, warnings };
}

function printEndpoint(e: MitelEndpoint): string {
  return e.port === undefined ? e.ip : `${e.ip}:${e.port}`;
}

/** A config back to its string: known tags in a fixed order, then unknown ones. */
export function printMitelConfig(config: MitelConfig): string {
  const parts: string[] = [];
  const c = config;
  if (c.sw_tftp) parts.push(`sw_tftp=${printEndpoint(c.sw_tftp)}`);
  if (c.call_srv) parts.push(`call_srv=${c.call_srv.map(printEndpoint).join(',')}`);
  if (c.ipa_srv) parts.push(`ipa_srv=${printEndpoint(c.ipa_srv)}`);
  for (const tag of ['vlan', 'l2p', 'dscp'] as const) if (c[tag] !== undefined) parts.push(`${tag}=${c[tag]}`);
  if (c.app_proxy) parts.push(`app_proxy=${c.app_proxy.port === undefined ? c.app_proxy.host : `${c.app_proxy.host}:${c.app_proxy.port}`}`);
  for (const tag of ['pc_vlan', 'pc_l2p'] as const) if (c[tag] !== undefined) parts.push(`${tag}=${c[tag]}`);
  for (const tag of ['lldp', 'dhcp'] as const) if (c[tag] !== undefined) parts.push(`${tag}=${c[tag] ? 'y' : 'n'}`);
  if (c.t1 !== undefined) parts.push(`t1=${c.t1}`);
  for (const u of c.unknown) parts.push(`${u.tag}=${u.value}`);
  return `${MITEL_ID};${parts.join(';')}`;
}
