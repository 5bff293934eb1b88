// IPv4 as the link contract narrows it: version 4, IHL 5 (no options), never fragmented, header
// checksum always set and verified. Anything else is refused with its own reason.
import { struct, u16be, u32be, u8 } from 'buffer-layout';
import { formatIpv4, parseIpv4 } from './addr.ts';
import { asBuffer } from './bytes.ts';
import { checksumVerifies, internetChecksum } from './checksum.ts';
import { refuse, type Decoded } from './drops.ts';

export const IPPROTO_UDP = 17;
export const IPV4_HEADER_LEN = 20;
export const DEFAULT_TTL = 64;
const MF = 0x2000;
const OFFSET_MASK = 0x1fff;

export interface Ipv4Packet {
  src: string;
  dst: string;
  protocol: number;
  payload: Uint8Array;
  /** Identification; fragments never happen here, so it is informational. Default 0. */
  id?: number;
  ttl?: number;
  /** DSCP (6 bits) and ECN (2 bits), the old TOS byte. Default 0. */
  tos?: number;
}

interface Ipv4Wire {
  verIhl: number;
  tos: number;
  totalLength: number;
  id: number;
  flagsFrag: number;
  ttl: number;
  protocol: number;
  checksum: number;
  src: number;
  dst: number;
}

const layout = struct<Ipv4Wire>([
  u8('verIhl'),
  u8('tos'),
  u16be('totalLength'),
  u16be('id'),
  u16be('flagsFrag'),
  u8('ttl'),
  u8('protocol'),
  u16be('checksum'),
  u32be('src'),
  u32be('dst'),
]);

export type Ipv4Header = Omit<Ipv4Packet, 'payload'>;

/**
 * Writes a checksummed 20-byte header at `offset` for a payload of `payloadLength` bytes (the stack
 * builds whole frames in one buffer). Throws on a malformed address or an oversize packet.
 */
export function writeIpv4Header(out: Buffer, offset: number, h: Ipv4Header, payloadLength: number): void {
  const src = parseIpv4(h.src);
  const dst = parseIpv4(h.dst);
  if (src === undefined || dst === undefined) throw new TypeError(`bad address in IPv4 ${h.src} > ${h.dst}`);
  const totalLength = IPV4_HEADER_LEN + payloadLength;
  if (totalLength > 0xffff) throw new RangeError(`IPv4 packet of ${totalLength} bytes`);
  layout.encode(
    {
      verIhl: 0x45,
      tos: (h.tos ?? 0) & 0xff,
      totalLength,
      id: (h.id ?? 0) & 0xffff,
      flagsFrag: 0,
      ttl: (h.ttl ?? DEFAULT_TTL) & 0xff,
      protocol: h.protocol & 0xff,
      checksum: 0,
      src,
      dst,
    },
    out,
    offset,
  );
  out.writeUInt16BE(internetChecksum(out, offset, offset + IPV4_HEADER_LEN), offset + 10);
}

/** Throws on a malformed address or a packet over 65535 bytes: the caller's bug. */
export function encodeIpv4(p: Ipv4Packet): Buffer {
  const out = Buffer.allocUnsafe(IPV4_HEADER_LEN + p.payload.length);
  writeIpv4Header(out, 0, p, p.payload.length);
  out.set(p.payload, IPV4_HEADER_LEN);
  return out;
}

/**
 * The payload is a view of exactly `totalLength - 20` bytes, so Ethernet padding after the packet is
 * ignored. The protocol is not checked here: the stack decides what it carries.
 */
export function decodeIpv4(bytes: Uint8Array): Decoded<Ipv4Packet> {
  if (bytes.length < IPV4_HEADER_LEN) return refuse('ip-short');
  const b = asBuffer(bytes);
  const w = layout.decode(b, 0);
  if (w.verIhl >>> 4 !== 4) return refuse('ip-version');
  if ((w.verIhl & 0x0f) !== 5) return refuse('ip-options');
  if (w.totalLength < IPV4_HEADER_LEN || w.totalLength > bytes.length) return refuse('ip-length');
  if (!checksumVerifies(b, 0, IPV4_HEADER_LEN)) return refuse('ip-checksum');
  if ((w.flagsFrag & MF) !== 0 || (w.flagsFrag & OFFSET_MASK) !== 0) return refuse('ip-fragment');
  return {
    ok: true,
    value: {
      src: formatIpv4(w.src),
      dst: formatIpv4(w.dst),
      protocol: w.protocol,
      id: w.id,
      ttl: w.ttl,
      tos: w.tos,
      payload: b.subarray(IPV4_HEADER_LEN, w.totalLength),
    },
  };
}
