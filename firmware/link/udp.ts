// UDP (RFC 768) with the pseudo-header checksum ALWAYS set and verified: a computed 0 goes out as
// 0xffff (RFC 768's rule), and a received 0 ("no checksum") is refused, as the link contract says.
import { struct, u16be } from 'buffer-layout';
import { parseIpv4 } from './addr.ts';
import { asBuffer } from './bytes.ts';
import { checksumVerifies, internetChecksum } from './checksum.ts';
import { refuse, type Decoded } from './drops.ts';
import { IPPROTO_UDP } from './ipv4.ts';

export const UDP_HEADER_LEN = 8;

export interface UdpDatagram {
  srcPort: number;
  dstPort: number;
  payload: Uint8Array;
}

const layout = struct<{ srcPort: number; dstPort: number; length: number; checksum: number }>([
  u16be('srcPort'),
  u16be('dstPort'),
  u16be('length'),
  u16be('checksum'),
]);

/** The pseudo-header (source, destination, zero, protocol, UDP length) as an unfolded sum. */
function pseudoHeaderSum(src: number, dst: number, udpLength: number): number {
  return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + IPPROTO_UDP + udpLength;
}

function ipOrThrow(text: string): number {
  const ip = parseIpv4(text);
  if (ip === undefined) throw new TypeError(`bad IPv4 address '${text}'`);
  return ip;
}

export function isValidPort(port: number): boolean {
  return Number.isInteger(port) && port >= 0 && port <= 0xffff;
}

/**
 * Writes header + payload at `offset`, checksummed over the pseudo-header of `srcIp` > `dstIp`;
 * returns the UDP length. Throws on bad arguments (ports, addresses, size).
 */
export function writeUdp(out: Buffer, offset: number, srcIp: string, dstIp: string, d: UdpDatagram): number {
  if (!isValidPort(d.srcPort) || !isValidPort(d.dstPort)) throw new RangeError(`bad UDP port ${d.srcPort} > ${d.dstPort}`);
  const length = UDP_HEADER_LEN + d.payload.length;
  if (length > 0xffff) throw new RangeError(`UDP datagram of ${length} bytes`);
  const pseudo = pseudoHeaderSum(ipOrThrow(srcIp), ipOrThrow(dstIp), length);
  layout.encode({ srcPort: d.srcPort, dstPort: d.dstPort, length, checksum: 0 }, out, offset);
  out.set(d.payload, offset + UDP_HEADER_LEN);
  const sum = internetChecksum(out, offset, offset + length, pseudo);
  out.writeUInt16BE(sum === 0 ? 0xffff : sum, offset + 6);
  return length;
}

/** Header + payload in a new buffer. Throws on bad arguments. */
export function encodeUdp(srcIp: string, dstIp: string, d: UdpDatagram): Buffer {
  const out = Buffer.allocUnsafe(UDP_HEADER_LEN + d.payload.length);
  writeUdp(out, 0, srcIp, dstIp, d);
  return out;
}

/**
 * `bytes` is the IP payload. The UDP length must fit in it; bytes beyond it are ignored (as RFC 768
 * allows). The payload is a view into `bytes`.
 */
export function decodeUdp(srcIp: string, dstIp: string, bytes: Uint8Array): Decoded<UdpDatagram> {
  if (bytes.length < UDP_HEADER_LEN) return refuse('udp-length');
  const b = asBuffer(bytes);
  const h = layout.decode(b, 0);
  if (h.length < UDP_HEADER_LEN || h.length > bytes.length) return refuse('udp-length');
  if (h.checksum === 0) return refuse('udp-no-checksum');
  const src = parseIpv4(srcIp);
  const dst = parseIpv4(dstIp);
  if (src === undefined || dst === undefined) return refuse('udp-checksum');
  if (!checksumVerifies(b, 0, h.length, pseudoHeaderSum(src, dst, h.length))) return refuse('udp-checksum');
  return { ok: true, value: { srcPort: h.srcPort, dstPort: h.dstPort, payload: b.subarray(UDP_HEADER_LEN, h.length) } };
}
