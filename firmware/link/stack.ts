// The phone's (and the router's) network stack on one serial link: SLIP + FCS framing, Ethernet with
// an optional 802.1Q tag, ARP, IPv4 and UDP. On a frame link (frame-link.ts: whole frames in memory)
// there is no SLIP and no FCS; everything from Ethernet up is the same. Bad input of any kind is counted by reason and traced,
// never delivered and never thrown; the leading END of every frame resynchronizes after garbage.
// This file wires the layers together and holds the addressing state; the port table (udp-ports.ts),
// the counters and trace (net-accounting.ts), the ARP rules (arp-policy.ts), the 802.1Q rules
// (vlan-policy.ts) and the UDP frame codec (udp-frame.ts) live beside it.
import type { ByteLink, FrameTap } from '../hal.ts';
import { ANY_IP, BROADCAST_IP, BROADCAST_MAC, isGroupMac, normalizeIpv4, normalizeMac } from './addr.ts';
import { decodeArp, encodeArp, type ArpPacket } from './arp.ts';
import { arpReaction, arpReplyTo, arpRequest } from './arp-policy.ts';
import { ArpResolver } from './arp-resolver.ts';
import type { Datagram, DescribeUdp, SendUdp } from './datagram.ts';
import { DROP_REASONS, type DropReason } from './drops.ts';
import {
  decodeEthernet,
  encodeEthernet,
  ETH_HEADER_LEN,
  ETHERTYPE_ARP,
  ETHERTYPE_IPV4,
  isValidVlan,
  VLAN_TAG_LEN,
  type EthernetFrame,
  type VlanTag,
} from './ethernet.ts';
import { appendFcs, checkFcs, FCS_LEN } from './frame.ts';
import { isFrameLink } from './frame-link.ts';
import { NetAccounting, type NetCounters } from './net-accounting.ts';
import { NeighborCache } from './neighbors.ts';
import { DEFAULT_MAX_FRAME, type NetStackOptions } from './stack-options.ts';
import { SlipDecoder, slipEncode } from './slip.ts';
import { summarizeArp, summarizeUdp, withVlan, type FrameSummary } from './summary.ts';
import { isValidPort } from './udp.ts';
import { buildUdpFrame, decodeUdpFrame, UDP_OVERHEAD, udpFrameLength, type Outgoing } from './udp-frame.ts';
import { UdpPorts, type DatagramHandler } from './udp-ports.ts';
import { VlanPolicy } from './vlan-policy.ts';

export type { Datagram, DescribeUdp, SendUdp } from './datagram.ts';
export type { DropReason } from './drops.ts';
export type { VlanTag } from './ethernet.ts';
export type { NetCounters } from './net-accounting.ts';
export { DEFAULT_MAX_FRAME, type NetStackOptions } from './stack-options.ts';
export { DROP_REASONS };

export class NetStack {
  readonly mac: string;
  readonly counters: NetCounters;

  private address: string;
  private readonly router: boolean;
  private readonly link: ByteLink;
  private readonly tap: FrameTap | undefined;
  private readonly maxFrame: number;
  private readonly describeUdp: DescribeUdp | undefined;
  private readonly accounting: NetAccounting;
  private readonly ports: UdpPorts;
  /** Undefined on a frame link: nothing to unframe. */
  private readonly decoder: SlipDecoder | undefined;
  private readonly framed: boolean;
  private readonly neighbors = new NeighborCache();
  private readonly vlans: VlanPolicy;
  private readonly resolver: ArpResolver<Outgoing>;
  private ipId = 0;
  private closed = false;

