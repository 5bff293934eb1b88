// Test helpers: build wire bytes for hand-made (and deliberately broken) frames, and a ByteLink pair.
import type { ByteLink, Clock } from '../../../firmware/hal.ts';
import { internetChecksum } from '../../../firmware/link/checksum.ts';
import { encodeEthernet, ETHERTYPE_IPV4, type VlanTag } from '../../../firmware/link/ethernet.ts';
import { appendFcs } from '../../../firmware/link/frame.ts';
import { encodeIpv4, IPPROTO_UDP } from '../../../firmware/link/ipv4.ts';
import { slipEncode } from '../../../firmware/link/slip.ts';
import { encodeUdp } from '../../../firmware/link/udp.ts';

export const PHONE_MAC = '02:00:00:00:00:01';
export const ROUTER_MAC = '02:00:00:00:00:fe';
export const PHONE_IP = '10.0.0.2';
export const ROUTER_IP = '10.0.0.1';

export interface UdpSpec {
  srcIp?: string;
  dstIp?: string;
  srcPort?: number;
  dstPort?: number;
  payload?: Uint8Array;
  srcMac?: string;
  dstMac?: string;
  vlan?: VlanTag;
}

/** An IPv4/UDP packet, as a Buffer the caller may still break before wrapping it. */
export function udpPacket(s: UdpSpec = {}): Buffer {
  const srcIp = s.srcIp ?? ROUTER_IP;
  const dstIp = s.dstIp ?? PHONE_IP;
  const udp = encodeUdp(srcIp, dstIp, { srcPort: s.srcPort ?? 5000, dstPort: s.dstPort ?? 6800, payload: s.payload ?? Buffer.from('hello') });
  return encodeIpv4({ src: srcIp, dst: dstIp, protocol: IPPROTO_UDP, payload: udp, id: 7 });
}

/** Recomputes the IPv4 header checksum after the test edited the header. */
export function fixIpChecksum(packet: Buffer): Buffer {
  packet.writeUInt16BE(0, 10);
  const ihl = (packet[0] & 0x0f) * 4;
  packet.writeUInt16BE(internetChecksum(packet, 0, ihl), 10);
  return packet;
}

/** Ethernet frame (no FCS) around an IPv4 packet. */
export function ethFrame(packet: Uint8Array, s: UdpSpec = {}, etherType = ETHERTYPE_IPV4): Buffer {
  return encodeEthernet({ dst: s.dstMac ?? PHONE_MAC, src: s.srcMac ?? ROUTER_MAC, vlan: s.vlan, etherType, payload: packet });
}

/** What goes on the wire for an Ethernet frame: END, stuffed frame + FCS, END. */
export function onWire(frame: Uint8Array): Uint8Array {
  return slipEncode(appendFcs(frame));
}

export function udpOnWire(s: UdpSpec = {}): Uint8Array {
  return onWire(ethFrame(udpPacket(s), s));
}

/** A link end that records what is written and lets the test inject received bytes. */
export class ProbeLink implements ByteLink {
  readonly written: Uint8Array[] = [];
  private receiver: ((bytes: Uint8Array) => void) | undefined;
  write(bytes: Uint8Array): void {
    this.written.push(bytes.slice());
  }
  onData(receiver: (bytes: Uint8Array) => void): void {
    this.receiver = receiver;
  }
  inject(bytes: Uint8Array): void {
    this.receiver?.(bytes);
  }
}

/**
 * Two link ends back to back. With a clock, each write arrives `latencyMs` later, cut into chunks of
 * `chunk` bytes (a UART's view); without one, it arrives synchronously inside write().
 */
export function linkPair(opts: { clock?: Clock; latencyMs?: number; chunk?: number } = {}): [ByteLink, ByteLink] {
  const receivers: Array<((bytes: Uint8Array) => void) | undefined> = [undefined, undefined];
  const end = (me: 0 | 1): ByteLink => ({
    onData(receiver) {
      receivers[me] = receiver;
    },
    write(bytes) {
      const copy = bytes.slice();
      const deliver = () => {
        const r = receivers[1 - me];
        if (!r) return;
        const step = opts.chunk ?? copy.length;
        for (let i = 0; i < copy.length; i += step) r(copy.subarray(i, i + step));
      };
      if (opts.clock) opts.clock.setTimeout(deliver, opts.latencyMs ?? 1);
      else deliver();
    },
  });
  return [end(0), end(1)];
}
