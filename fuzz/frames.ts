// Building fuzzed frames with the firmware's own encoders, and reading the traffic an end writes back
// (for the live corpus and the probes). A wire item is what goes on the serial line: SLIP + FCS.
import { encodeEthernet, decodeEthernet, ETHERTYPE_IPV4, type VlanTag } from '../firmware/link/ethernet.ts';
import { appendFcs, checkFcs, FCS_LEN } from '../firmware/link/frame.ts';
import { SlipDecoder, slipEncode } from '../firmware/link/slip.ts';
import { buildUdpFrame, decodeUdpFrame, udpFrameLength } from '../firmware/link/udp-frame.ts';
import { internetChecksum } from '../firmware/link/checksum.ts';
import { IPV4_HEADER_LEN } from '../firmware/link/ipv4.ts';
import { DEFAULT_MAX_FRAME } from '../firmware/link/stack.ts';
import type { Datagram } from '../firmware/link/datagram.ts';

export interface Udp {
  srcMac: string;
  dstMac: string;
  srcIp: string;
  dstIp: string;
  srcPort: number;
  dstPort: number;
  payload: Uint8Array;
  vlan?: VlanTag;
  id?: number;
}

/** A whole UDP frame with valid IPv4 and UDP checksums, followed by its FCS (not yet SLIP-encoded). */
export function udpFrameWithFcs(u: Udp): Uint8Array {
  const len = udpFrameLength(u.vlan, u.payload.length);
  return buildUdpFrame({ srcIp: u.srcIp, dstIp: u.dstIp, srcPort: u.srcPort, dstPort: u.dstPort, payload: u.payload, id: u.id ?? 1, vlan: u.vlan }, u.srcMac, u.dstMac, u.vlan, len);
}

/** The Ethernet frame (no FCS) of a UDP datagram. */
export function udpFrame(u: Udp): Uint8Array {
  const f = udpFrameWithFcs(u);
  return f.subarray(0, f.length - FCS_LEN);
}

export function ethernetFrame(dst: string, src: string, etherType: number, payload: Uint8Array, vlan?: VlanTag): Uint8Array {
  return encodeEthernet({ dst, src, etherType, payload, vlan });
}

/** Frame (without FCS) -> wire bytes: FCS appended, SLIP-encoded. */
export function toWire(frame: Uint8Array): Uint8Array {
  return slipEncode(appendFcs(frame));
}

/** Recomputes an IPv4 header checksum in place (header at `at`, IHL from the header). */
export function fixIpv4Checksum(frame: Uint8Array, at: number): void {
  const ihl = (frame[at] & 0x0f) * 4 || IPV4_HEADER_LEN;
  const end = Math.min(frame.length, at + ihl);
  if (end - at < 12) return;
  frame[at + 10] = 0;
  frame[at + 11] = 0;
  const sum = internetChecksum(frame, at, end);
  frame[at + 10] = sum >> 8;
  frame[at + 11] = sum & 0xff;
}

/** Where the IPv4 header of an Ethernet frame starts (after an optional 802.1Q tag). */
export function ipOffset(frame: Uint8Array): number {
  return frame.length >= 16 && frame[12] === 0x81 && frame[13] === 0x00 ? 18 : 14;
}

/** The datagram an Ethernet frame (no FCS) carries, if it is good UDP. */
export function datagramOf(frame: Uint8Array): Datagram | undefined {
  const eth = decodeEthernet(frame);
  if (!eth.ok || eth.value.etherType !== ETHERTYPE_IPV4) return undefined;
  const d = decodeUdpFrame(eth.value);
  return d.ok ? d.value : undefined;
}

/**
 * Decodes what an end writes (SLIP + FCS) into Ethernet frames without FCS: the live corpus (frames
 * this very run carried, so sealed replays hit sessions that exist) and the probes' answers.
 */
export class WireReader {
  private readonly decoder: SlipDecoder;

  constructor(onFrame: (frame: Uint8Array) => void) {
    this.decoder = new SlipDecoder(DEFAULT_MAX_FRAME + FCS_LEN, {
      frame: (bytes) => {
        const c = checkFcs(bytes);
        if (c.ok) onFrame(new Uint8Array(c.value));
      },
      drop: () => {},
    });
  }

  push(bytes: Uint8Array): void {
    this.decoder.push(bytes);
  }
}

/** The last N frames of one direction. */
export class Ring {
  readonly items: Uint8Array[] = [];
  private next = 0;

  constructor(private readonly size: number) {}

  add(frame: Uint8Array): void {
    if (this.items.length < this.size) this.items.push(frame);
    else {
      this.items[this.next] = frame;
      this.next = (this.next + 1) % this.size;
    }
  }
}

export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const fromHex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
