// One-line, tcpdump-like summaries of frames for the trace's `frame` records. Higher layers name
// their own datagrams through a DescribeUdp hook; without one a datagram is plain 'udp'.
import { ARP_REQUEST, decodeArp, type ArpPacket } from './arp.ts';
import type { Datagram, DescribeUdp } from './datagram.ts';
import { decodeEthernet, ETHERTYPE_ARP, ETHERTYPE_IPV4, type VlanTag } from './ethernet.ts';
import { decodeIpv4, IPPROTO_UDP } from './ipv4.ts';
import { decodeUdp } from './udp.ts';

export interface FrameSummary {
  proto: string;
  summary: string;
}

export function summarizeArp(p: ArpPacket): FrameSummary {
  return {
    proto: 'arp',
    summary: p.op === ARP_REQUEST ? `who-has ${p.targetIp} tell ${p.senderIp}` : `${p.senderIp} is-at ${p.senderMac}`,
  };
}

/** `len` is the UDP payload length, as tcpdump prints it. */
export function summarizeUdp(d: Datagram, describeUdp?: DescribeUdp): FrameSummary {
  const named = describeUdp?.(d);
  if (named) return named;
  return { proto: 'udp', summary: `${d.srcIp}:${d.srcPort} > ${d.dstIp}:${d.dstPort} len ${d.payload.length}` };
}

/** Tagged frames say so at the end, so untagged summaries stay exactly as above. */
export function withVlan(s: FrameSummary, vlan: VlanTag | undefined): FrameSummary {
  return vlan ? { proto: s.proto, summary: `${s.summary} (vlan ${vlan.id} pcp ${vlan.pcp})` } : s;
}

/** Summarizes any Ethernet frame (without FCS), including ones the stack would drop. Never throws. */
export function summarizeFrame(frame: Uint8Array, describeUdp?: DescribeUdp): FrameSummary {
  const eth = decodeEthernet(frame);
  if (!eth.ok) return { proto: 'eth', summary: `${eth.reason} (${frame.length} bytes)` };
  const f = eth.value;
  let s: FrameSummary;
  if (f.etherType === ETHERTYPE_ARP) {
    const arp = decodeArp(f.payload);
    s = arp.ok ? summarizeArp(arp.value) : { proto: 'arp', summary: arp.reason };
  } else if (f.etherType === ETHERTYPE_IPV4) {
    const ip = decodeIpv4(f.payload);
    if (!ip.ok) s = { proto: 'ipv4', summary: ip.reason };
    else if (ip.value.protocol !== IPPROTO_UDP) {
      s = { proto: 'ipv4', summary: `${ip.value.src} > ${ip.value.dst} proto ${ip.value.protocol} len ${ip.value.payload.length}` };
    } else {
      const udp = decodeUdp(ip.value.src, ip.value.dst, ip.value.payload);
      s = udp.ok
        ? summarizeUdp({ srcIp: ip.value.src, dstIp: ip.value.dst, srcMac: f.src, vlan: f.vlan, ...udp.value }, describeUdp)
        : { proto: 'udp', summary: `${ip.value.src} > ${ip.value.dst} ${udp.reason}` };
    }
  } else {
    s = { proto: 'eth', summary: `${f.src} > ${f.dst} type 0x${f.etherType.toString(16).padStart(4, '0')} len ${f.payload.length}` };
  }
  return withVlan(s, f.vlan);
}
