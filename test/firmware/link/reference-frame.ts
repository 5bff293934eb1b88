// What the wire must carry for one UDP datagram, built from the RFCs with nothing from firmware/link:
// Ethernet II (RFC 894), IPv4 (RFC 791: IHL 5, no flags, TTL 64, as the link contract fixes), UDP
// (RFC 768, checksum always set), FCS (IEEE 802.3 CRC-32 from node:zlib, least significant byte
// first) and SLIP (RFC 1055, with the contract's leading END). The acceptance tests compare the
// stack's bytes and the line's timing against this, so a bug shared by the stack's own helpers
// cannot hide.
import { crc32 } from 'node:zlib';

const END = 0xc0;
const ESC = 0xdb;

export interface ReferenceUdp {
  srcMac: string;
  dstMac: string;
  srcIp: string;
  dstIp: string;
  srcPort: number;
  dstPort: number;
  /** IPv4 identification. */
  id: number;
  payload: Uint8Array;
}

function macBytes(mac: string): number[] {
  return mac.split(':').map((h) => parseInt(h, 16));
}

function ipBytes(ip: string): number[] {
  return ip.split('.').map(Number);
}

/** RFC 1071: one's complement of the one's complement sum of 16-bit big-endian words. */
function onesComplement(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i] << 8) | (bytes[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function be16(n: number): number[] {
  return [(n >>> 8) & 0xff, n & 0xff];
}

/** The Ethernet frame with its FCS, before SLIP. */
export function referenceFrame(d: ReferenceUdp): Uint8Array {
  const udpLength = 8 + d.payload.length;
  const pseudo = Uint8Array.from([...ipBytes(d.srcIp), ...ipBytes(d.dstIp), 0, 17, ...be16(udpLength)]);
  const udp = new Uint8Array(udpLength);
  udp.set([...be16(d.srcPort), ...be16(d.dstPort), ...be16(udpLength), 0, 0]);
  udp.set(d.payload, 8);
  const udpSum = onesComplement(Buffer.concat([pseudo, udp]));
  udp.set(be16(udpSum === 0 ? 0xffff : udpSum), 6);
  const ip = Uint8Array.from([0x45, 0, ...be16(20 + udpLength), ...be16(d.id), 0, 0, 64, 17, 0, 0, ...ipBytes(d.srcIp), ...ipBytes(d.dstIp)]);
  ip.set(be16(onesComplement(ip)), 10);
  const eth = Uint8Array.from([...macBytes(d.dstMac), ...macBytes(d.srcMac), 0x08, 0x00]);
  const frame = Buffer.concat([eth, ip, udp]);
  const fcs = crc32(frame);
  return Buffer.concat([frame, Uint8Array.of(fcs & 0xff, (fcs >>> 8) & 0xff, (fcs >>> 16) & 0xff, fcs >>> 24)]);
}

/** END, the frame with END and ESC stuffed, END. */
export function referenceSlip(frame: Uint8Array): Uint8Array {
  const out: number[] = [END];
  for (const b of frame) {
    if (b === END) out.push(ESC, 0xdc);
    else if (b === ESC) out.push(ESC, 0xdd);
    else out.push(b);
  }
  out.push(END);
  return Uint8Array.from(out);
}
