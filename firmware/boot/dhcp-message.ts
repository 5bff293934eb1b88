// A DHCP message (RFC 2131 section 2): the fixed 236-byte BOOTP part through buffer-layout, the magic
// cookie, then the options field. Addresses are dotted quads at the API, like the rest of the stack.
// decodeDhcpMessage never throws: garbage comes back as { ok: false, reason }.
import { struct, u16be, u32be, u8 } from 'buffer-layout';
import { asBuffer, fixedBytes } from '../link/bytes.ts';
import { formatMac, parseIpv4 } from '../link/addr.ts';
import {
  DhcpOptionCode,
  decodeOptionField,
  decodeSubOptions,
  decodeViVendorBlocks,
  encodeOptionField,
  findOption,
  readIp,
  readIpList,
  readText,
  readU32,
} from './dhcp-options.ts';
import type { DhcpMessageTypeValue, DhcpOption, ViVendorBlock } from './dhcp-options.ts';

export const BOOTREQUEST = 1;
export const BOOTREPLY = 2;
export const HTYPE_ETHERNET = 1;
/** The flags bit asking the server (or relay) to broadcast its reply (RFC 2131 figure 2). */
export const FLAG_BROADCAST = 0x8000;
export const MAGIC_COOKIE = 0x63825363; // 99.130.83.99
export const DHCP_SERVER_PORT = 67;
export const DHCP_CLIENT_PORT = 68;
/** RFC 1542 2.1: a BOOTP message is at least 300 bytes; older relays drop shorter ones. */
export const MIN_MESSAGE_SIZE = 300;

export interface DhcpMessage {
  op: number;
  htype: number;
  hlen: number;
  hops: number;
  xid: number;
  secs: number;
  flags: number;
  ciaddr: string;
  yiaddr: string;
  siaddr: string;
  giaddr: string;
  /** All 16 bytes; the hardware address is the first `hlen` of them (see `clientMac`). */
  chaddr: Uint8Array;
  sname: string;
  file: string;
  options: DhcpOption[];
}

interface RawHeader {
  op: number;
  htype: number;
  hlen: number;
  hops: number;
  xid: number;
  secs: number;
  flags: number;
  ciaddr: Buffer;
  yiaddr: Buffer;
  siaddr: Buffer;
  giaddr: Buffer;
  chaddr: Buffer;
  sname: Buffer;
  file: Buffer;
  cookie: number;
}

const header = struct<RawHeader>([
  u8('op'),
  u8('htype'),
  u8('hlen'),
  u8('hops'),
  u32be('xid'),
  u16be('secs'),
  u16be('flags'),
  fixedBytes(4, 'ciaddr'),
  fixedBytes(4, 'yiaddr'),
  fixedBytes(4, 'siaddr'),
  fixedBytes(4, 'giaddr'),
  fixedBytes(16, 'chaddr'),
  fixedBytes(64, 'sname'),
  fixedBytes(128, 'file'),
  u32be('cookie'),
]);
/** The fixed part plus the cookie: 236 + 4. */
export const HEADER_SIZE = header.span;

const ipFromBytes = (b: Uint8Array): string => readIp(b)!;

function ipToBuffer(ip: string, field: string): Buffer {
  const value = parseIpv4(ip);
  if (value === undefined) throw new RangeError(`DHCP ${field}: not an IPv4 address: ${JSON.stringify(ip)}`);
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value >>> 0);
  return b;
}

/** A NUL-terminated ASCII field (sname, file). */
function cString(b: Uint8Array): string {
  const end = b.indexOf(0);
  return Buffer.from(b.buffer, b.byteOffset, end < 0 ? b.length : end).toString('latin1');
}

function fixedField(text: string, size: number, field: string): Buffer {
  const bytes = Buffer.from(text, 'latin1');
  if (bytes.length >= size) throw new RangeError(`DHCP ${field}: ${bytes.length} bytes does not fit in ${size}`);
  const out = Buffer.alloc(size);
  bytes.copy(out);
  return out;
}

export type DhcpDecodeResult = { ok: true; msg: DhcpMessage } | { ok: false; reason: string };

