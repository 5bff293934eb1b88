// The phone's (and the router's) network stack on one serial link: SLIP + FCS framing, Ethernet with
// an optional 802.1Q tag, ARP, IPv4 and UDP. Bad input of any kind is counted by reason and traced,
// never delivered and never thrown; the leading END of every frame resynchronizes after garbage.
import type { ByteLink, Clock, FrameTap, Tracer } from '../hal.ts';
import { ANY_IP, BROADCAST_IP, BROADCAST_MAC, isGroupMac, normalizeIpv4, normalizeMac, ZERO_MAC } from './addr.ts';
import { ARP_REPLY, ARP_REQUEST, decodeArp, encodeArp, type ArpPacket } from './arp.ts';
import { ArpResolver } from './arp-resolver.ts';
import type { Datagram, DescribeUdp, SendUdp } from './datagram.ts';
import { DROP_REASONS, newDropCounts, type DropReason } from './drops.ts';
import {
  decodeEthernet,
  encodeEthernet,
  ETH_HEADER_LEN,
  ethernetHeaderLength,
  ETHERTYPE_ARP,
  ETHERTYPE_IPV4,
  isValidVlan,
  VLAN_TAG_LEN,
  writeEthernetHeader,
  type EthernetFrame,
  type VlanTag,
} from './ethernet.ts';
import { appendFcs, checkFcs, FCS_LEN, writeFcs } from './frame.ts';
import { decodeIpv4, IPPROTO_UDP, IPV4_HEADER_LEN, writeIpv4Header } from './ipv4.ts';
import { NeighborCache } from './neighbors.ts';
import { SlipDecoder, slipEncode } from './slip.ts';
import { summarizeArp, summarizeUdp, withVlan, type FrameSummary } from './summary.ts';
import { decodeUdp, isValidPort, UDP_HEADER_LEN, writeUdp } from './udp.ts';
import { after } from '../clock-interface.ts';

export type { Datagram, DescribeUdp, SendUdp } from './datagram.ts';
export type { DropReason } from './drops.ts';
export type { VlanTag } from './ethernet.ts';
export { DROP_REASONS };

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

export interface NetCounters {
  /** Frames written (each one SLIP frame). */
  txFrames: number;
  /** Frames received with a good FCS. */
  rxFrames: number;
  /** Bytes written to the link, SLIP overhead included. */
  txBytes: number;
  /** Bytes read from the link, garbage included. */
  rxBytes: number;
  /** Datagrams handed to a handler. */
  delivered: number;
  drops: Record<DropReason, number>;
  /** The sum of `drops`. */
  dropped: number;
}

export const DEFAULT_MAX_FRAME = 1522;
const UDP_OVERHEAD = ETH_HEADER_LEN + IPV4_HEADER_LEN + UDP_HEADER_LEN;

type Handler = (d: Datagram) => void;

/** A datagram on its way down, waiting for (or given) a destination MAC. */
interface Outgoing {
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

export class NetStack {
  readonly mac: string;
  readonly counters: NetCounters = {
    txFrames: 0,
    rxFrames: 0,
    txBytes: 0,
    rxBytes: 0,
    delivered: 0,
    drops: newDropCounts(),
    dropped: 0,
  };

  private address: string;
  private tag: VlanTag | undefined;
  private readonly router: boolean;
  private readonly link: ByteLink;
  private readonly clock: Clock;
  private readonly tracer: Tracer | undefined;
  private readonly traceFrames: boolean;
  private readonly tap: FrameTap | undefined;
  private readonly maxFrame: number;
  private readonly describeUdp: DescribeUdp | undefined;
  private readonly onHandlerError: ((error: unknown) => void) | undefined;
  private readonly decoder: SlipDecoder;
  private readonly ports = new Map<number, Handler>();
  private anyHandler: Handler | undefined;
  private readonly neighbors = new NeighborCache();
  private readonly resolver: ArpResolver<Outgoing>;
  private ipId = 0;
  private closed = false;

