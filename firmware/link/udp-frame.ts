// A UDP datagram as one Ethernet frame, both ways. Sending writes Ethernet (and tag), IPv4, UDP,
// payload and FCS into a single buffer, because every datagram sent takes this path and a copy per
// layer would show; receiving peels IPv4 and UDP off a decoded Ethernet frame.
import type { Datagram } from './datagram.ts';
import { refuse, type Decoded } from './drops.ts';
import { ETH_HEADER_LEN, ethernetHeaderLength, ETHERTYPE_IPV4, writeEthernetHeader, type EthernetFrame, type VlanTag } from './ethernet.ts';
import { FCS_LEN, writeFcs } from './frame.ts';
import { decodeIpv4, IPPROTO_UDP, IPV4_HEADER_LEN, writeIpv4Header } from './ipv4.ts';
import { decodeUdp, UDP_HEADER_LEN, writeUdp } from './udp.ts';

/** A datagram on its way down, waiting for (or given) a destination MAC. */
export interface Outgoing {
  srcIp: string;
  dstIp: string;
  srcPort: number;
  dstPort: number;
  payload: Uint8Array;
  /** IPv4 identification, taken when sent so queued datagrams keep their order. */
  id: number;
  /** SendUdp.vlan: undefined = the stack decides, null = untagged. */
  vlan: VlanTag | null | undefined;
}

/** Headers of an untagged frame: a payload that does not fit with these never fits at all. */
export const UDP_OVERHEAD = ETH_HEADER_LEN + IPV4_HEADER_LEN + UDP_HEADER_LEN;

/** The frame's length without FCS, so the caller can refuse it before anything is allocated. */
export function udpFrameLength(vlan: VlanTag | undefined, payloadLength: number): number {
  return ethernetHeaderLength(vlan) + IPV4_HEADER_LEN + UDP_HEADER_LEN + payloadLength;
}

/**
 * The frame followed by its FCS; `frameLength` is udpFrameLength's answer for the same datagram.
 * `fcs: false` (a frame link): the frame alone, in an array of its own, since the receiver keeps it
 * (a view into Node's shared pool would pin a whole pool slab for as long as any datagram is kept).
 */
export function buildUdpFrame(out: Outgoing, src: string, dst: string, vlan: VlanTag | undefined, frameLength: number, fcs = true): Buffer {
  const eth = ethernetHeaderLength(vlan);
  const buf = fcs ? Buffer.allocUnsafe(frameLength + FCS_LEN) : Buffer.allocUnsafeSlow(frameLength);
  writeEthernetHeader(buf, { dst, src, vlan, etherType: ETHERTYPE_IPV4 });
  const udpLength = writeUdp(buf, eth + IPV4_HEADER_LEN, out.srcIp, out.dstIp, out);
  writeIpv4Header(buf, eth, { src: out.srcIp, dst: out.dstIp, protocol: IPPROTO_UDP, id: out.id }, udpLength);
  if (fcs) writeFcs(buf, frameLength);
  return buf;
}

/** The datagram an IPv4 frame carries, or why it carries none. Whether it is ours is the stack's call. */
export function decodeUdpFrame(f: EthernetFrame): Decoded<Datagram> {
  const ip = decodeIpv4(f.payload);
  if (!ip.ok) return refuse(ip.reason);
  const { src, dst, protocol, payload } = ip.value;
  if (protocol !== IPPROTO_UDP) return refuse('ip-protocol');
  const udp = decodeUdp(src, dst, payload);
  if (!udp.ok) return refuse(udp.reason);
  const u = udp.value.payload;
  const d: Datagram = {
    srcIp: src,
    srcPort: udp.value.srcPort,
    dstIp: dst,
    dstPort: udp.value.dstPort,
    // a plain Uint8Array view: the frame is a fresh copy per frame, so the handler may keep it
    payload: new Uint8Array(u.buffer, u.byteOffset, u.byteLength),
    srcMac: f.src,
  };
  if (f.vlan) d.vlan = f.vlan;
  return { ok: true, value: d };
}