export function decodeDhcpMessage(bytes: Uint8Array): DhcpDecodeResult {
  if (bytes.length < HEADER_SIZE) return { ok: false, reason: `short message: ${bytes.length} bytes (need ${HEADER_SIZE})` };
  const h = header.decode(asBuffer(bytes));
  if (h.op !== BOOTREQUEST && h.op !== BOOTREPLY) return { ok: false, reason: `bad op ${h.op}` };
  if (h.hlen > 16) return { ok: false, reason: `bad hlen ${h.hlen}` };
  if (h.cookie !== MAGIC_COOKIE) return { ok: false, reason: `bad magic cookie 0x${h.cookie.toString(16)}` };
  const field = decodeOptionField(bytes.subarray(HEADER_SIZE));
  if (!field.ok) return field;
  const options = field.value;
  let sname = cString(h.sname);
  let file = cString(h.file);
  // Option overload (RFC 2132 9.3): the server ran out of room and continued in file, then sname.
  const overload = findOption(options, DhcpOptionCode.Overload);
  if (overload) {
    if (overload.length !== 1 || overload[0] < 1 || overload[0] > 3) return { ok: false, reason: 'bad option 52 (overload)' };
    if (overload[0] & 1) {
      const more = decodeOptionField(h.file, 'file field');
      if (!more.ok) return more;
      options.push(...more.value);
      file = '';
    }
    if (overload[0] & 2) {
      const more = decodeOptionField(h.sname, 'sname field');
      if (!more.ok) return more;
      options.push(...more.value);
      sname = '';
    }
  }
  return {
    ok: true,
    msg: {
      op: h.op,
      htype: h.htype,
      hlen: h.hlen,
      hops: h.hops,
      xid: h.xid,
      secs: h.secs,
      flags: h.flags,
      ciaddr: ipFromBytes(h.ciaddr),
      yiaddr: ipFromBytes(h.yiaddr),
      siaddr: ipFromBytes(h.siaddr),
      giaddr: ipFromBytes(h.giaddr),
      chaddr: Uint8Array.from(h.chaddr),
      sname,
      file,
      options,
    },
  };
}