  constructor(opts: NetStackOptions) {
    const mac = normalizeMac(opts.mac);
    if (!mac || isGroupMac(mac)) throw new TypeError(`NetStack: bad station MAC '${opts.mac}'`);
    this.mac = mac;
    this.accounting = new NetAccounting(opts.tracer, opts.traceFrames ?? true);
    this.counters = this.accounting.counters;
    this.address = ANY_IP;
    this.ip = opts.ip ?? ANY_IP;
    this.router = opts.mode === 'router';
    this.vlans = new VlanPolicy(this.router, this.neighbors);
    this.link = opts.link;
    this.tap = opts.tap;
    this.maxFrame = opts.maxFrame ?? DEFAULT_MAX_FRAME;
    if (!Number.isInteger(this.maxFrame) || this.maxFrame < ETH_HEADER_LEN + VLAN_TAG_LEN + 28) {
      throw new RangeError(`NetStack: maxFrame ${opts.maxFrame} cannot carry an ARP packet`);
    }
    this.describeUdp = opts.describeUdp;
    this.ports = new UdpPorts({ clock: opts.clock, tracer: opts.tracer, onHandlerError: opts.onHandlerError, accounting: this.accounting });
    this.resolver = new ArpResolver<Outgoing>(opts.clock, {
      request: (ip) => this.sendArpRequest(ip),
      flush: (ip, items) => {
        const mac = this.neighbors.get(ip);
        for (const item of items) if (mac) this.transmitUdp(item, mac);
      },
      fail: (_ip, items) => {
        for (let i = 0; i < items.length; i++) this.drop('arp-timeout');
      },
    });
    this.framed = isFrameLink(this.link);
    if (this.framed) {
      this.link.onData((frame) => {
        if (this.closed) return;
        this.counters.rxBytes += frame.length;
        if (frame.length > this.maxFrame) return this.drop('slip-oversize');
        if (frame.length < ETH_HEADER_LEN) return this.drop('short-frame');
        this.receiveEthernet(frame);
      });
      return;
    }
    const decoder = new SlipDecoder(this.maxFrame + FCS_LEN, {
      frame: (bytes) => this.receiveFrame(bytes),
      drop: (reason) => this.drop(reason),
    });
    this.decoder = decoder;
    this.link.onData((bytes) => {
      if (this.closed) return;
      this.counters.rxBytes += bytes.length;
      decoder.push(bytes);
    });
  }

  get ip(): string {
    return this.address;
  }

  /** DHCP assigns it; '0.0.0.0' means no address. Throws on a malformed address. */
  set ip(value: string) {
    const ip = normalizeIpv4(value);
    if (ip === undefined) throw new TypeError(`NetStack: bad IPv4 address '${value}'`);
    this.address = ip;
  }

  get vlan(): VlanTag | undefined {
    return this.vlans.own;
  }

  /** Tag every frame sent with it; accept frames with this VID (or untagged, or VID 0). */
  set vlan(value: VlanTag | undefined) {
    if (value !== undefined && !isValidVlan(value)) throw new RangeError(`NetStack: bad VLAN ${JSON.stringify(value)}`);
    this.vlans.own = value && { id: value.id, pcp: value.pcp };
  }

  /** Returns unbind. Throws if the port is already bound. */
  bind(port: number, handler: DatagramHandler): () => void {
    return this.ports.bind(port, handler);
  }

  /** Receives datagrams no bound port took (the router's relay). Throws if one is already set. */
  bindAny(handler: DatagramHandler): () => void {
    return this.ports.bindAny(handler);
  }

