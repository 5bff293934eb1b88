// DHCP options (RFC 2132) as code/data pairs: the option-field TLV codec with pad/end, the generic
// sub-option TLV codec (option 43 encapsulation, option 82, the data inside option 125) and the RFC
// 3925 V-I vendor-specific blocks. Decoders never throw: malformed bytes come back as a reason.
import { formatIpv4, parseIpv4 } from '../link/addr.ts';

export const DhcpOptionCode = {
  Pad: 0,
  SubnetMask: 1,
  Router: 3,
  DomainNameServer: 6,
  HostName: 12,
  DomainName: 15,
  VendorSpecific: 43,
  RequestedIp: 50,
  LeaseTime: 51,
  Overload: 52,
  MessageType: 53,
  ServerId: 54,
  ParameterRequestList: 55,
  Message: 56,
  MaxMessageSize: 57,
  RenewalTime: 58,
  RebindingTime: 59,
  VendorClassId: 60,
  ClientId: 61,
  RelayAgentInfo: 82,
  ViVendorSpecific: 125,
  End: 255,
} as const;

export const DhcpMessageType = {
  Discover: 1,
  Offer: 2,
  Request: 3,
  Decline: 4,
  Ack: 5,
  Nak: 6,
  Release: 7,
  Inform: 8,
} as const;
export type DhcpMessageTypeValue = (typeof DhcpMessageType)[keyof typeof DhcpMessageType];

const MESSAGE_TYPE_NAMES: Record<number, string> = {
  1: 'DISCOVER', 2: 'OFFER', 3: 'REQUEST', 4: 'DECLINE', 5: 'ACK', 6: 'NAK', 7: 'RELEASE', 8: 'INFORM',
};

/** 'DISCOVER', 'ACK', ... for traces; 'TYPE n' for a type RFC 2132 does not define. */
export function messageTypeName(type: number | undefined): string {
  return type === undefined ? 'BOOTP' : (MESSAGE_TYPE_NAMES[type] ?? `TYPE ${type}`);
}

