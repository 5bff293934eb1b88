// The UDP datagram as the layers above the link see it, received and sent.
import type { VlanTag } from './ethernet.ts';

export interface Datagram {
  srcIp: string;
  srcPort: number;
  dstIp: string;
  dstPort: number;
  payload: Uint8Array;
  srcMac: string;
  /** The 802.1Q tag the frame carried, if it was tagged. */
  vlan?: VlanTag;
}

export interface SendUdp {
  dstIp: string;
  dstPort: number;
  srcPort: number;
  payload: Uint8Array;
  /** Default: the stack's own address (DHCP sends from 0.0.0.0). */
  srcIp?: string;
  /** Skip ARP (a DHCP server answering a client that has no address yet). */
  dstMac?: string;
  /**
   * The 802.1Q tag for this datagram only, overriding the stack's choice; null sends it untagged.
   * Lets a router-mode server answer a broadcast on the VLAN the request came from (`d.vlan`).
   */
  vlan?: VlanTag | null;
}

/** How a higher layer names its own datagrams in the trace ('dhcp', 'tftp', 'sig'). */
export type DescribeUdp = (d: Datagram) => { proto: string; summary: string } | undefined;