  constructor(opts: NetStackOptions) {
    const mac = normalizeMac(opts.mac);
    if (!mac || isGroupMac(mac)) throw new TypeError(`NetStack: bad station MAC '${opts.mac}'`);
    this.mac = mac;
    this.address = ANY_IP;
    this.ip = opts.ip ?? ANY_IP;
    this.router = opts.mode === 'router';
    this.link = opts.link;
    this.clock = opts.clock;
    this.tracer = opts.tracer;
    this.traceFrames = opts.traceFrames ?? true;
    this.tap = opts.tap;
    this.maxFrame = opts.maxFrame ?? DEFAULT_MAX_FRAME;
    if (!Number.isInteger(this.maxFrame) || this.maxFrame < ETH_HEADER_LEN + VLAN_TAG_LEN + 28) {
      throw new RangeError(`NetStack: maxFrame ${opts.maxFrame} cannot carry an ARP packet`);
    }
    this.describeUdp = opts.describeUdp;
    this.onHandlerError = opts.onHandlerError;
    this.resolver = new ArpResolver<Outgoing>(this.clock, {
      request: (ip) => this.sendArpRequest(ip),
      flush: (ip, items) => {
        const mac = this.neighbors.get(ip);
        for (const item of items) if (mac) this.transmitUdp(item, mac);
      },
      fail: (_ip, items) => {
        for (let i = 0; i < items.length; i++) this.drop('arp-timeout');
      },
    });
    this.decoder = new SlipDecoder(this.maxFrame + FCS_LEN, {
      frame: (bytes) => this.receiveFrame(bytes),
      drop: (reason) => this.drop(reason),
    });
    this.link.onData((bytes) => {
      if (this.closed) return;
      this.counters.rxBytes += bytes.length;
      this.decoder.push(bytes);
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
    return this.tag;
  }

  /** Tag every frame sent with it; accept frames with this VID (or untagged, or VID 0). */
  set vlan(value: VlanTag | undefined) {
    if (value !== undefined && !isValidVlan(value)) throw new RangeError(`NetStack: bad VLAN ${JSON.stringify(value)}`);
    this.tag = value && { id: value.id, pcp: value.pcp };
  }

  /** Returns unbind. Throws if the port is already bound. */
  bind(port: number, handler: Handler): () => void {
    if (!isValidPort(port)) throw new RangeError(`NetStack: bad port ${port}`);
    if (this.ports.has(port)) throw new Error(`NetStack: port ${port} is already bound`);
    this.ports.set(port, handler);
    return () => {
      if (this.ports.get(port) === handler) this.ports.delete(port);
    };
  }

  /** Receives datagrams no bound port took (the router's relay). Throws if one is already set. */
  bindAny(handler: Handler): () => void {
    if (this.anyHandler) throw new Error('NetStack: bindAny is already taken');
    this.anyHandler = handler;
    return () => {
      if (this.anyHandler === handler) this.anyHandler = undefined;
    };
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
    // A host's datagram belongs to the VLAN it was sent in, even if it waits for ARP past a VLAN change
    // (the DHCP release of the untagged lease must not leave tagged).
    const vlan = s.vlan !== undefined || this.router ? s.vlan : (this.tag ?? null);
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
    const frame = checked.value;
    this.counters.rxFrames++;
    this.tap?.('rx', frame);
    const eth = decodeEthernet(frame);
    if (!eth.ok) return this.drop(eth.reason);
    const f = eth.value;
    if (!this.acceptsVlan(f.vlan)) return this.drop('vlan-mismatch');
    if (f.dst !== this.mac && !isGroupMac(f.dst)) return this.drop('mac-not-for-us');
    if (this.router && !isGroupMac(f.src)) this.neighbors.noteVlan(f.src, f.vlan);
    if (f.etherType === ETHERTYPE_ARP) this.receiveArp(f, frame.length);
    else if (f.etherType === ETHERTYPE_IPV4) this.receiveIpv4(f, frame.length);
    else this.drop('unknown-ethertype');
  }

  /** VID 0 is a priority tag, 802.1Q's way of saying "untagged". */
  private acceptsVlan(vlan: VlanTag | undefined): boolean {
    if (!vlan || vlan.id === 0) return true;
    if (this.tag) return vlan.id === this.tag.id;
    return this.router;
  }

  private receiveArp(f: EthernetFrame, length: number): void {
    const decoded = decodeArp(f.payload);
    if (!decoded.ok) return this.drop(decoded.reason);
    const p = decoded.value;
    this.traceFrame('rx', () => withVlan(summarizeArp(p), f.vlan), length);
    if (this.router) {
      if (p.senderIp === ANY_IP) return; // a probe (RFC 5227): not ours to answer, nothing to learn
      this.learn(p.senderIp, p.senderMac);
      if (p.op === ARP_REQUEST && p.targetIp !== p.senderIp) this.sendArpReply(p, f.vlan);
      return;
    }
    if (p.op === ARP_REPLY) {
      if (p.senderIp !== ANY_IP && (p.targetMac === this.mac || this.resolver.isPending(p.senderIp))) {
        this.learn(p.senderIp, p.senderMac);
      }
      return;
    }
    if (this.address !== ANY_IP && p.targetIp === this.address) {
      if (p.senderIp !== ANY_IP) this.learn(p.senderIp, p.senderMac);
      this.sendArpReply(p, f.vlan);
    }
  }

  private receiveIpv4(f: EthernetFrame, length: number): void {
    const ip = decodeIpv4(f.payload);
    if (!ip.ok) return this.drop(ip.reason);
    const { src, dst, protocol, payload } = ip.value;
    if (protocol !== IPPROTO_UDP) return this.drop('ip-protocol');
    const udp = decodeUdp(src, dst, payload);
    if (!udp.ok) return this.drop(udp.reason);
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
    this.traceFrame('rx', () => withVlan(summarizeUdp(d, this.describeUdp), f.vlan), length);
    if (this.router) {
      if (src !== ANY_IP && !isGroupMac(f.src)) this.learn(src, f.src);
    } else if (!this.isOurs(dst, f.dst)) {
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
    const handler = this.ports.get(d.dstPort) ?? this.anyHandler;
    if (!handler) return this.drop('no-listener');
    this.counters.delivered++;
    try {
      handler(d);
    } catch (err) {
      // A handler's bug must not cut the SLIP decoder off mid-chunk (the rest of the bytes would be
      // lost): trace it and raise it again from a fresh clock task, where the test or process sees it.
      const message = err instanceof Error ? err.message : String(err);
      this.tracer?.record({ kind: 'error', message: `udp handler for port ${d.dstPort} threw: ${message}` });
      if (this.onHandlerError) return this.onHandlerError(err);
      after(this.clock, 0, () => {
        throw err;
      });
    }
  }

  private learn(ip: string, mac: string): void {
    this.neighbors.set(ip, mac);
    this.resolver.resolved(ip);
  }

  // ---- send ----------------------------------------------------------------------------------

  private sendArpRequest(ip: string): void {
    const p: ArpPacket = { op: ARP_REQUEST, senderMac: this.mac, senderIp: this.address, targetMac: ZERO_MAC, targetIp: ip };
    this.transmitArp(p, BROADCAST_MAC, this.tag);
  }

  private sendArpReply(req: ArpPacket, rxVlan: VlanTag | undefined): void {
    const p: ArpPacket = {
      op: ARP_REPLY,
      senderMac: this.mac,
      senderIp: req.targetIp,
      targetMac: req.senderMac,
      targetIp: req.senderIp,
    };
    this.transmitArp(p, req.senderMac, this.router ? (rxVlan ?? this.tag) : this.tag);
  }

  private transmitArp(p: ArpPacket, dst: string, vlan: VlanTag | undefined): void {
    if (this.closed) return;
    const frame = encodeEthernet({ dst, src: this.mac, vlan, etherType: ETHERTYPE_ARP, payload: encodeArp(p) });
    this.emit(appendFcs(frame), frame.length, () => withVlan(summarizeArp(p), vlan));
  }

  /** The tag for a datagram: its own choice, else (router) the station's last tag, else the stack's. */
  private tagFor(out: Outgoing, dstMac: string): VlanTag | undefined {
    if (out.vlan !== undefined) return out.vlan ?? undefined;
    if (this.router && dstMac !== BROADCAST_MAC) return this.neighbors.vlanOf(dstMac) ?? this.tag;
    return this.tag;
  }

  /** Builds the whole frame (Ethernet, IPv4, UDP, payload, FCS) in one buffer: the hot path. */
  private transmitUdp(out: Outgoing, dstMac: string): void {
    if (this.closed) return;
    const vlan = this.tagFor(out, dstMac);
    const eth = ethernetHeaderLength(vlan);
    const frameLength = eth + IPV4_HEADER_LEN + UDP_HEADER_LEN + out.payload.length;
    if (frameLength > this.maxFrame) return this.drop('tx-oversize');
    const buf = Buffer.allocUnsafe(frameLength + FCS_LEN);
    writeEthernetHeader(buf, { dst: dstMac, src: this.mac, vlan, etherType: ETHERTYPE_IPV4 });
    const udpLength = writeUdp(buf, eth + IPV4_HEADER_LEN, out.srcIp, out.dstIp, out);
    writeIpv4Header(buf, eth, { src: out.srcIp, dst: out.dstIp, protocol: IPPROTO_UDP, id: out.id }, udpLength);
    writeFcs(buf, frameLength);
    this.emit(buf, frameLength, () => {
      const d: Datagram = { srcIp: out.srcIp, srcPort: out.srcPort, dstIp: out.dstIp, dstPort: out.dstPort, payload: out.payload, srcMac: this.mac };
      if (vlan) d.vlan = vlan;
      return withVlan(summarizeUdp(d, this.describeUdp), vlan);
    });
  }

  /** `withFcs` is the frame followed by its FCS. */
  private emit(withFcs: Uint8Array, frameLength: number, describe: () => FrameSummary): void {
    if (frameLength > this.maxFrame) return this.drop('tx-oversize');
    this.tap?.('tx', withFcs.subarray(0, frameLength));
    this.traceFrame('tx', describe, frameLength);
    const wire = slipEncode(withFcs);
    this.counters.txFrames++;
    this.counters.txBytes += wire.length;
    this.link.write(wire);
  }

  // ---- bookkeeping ---------------------------------------------------------------------------

  /** `describe` runs only when frames are traced: benchmarks pay nothing for summaries. */
  private traceFrame(dir: 'tx' | 'rx', describe: () => FrameSummary, bytes: number): void {
    if (!this.tracer || !this.traceFrames) return;
    const s = describe();
    this.tracer.record({ kind: 'frame', dir, proto: s.proto, summary: s.summary, bytes });
  }

  private drop(reason: DropReason): void {
    this.counters.drops[reason]++;
    this.counters.dropped++;
    this.tracer?.record({ kind: 'drop', reason });
  }
}
