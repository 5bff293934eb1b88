// ARP (RFC 826) for Ethernet/IPv4 only: the one combination this link carries.
import { struct, u16be, u32be, u8 } from 'buffer-layout';
import { formatIpv4, formatMac, parseIpv4, parseMac } from './addr.ts';
import { asBuffer, fixedBytes } from './bytes.ts';
import { refuse, type Decoded } from './drops.ts';
import { ETHERTYPE_IPV4 } from './ethernet.ts';

export const ARP_REQUEST = 1;
export const ARP_REPLY = 2;
const HTYPE_ETHERNET = 1;

export interface ArpPacket {
  op: typeof ARP_REQUEST | typeof ARP_REPLY;
  senderMac: string;
  senderIp: string;
  targetMac: string;
  targetIp: string;
}

interface ArpWire {
  htype: number;
  ptype: number;
  hlen: number;
  plen: number;
  op: number;
  sha: Buffer;
  spa: number;
  tha: Buffer;
  tpa: number;
}

const layout = struct<ArpWire>([
  u16be('htype'),
  u16be('ptype'),
  u8('hlen'),
  u8('plen'),
  u16be('op'),
  fixedBytes(6, 'sha'),
  u32be('spa'),
  fixedBytes(6, 'tha'),
  u32be('tpa'),
]);

export const ARP_LEN = layout.span; // 28

/** Throws on malformed addresses: the caller's bug. */
export function encodeArp(p: ArpPacket): Buffer {
  const sha = parseMac(p.senderMac);
  const tha = parseMac(p.targetMac);
  const spa = parseIpv4(p.senderIp);
  const tpa = parseIpv4(p.targetIp);
  if (!sha || !tha || spa === undefined || tpa === undefined) throw new TypeError(`bad address in ARP ${JSON.stringify(p)}`);
  const out = Buffer.alloc(ARP_LEN);
  layout.encode({ htype: HTYPE_ETHERNET, ptype: ETHERTYPE_IPV4, hlen: 6, plen: 4, op: p.op, sha, spa, tha, tpa }, out, 0);
  return out;
}

/** Bytes after the 28 (Ethernet padding) are ignored. */
export function decodeArp(bytes: Uint8Array): Decoded<ArpPacket> {
  if (bytes.length < ARP_LEN) return refuse('arp-malformed');
  const w = layout.decode(asBuffer(bytes), 0);
  if (w.htype !== HTYPE_ETHERNET || w.ptype !== ETHERTYPE_IPV4 || w.hlen !== 6 || w.plen !== 4) return refuse('arp-malformed');
  if (w.op !== ARP_REQUEST && w.op !== ARP_REPLY) return refuse('arp-malformed');
  return {
    ok: true,
    value: {
      op: w.op,
      senderMac: formatMac(w.sha),
      senderIp: formatIpv4(w.spa),
      targetMac: formatMac(w.tha),
      targetIp: formatIpv4(w.tpa),
    },
  };
}