  /**
   * 255.255.255.255 goes to the broadcast MAC; `dstMac` skips ARP; otherwise the ARP cache, or ARP
   * resolution first. Throws only on malformed arguments (addresses, ports); a datagram too big for
   * maxFrame is dropped as 'tx-oversize'. Does nothing after close().
   */
  sendUdp(s: SendUdp): void {
    if (this.closed) return;
    const dstIp = normalizeIpv4(s.dstIp);
    const srcIp = s.srcIp === undefined ? this.address : normalizeIpv4(s.srcIp);
    if (dstIp === undefined || srcIp === undefined) throw new TypeError(`NetStack: bad address ${s.srcIp} > ${s.dstIp}`);
    const dstMac = s.dstMac === undefined ? undefined : normalizeMac(s.dstMac);
    if (s.dstMac !== undefined && dstMac === undefined) throw new TypeError(`NetStack: bad MAC '${s.dstMac}'`);
    if (s.vlan && !isValidVlan(s.vlan)) throw new RangeError(`NetStack: bad VLAN ${JSON.stringify(s.vlan)}`);
    if (!isValidPort(s.srcPort) || !isValidPort(s.dstPort)) throw new RangeError(`NetStack: bad port ${s.srcPort} > ${s.dstPort}`);
    if (UDP_OVERHEAD + s.payload.length > this.maxFrame) {
      this.drop('tx-oversize');
      return;
    }
    this.ipId = (this.ipId + 1) & 0xffff;
    const vlan = this.vlans.pin(s.vlan); // now, not when sent: a host's keeps its VLAN while it waits for ARP
    const out: Outgoing = { srcIp, dstIp, srcPort: s.srcPort, dstPort: s.dstPort, payload: s.payload, id: this.ipId, vlan };
    if (dstMac !== undefined) this.transmitUdp(out, dstMac);
    else if (dstIp === BROADCAST_IP) this.transmitUdp(out, BROADCAST_MAC);
    else {
      const mac = this.neighbors.get(dstIp);
      if (mac) this.transmitUdp(out, mac);
      // it waits: keep a copy, the caller may reuse its buffer as soon as we return
      else if (!this.resolver.enqueue(dstIp, { ...out, payload: s.payload.slice() })) this.drop('arp-queue-full');
    }
  }

  /** Cancels ARP timers; the stack then ignores the link and sends nothing. */
  close(): void {
    this.closed = true;
    this.resolver.close();
  }

  // ---- receive -------------------------------------------------------------------------------

  private receiveFrame(bytes: Uint8Array): void {
    const checked = checkFcs(bytes);
    if (!checked.ok) return this.drop(checked.reason);
    this.receiveEthernet(checked.value);
  }

  /** A whole Ethernet frame, without FCS (checked already, or a frame link has none). */
  private receiveEthernet(frame: Uint8Array): void {
    this.counters.rxFrames++;
    this.tap?.('rx', frame);
    const eth = decodeEthernet(frame);
    if (!eth.ok) return this.drop(eth.reason);
    const f = eth.value;
    if (!this.vlans.accepts(f.vlan)) return this.drop('vlan-mismatch');
    if (f.dst !== this.mac && !isGroupMac(f.dst)) return this.drop('mac-not-for-us');
    if (this.router && !isGroupMac(f.src)) this.neighbors.noteVlan(f.src, f.vlan);
    if (f.etherType === ETHERTYPE_ARP) this.receiveArp(f, frame.length);
    else if (f.etherType === ETHERTYPE_IPV4) this.receiveIpv4(f, frame.length);
    else this.drop('unknown-ethertype');
  }

  private receiveArp(f: EthernetFrame, length: number): void {
    const decoded = decodeArp(f.payload);
    if (!decoded.ok) return this.drop(decoded.reason);
    const p = decoded.value;
    this.traceFrame('rx', () => withVlan(summarizeArp(p), f.vlan), length);
    const station = { mac: this.mac, ip: this.address, router: this.router, isPending: (ip: string) => this.resolver.isPending(ip) };
    const reaction = arpReaction(p, station);
    if (!reaction.learn && !reaction.reply) return this.drop('arp-not-for-us');
    if (reaction.learn) this.learn(p.senderIp, p.senderMac);
    if (reaction.reply) this.sendArpReply(p, f.vlan);
  }

