// What a NetStack is built with: its identity on the wire, its link and clock, and what it reports to.
import type { ByteLink, Clock, FrameTap, Tracer } from '../hal.ts';
import type { DescribeUdp } from './datagram.ts';

export interface NetStackOptions {
  /** 'aa:bb:cc:dd:ee:ff' */
  mac: string;
  link: ByteLink;
  clock: Clock;
  /** Records {kind:'frame',dir,proto,summary,bytes} per frame and {kind:'drop',reason} per drop. */
  tracer?: Tracer;
  /** Default true; benchmarks switch frame records off (drops are always recorded). */
  traceFrames?: boolean;
  /** Every Ethernet frame (without FCS) sent, and every one received with a good FCS (pcap). */
  tap?: FrameTap;
  /** Default '0.0.0.0' (no address yet). */
  ip?: string;
  /**
   * router = the far end of the wire: answers every ARP request for an IP other than the asker's own
   * (proxy ARP), accepts UDP to ANY destination IP and any VLAN, and answers on the asker's VLAN.
   */
  mode?: 'host' | 'router';
  /** Default 1522 (Ethernet + tag), without FCS. */
  maxFrame?: number;
  describeUdp?: DescribeUdp;
  /**
   * A datagram handler threw (a flash that lost power mid-write is the usual cause): the device's fault
   * handler, called at once so the device stops where the fault hit. Default: raised again from a fresh
   * clock task.
   */
  onHandlerError?: (error: unknown) => void;
}

export const DEFAULT_MAX_FRAME = 1522;