/** Encodes a message; pads to the 300-byte BOOTP minimum. Throws only on malformed fields. */
export function encodeDhcpMessage(msg: DhcpMessage): Uint8Array {
  if (msg.chaddr.length > 16) throw new RangeError(`DHCP chaddr: ${msg.chaddr.length} bytes (max 16)`);
  const chaddr = Buffer.alloc(16);
  chaddr.set(msg.chaddr);
  const opts = encodeOptionField(msg.options);
  const out = Buffer.alloc(Math.max(MIN_MESSAGE_SIZE, HEADER_SIZE + opts.length));
  header.encode(
    {
      op: msg.op,
      htype: msg.htype,
      hlen: msg.hlen,
      hops: msg.hops,
      xid: msg.xid >>> 0,
      secs: msg.secs,
      flags: msg.flags,
      ciaddr: ipToBuffer(msg.ciaddr, 'ciaddr'),
      yiaddr: ipToBuffer(msg.yiaddr, 'yiaddr'),
      siaddr: ipToBuffer(msg.siaddr, 'siaddr'),
      giaddr: ipToBuffer(msg.giaddr, 'giaddr'),
      chaddr,
      sname: fixedField(msg.sname, 64, 'sname'),
      file: fixedField(msg.file, 128, 'file'),
      cookie: MAGIC_COOKIE,
    },
    out,
  );
  out.set(opts, HEADER_SIZE);
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/** A message with every field zero/empty, for builders to fill in. */
export function emptyDhcpMessage(op: number, xid: number, mac: Uint8Array): DhcpMessage {
  const chaddr = new Uint8Array(16);
  chaddr.set(mac.subarray(0, 16));
  return {
    op,
    htype: HTYPE_ETHERNET,
    hlen: Math.min(mac.length, 16),
    hops: 0,
    xid: xid >>> 0,
    secs: 0,
    flags: 0,
    ciaddr: '0.0.0.0',
    yiaddr: '0.0.0.0',
    siaddr: '0.0.0.0',
    giaddr: '0.0.0.0',
    chaddr,
    sname: '',
    file: '',
    options: [],
  };
}

/** The client's hardware address, 'aa:bb:cc:dd:ee:ff' for Ethernet, hex otherwise. */
export function clientMac(msg: DhcpMessage): string {
  if (msg.hlen === 6) return formatMac(msg.chaddr);
  return Buffer.from(msg.chaddr.subarray(0, msg.hlen)).toString('hex');
}

export function isZeroIp(ip: string): boolean {
  return ip === '0.0.0.0';
}

// ---- typed accessors for the options a phone uses; undefined when absent or malformed ----

const get = (msg: DhcpMessage, code: number) => findOption(msg.options, code);

export function getMessageType(msg: DhcpMessage): DhcpMessageTypeValue | undefined {
  const d = get(msg, DhcpOptionCode.MessageType);
  return d && d.length === 1 && d[0] >= 1 && d[0] <= 8 ? (d[0] as DhcpMessageTypeValue) : undefined;
}
export const getSubnetMask = (msg: DhcpMessage) => readIp(get(msg, DhcpOptionCode.SubnetMask));
export const getRouters = (msg: DhcpMessage) => readIpList(get(msg, DhcpOptionCode.Router));
export const getDnsServers = (msg: DhcpMessage) => readIpList(get(msg, DhcpOptionCode.DomainNameServer));
export const getRequestedIp = (msg: DhcpMessage) => readIp(get(msg, DhcpOptionCode.RequestedIp));
export const getServerId = (msg: DhcpMessage) => readIp(get(msg, DhcpOptionCode.ServerId));
/** Option 51 in seconds; 0xffffffff means infinite. */
export const getLeaseTime = (msg: DhcpMessage) => readU32(get(msg, DhcpOptionCode.LeaseTime));
/** Option 58, T1, in seconds. */
export const getRenewalTime = (msg: DhcpMessage) => readU32(get(msg, DhcpOptionCode.RenewalTime));
/** Option 59, T2, in seconds. */
export const getRebindingTime = (msg: DhcpMessage) => readU32(get(msg, DhcpOptionCode.RebindingTime));
export const getVendorClassId = (msg: DhcpMessage) => readText(get(msg, DhcpOptionCode.VendorClassId));
export const getMessageText = (msg: DhcpMessage) => readText(get(msg, DhcpOptionCode.Message));

export function getParameterRequestList(msg: DhcpMessage): number[] | undefined {
  const d = get(msg, DhcpOptionCode.ParameterRequestList);
  return d ? [...d] : undefined;
}

/** Option 61: a type byte (1 = Ethernet) and the identifier. */
export function getClientId(msg: DhcpMessage): { type: number; id: Uint8Array } | undefined {
  const d = get(msg, DhcpOptionCode.ClientId);
  return d && d.length >= 2 ? { type: d[0], id: d.slice(1) } : undefined;
}

/** Option 43 as raw bytes: its meaning depends on the vendor (see dhcp-mitel-carrier.ts). */
export const getVendorSpecific = (msg: DhcpMessage) => get(msg, DhcpOptionCode.VendorSpecific);

/** Option 125, split into enterprise blocks; undefined when absent or malformed. */
export function getViVendorSpecific(msg: DhcpMessage): ViVendorBlock[] | undefined {
  const d = get(msg, DhcpOptionCode.ViVendorSpecific);
  if (!d) return undefined;
  const blocks = decodeViVendorBlocks(d);
  return blocks.ok ? blocks.value : undefined;
}

/** Option 82's sub-options (1 circuit id, 2 remote id, ...); undefined when absent or malformed. */
export function getRelayAgentInfo(msg: DhcpMessage): DhcpOption[] | undefined {
  const d = get(msg, DhcpOptionCode.RelayAgentInfo);
  if (!d) return undefined;
  const subs = decodeSubOptions(d);
  return subs.ok ? subs.value : undefined;
}

/** A copy of `msg` with every instance of `code` removed and `replacement` (if any) appended. */
export function withOption(msg: DhcpMessage, code: number, replacement?: DhcpOption): DhcpMessage {
  const options = msg.options.filter((o) => o.code !== code);
  if (replacement) options.push(replacement);
  return { ...msg, options };
}