  private receiveIpv4(f: EthernetFrame, length: number): void {
    const decoded = decodeUdpFrame(f);
    if (!decoded.ok) return this.drop(decoded.reason);
    const d = decoded.value;
    this.traceFrame('rx', () => withVlan(summarizeUdp(d, this.describeUdp), f.vlan), length);
    if (this.router) {
      if (d.srcIp !== ANY_IP && !isGroupMac(f.src)) this.learn(d.srcIp, f.src);
    } else if (!this.isOurs(d.dstIp, f.dst)) {
      return this.drop('not-for-us');
    }
    this.deliver(d);
  }

  /**
   * Ours: our address or the limited broadcast. Before DHCP gives us an address, anything unicast to
   * our MAC is ours too, so a DHCP server may answer to the offered address (RFC 2131 4.1).
   */
  private isOurs(dstIp: string, dstMac: string): boolean {
    if (dstIp === BROADCAST_IP || dstIp === this.address) return true;
    return this.address === ANY_IP && dstMac === this.mac;
  }

  private deliver(d: Datagram): void {
    if (this.closed) return; // closed by a fault earlier in this same chunk of bytes: the device is off
    this.ports.deliver(d);
  }

  private learn(ip: string, mac: string): void {
    this.neighbors.set(ip, mac);
    this.resolver.resolved(ip);
  }

  // ---- send ----------------------------------------------------------------------------------

  private sendArpRequest(ip: string): void {
    this.transmitArp(arpRequest(this.mac, this.address, ip), BROADCAST_MAC, this.vlans.own);
  }

  private sendArpReply(req: ArpPacket, rxVlan: VlanTag | undefined): void {
    this.transmitArp(arpReplyTo(req, this.mac), req.senderMac, this.vlans.forArpReply(rxVlan));
  }

  private transmitArp(p: ArpPacket, dst: string, vlan: VlanTag | undefined): void {
    if (this.closed) return;
    const frame = encodeEthernet({ dst, src: this.mac, vlan, etherType: ETHERTYPE_ARP, payload: encodeArp(p) });
    this.emit(this.framed ? frame : appendFcs(frame), frame.length, () => withVlan(summarizeArp(p), vlan));
  }

  /** The hot path: the whole frame is built in one buffer (udp-frame.ts). */
  private transmitUdp(out: Outgoing, dstMac: string): void {
    if (this.closed) return;
    const vlan = this.vlans.forDatagram(out.vlan, dstMac);
    const frameLength = udpFrameLength(vlan, out.payload.length);
    if (frameLength > this.maxFrame) return this.drop('tx-oversize');
    this.emit(buildUdpFrame(out, this.mac, dstMac, vlan, frameLength, !this.framed), frameLength, () => {
      const d: Datagram = { srcIp: out.srcIp, srcPort: out.srcPort, dstIp: out.dstIp, dstPort: out.dstPort, payload: out.payload, srcMac: this.mac };
      if (vlan) d.vlan = vlan;
      return withVlan(summarizeUdp(d, this.describeUdp), vlan);
    });
  }

  /** `withFcs` is the frame followed by its FCS (on a frame link, whatever follows the frame is not sent). */
  private emit(withFcs: Uint8Array, frameLength: number, describe: () => FrameSummary): void {
    if (frameLength > this.maxFrame) return this.drop('tx-oversize');
    const frame = withFcs.subarray(0, frameLength);
    this.tap?.('tx', frame);
    this.traceFrame('tx', describe, frameLength);
    if (this.framed) {
      this.counters.txFrames++;
      this.counters.txBytes += frameLength;
      this.link.write(frame);
      return;
    }
    const wire = slipEncode(withFcs);
    this.counters.txFrames++;
    this.counters.txBytes += wire.length;
    this.link.write(wire);
  }

  // ---- bookkeeping ---------------------------------------------------------------------------

  private traceFrame(dir: 'tx' | 'rx', describe: () => FrameSummary, bytes: number): void {
    this.accounting.traceFrame(dir, describe, bytes);
  }

  private drop(reason: DropReason): void {
    this.accounting.drop(reason);
  }
}