/** One option as it sits in the options field: a code and its raw data (without code and length). */
export interface DhcpOption {
  code: number;
  data: Uint8Array;
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * Reads an options field: TLVs, pad (0) skipped, end (255) stops. A missing end is tolerated (many
 * stacks omit it when the field is full); a length running past the field is an error.
 */
export function decodeOptionField(bytes: Uint8Array, where = 'options'): Decoded<DhcpOption[]> {
  const options: DhcpOption[] = [];
  let i = 0;
  while (i < bytes.length) {
    const code = bytes[i];
    if (code === DhcpOptionCode.Pad) {
      i += 1;
      continue;
    }
    if (code === DhcpOptionCode.End) return { ok: true, value: options };
    if (i + 1 >= bytes.length) return { ok: false, reason: `${where}: option ${code} has no length byte` };
    const len = bytes[i + 1];
    if (i + 2 + len > bytes.length) {
      return { ok: false, reason: `${where}: option ${code} length ${len} runs past the end` };
    }
    options.push({ code, data: Uint8Array.from(bytes.subarray(i + 2, i + 2 + len)) });
    i += 2 + len;
  }
  return { ok: true, value: options };
}

/**
 * Writes options then end. Data longer than 255 bytes is split into consecutive instances of the
 * same code (RFC 3396), which decoders join back together.
 */
export function encodeOptionField(options: readonly DhcpOption[]): Uint8Array {
  // sized first, then written in place: a DHCP exchange encodes a few of these per phone per boot
  let size = 1;
  for (const { data } of options) size += data.length === 0 ? 2 : data.length + 2 * Math.ceil(data.length / 255);
  const out = new Uint8Array(size);
  let i = 0;
  for (const { code, data } of options) {
    if (data.length === 0) {
      out[i++] = code;
      out[i++] = 0;
      continue;
    }
    for (let at = 0; at < data.length; at += 255) {
      const chunk = data.subarray(at, Math.min(at + 255, data.length));
      out[i++] = code;
      out[i++] = chunk.length;
      out.set(chunk, i);
      i += chunk.length;
    }
  }
  out[i] = DhcpOptionCode.End;
  return out;
}

/** The data of `code`, with split instances concatenated (RFC 3396); undefined when absent. */
export function findOption(options: readonly DhcpOption[], code: number): Uint8Array | undefined {
  const found = options.filter((o) => o.code === code);
  if (found.length === 0) return undefined;
  if (found.length === 1) return found[0].data;
  const out = new Uint8Array(found.reduce((n, o) => n + o.data.length, 0));
  let at = 0;
  for (const o of found) {
    out.set(o.data, at);
    at += o.data.length;
  }
  return out;
}

// ---- sub-options: code/length/value with no pad or end (RFC 2132 8.4, RFC 3046, RFC 3925) ----

export function decodeSubOptions(bytes: Uint8Array): Decoded<DhcpOption[]> {
  const subs: DhcpOption[] = [];
  let i = 0;
  while (i < bytes.length) {
    if (i + 1 >= bytes.length) return { ok: false, reason: `sub-option ${bytes[i]} has no length byte` };
    const code = bytes[i];
    const len = bytes[i + 1];
    if (i + 2 + len > bytes.length) return { ok: false, reason: `sub-option ${code} runs past the end` };
    subs.push({ code, data: Uint8Array.from(bytes.subarray(i + 2, i + 2 + len)) });
    i += 2 + len;
  }
  return { ok: true, value: subs };
}

/** Sub-options back to bytes; each must fit in 255 bytes (a sub-option cannot be split). */
export function encodeSubOptions(subs: readonly DhcpOption[]): Uint8Array {
  const parts: number[] = [];
  for (const { code, data } of subs) {
    if (data.length > 255) throw new RangeError(`sub-option ${code} is ${data.length} bytes (max 255)`);
    parts.push(code, data.length, ...data);
  }
  return Uint8Array.from(parts);
}

// ---- option 125, V-I vendor-specific information (RFC 3925 section 4) ----

/** One enterprise's part of option 125: its IANA number and its (sub-option encoded) data. */
export interface ViVendorBlock {
  enterprise: number;
  data: Uint8Array;
}

/** enterprise-number(4) data-len(1) data, repeated: several enterprises may share one option. */
export function decodeViVendorBlocks(bytes: Uint8Array): Decoded<ViVendorBlock[]> {
  const blocks: ViVendorBlock[] = [];
  let i = 0;
  while (i < bytes.length) {
    if (i + 5 > bytes.length) return { ok: false, reason: 'option 125: truncated enterprise header' };
    const enterprise = ((bytes[i] << 24) | (bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3]) >>> 0;
    const len = bytes[i + 4];
    if (i + 5 + len > bytes.length) return { ok: false, reason: `option 125: enterprise ${enterprise} data runs past the end` };
    blocks.push({ enterprise, data: Uint8Array.from(bytes.subarray(i + 5, i + 5 + len)) });
    i += 5 + len;
  }
  return { ok: true, value: blocks };
}

export function encodeViVendorBlocks(blocks: readonly ViVendorBlock[]): Uint8Array {
  const parts: number[] = [];
  for (const { enterprise, data } of blocks) {
    if (data.length > 255) throw new RangeError(`option 125: enterprise ${enterprise} data is ${data.length} bytes (max 255)`);
    parts.push((enterprise >>> 24) & 0xff, (enterprise >>> 16) & 0xff, (enterprise >>> 8) & 0xff, enterprise & 0xff);
    parts.push(data.length, ...data);
  }
  return Uint8Array.from(parts);
}

// ---- builders: the options a phone and its server put in messages ----

function ipBytes(ip: string): number[] {
  const value = parseIpv4(ip);
  if (value === undefined) throw new RangeError(`not an IPv4 address: ${JSON.stringify(ip)}`);
  return [(value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
}

function u32Bytes(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

/** Option builders. They throw only on programming errors (a malformed address literal). */
export const opt = {
  messageType: (type: DhcpMessageTypeValue): DhcpOption => ({ code: DhcpOptionCode.MessageType, data: Uint8Array.of(type) }),
  ip: (code: number, ip: string): DhcpOption => ({ code, data: Uint8Array.from(ipBytes(ip)) }),
  ips: (code: number, ips: readonly string[]): DhcpOption => ({ code, data: Uint8Array.from(ips.flatMap(ipBytes)) }),
  u32: (code: number, n: number): DhcpOption => ({ code, data: Uint8Array.from(u32Bytes(n)) }),
  u16: (code: number, n: number): DhcpOption => ({ code, data: Uint8Array.of((n >>> 8) & 0xff, n & 0xff) }),
  text: (code: number, s: string): DhcpOption => ({ code, data: Uint8Array.from(Buffer.from(s, 'latin1')) }),
  bytes: (code: number, data: Uint8Array): DhcpOption => ({ code, data: Uint8Array.from(data) }),
  parameterRequestList: (codes: readonly number[]): DhcpOption => ({ code: DhcpOptionCode.ParameterRequestList, data: Uint8Array.from(codes) }),
  subOptions: (code: number, subs: readonly DhcpOption[]): DhcpOption => ({ code, data: encodeSubOptions(subs) }),
  viVendor: (blocks: readonly ViVendorBlock[]): DhcpOption => ({ code: DhcpOptionCode.ViVendorSpecific, data: encodeViVendorBlocks(blocks) }),
};

// ---- typed readers over raw option data: undefined when absent or the wrong length ----

export function readIp(data: Uint8Array | undefined): string | undefined {
  if (!data || data.length !== 4) return undefined;
  return formatIpv4(((data[0] << 24) | (data[1] << 16) | (data[2] << 8) | data[3]) >>> 0);
}

export function readIpList(data: Uint8Array | undefined): string[] | undefined {
  if (!data || data.length === 0 || data.length % 4 !== 0) return undefined;
  const out: string[] = [];
  for (let i = 0; i < data.length; i += 4) out.push(readIp(data.subarray(i, i + 4))!);
  return out;
}

export function readU32(data: Uint8Array | undefined): number | undefined {
  if (!data || data.length !== 4) return undefined;
  return ((data[0] << 24) | (data[1] << 16) | (data[2] << 8) | data[3]) >>> 0;
}

/** NVT ASCII text; trailing NULs are dropped (RFC 2132 section 2 says receivers must cope with them). */
export function readText(data: Uint8Array | undefined): string | undefined {
  if (!data) return undefined;
  let end = data.length;
  while (end > 0 && data[end - 1] === 0) end--;
  return Buffer.from(data.buffer, data.byteOffset, end).toString('latin1');
}
