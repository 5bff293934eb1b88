// Ethernet II frames with an optional 802.1Q tag. The FCS is not here (see frame.ts): this is the
// frame as pcap's LINKTYPE_ETHERNET and the tap see it. No minimum-size padding is added on send (the
// serial line is slow and Wireshark does not mind); padding on receive is carried in `payload` and
// the IPv4/ARP decoders ignore it.
import { struct, u16be } from 'buffer-layout';
import { formatMac, parseMac } from './addr.ts';
import { asBuffer, fixedBytes } from './bytes.ts';
import { refuse, type Decoded } from './drops.ts';

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const TPID_8021Q = 0x8100;
export const ETH_HEADER_LEN = 14;
export const VLAN_TAG_LEN = 4;

/** The 802.1Q tag fields the phone uses: VID 0-4095 and priority (PCP) 0-7. */
export interface VlanTag {
  id: number;
  pcp: number;
}

export interface EthernetFrame {
  dst: string;
  src: string;
  vlan?: VlanTag;
  etherType: number;
  payload: Uint8Array;
}

const header = struct<{ dst: Buffer; src: Buffer; type: number }>([
  fixedBytes(6, 'dst'),
  fixedBytes(6, 'src'),
  u16be('type'),
]);
/** What follows the TPID: TCI (PCP 3 bits, DEI 1 bit, VID 12 bits) and the real EtherType. */
const tag = struct<{ tci: number; type: number }>([u16be('tci'), u16be('type')]);

export function isValidVlan(v: VlanTag): boolean {
  return Number.isInteger(v.id) && v.id >= 0 && v.id <= 4095 && Number.isInteger(v.pcp) && v.pcp >= 0 && v.pcp <= 7;
}

export type EthernetHeader = Omit<EthernetFrame, 'payload'>;

export function ethernetHeaderLength(vlan: VlanTag | undefined): number {
  return vlan ? ETH_HEADER_LEN + VLAN_TAG_LEN : ETH_HEADER_LEN;
}

/**
 * Writes the header (with the tag, if any) at the start of `out`; returns its length. The stack uses
 * it to build a whole frame in one buffer. Throws on a malformed MAC or tag: the caller's bug.
 */
export function writeEthernetHeader(out: Buffer, h: EthernetHeader): number {
  const dst = parseMac(h.dst);
  const src = parseMac(h.src);
  if (!dst || !src) throw new TypeError(`bad MAC in frame ${h.src} > ${h.dst}`);
  if (!h.vlan) {
    header.encode({ dst, src, type: h.etherType }, out, 0);
    return ETH_HEADER_LEN;
  }
  if (!isValidVlan(h.vlan)) throw new RangeError(`bad VLAN tag ${JSON.stringify(h.vlan)}`);
  header.encode({ dst, src, type: TPID_8021Q }, out, 0);
  tag.encode({ tci: (h.vlan.pcp << 13) | h.vlan.id, type: h.etherType }, out, ETH_HEADER_LEN);
  return ETH_HEADER_LEN + VLAN_TAG_LEN;
}

/** Throws on a malformed MAC or tag. */
export function encodeEthernet(f: EthernetFrame): Buffer {
  const out = Buffer.allocUnsafe(ethernetHeaderLength(f.vlan) + f.payload.length);
  out.set(f.payload, writeEthernetHeader(out, f));
  return out;
}

/** The payload is a view into `bytes`, not a copy. */
export function decodeEthernet(bytes: Uint8Array): Decoded<EthernetFrame> {
  if (bytes.length < ETH_HEADER_LEN) return refuse('short-frame');
  const b = asBuffer(bytes);
  const h = header.decode(b, 0);
  const frame: EthernetFrame = {
    dst: formatMac(h.dst),
    src: formatMac(h.src),
    etherType: h.type,
    payload: b.subarray(ETH_HEADER_LEN),
  };
  if (h.type === TPID_8021Q) {
    if (bytes.length < ETH_HEADER_LEN + VLAN_TAG_LEN) return refuse('short-frame');
    const t = tag.decode(b, ETH_HEADER_LEN);
    frame.vlan = { id: t.tci & 0xfff, pcp: t.tci >>> 13 };
    frame.etherType = t.type;
    frame.payload = b.subarray(ETH_HEADER_LEN + VLAN_TAG_LEN);
  }
  return { ok: true, value: frame };
}
