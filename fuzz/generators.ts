// One generator per layer. Each returns the bytes to put on the target end's serial line: raw noise
// for the framing layer, and for every other layer a whole frame with a valid FCS (and, above IPv4,
// valid IPv4 and UDP checksums), built with the firmware's own encoders, from scratch or by mutating
// real traffic (the boot + login capture, and frames this very run carried).
import { encodeArp, ARP_REQUEST, ARP_REPLY } from '../firmware/link/arp.ts';
import { ETHERTYPE_ARP, ETHERTYPE_IPV4 } from '../firmware/link/ethernet.ts';
import { BROADCAST_MAC } from '../firmware/link/addr.ts';
import { SLIP_END, SLIP_ESC } from '../firmware/link/slip.ts';
import { decodeDhcpMessage, emptyDhcpMessage, encodeDhcpMessage, type DhcpMessage, DHCP_CLIENT_PORT, DHCP_SERVER_PORT } from '../firmware/boot/dhcp-message.ts';
import { encodeTftp, decodeTftp, type TftpPacket } from '../firmware/boot/tftp-packet.ts';
import { decodeMessage, encodeMessage, MESSAGE_TYPES, typeCode, SIGNALLING_PORT, HEADER_BYTES, type Message } from '../firmware/signalling/messages.ts';
import { isSealed, parseSealed, sealedHeader } from '../firmware/signalling/secure/sealed.ts';
import { seal, type Direction } from '../firmware/signalling/secure/crypto.ts';
import type { SeededRandom } from '../firmware/random.ts';
import { datagramOf, ethernetFrame, fixIpv4Checksum, ipOffset, toWire, udpFrame, type Ring, type Udp } from './frames.ts';
import { chance, mutate, pick, slipNoise } from './mutate.ts';

export type End = 'phone' | 'controller';

export const LAYERS = ['slip', 'ethernet', 'arp', 'ipv4', 'dhcp', 'tftp', 'signalling', 'kx', 'sealed', 'replay', 'session', 'corpus'] as const;
export type Layer = (typeof LAYERS)[number];

/** How often each layer is drawn (out of their sum). */
const WEIGHTS: Record<Layer, number> = { slip: 6, ethernet: 8, arp: 5, ipv4: 8, dhcp: 14, tftp: 12, signalling: 12, kx: 6, sealed: 6, replay: 7, session: 10, corpus: 10 };

/** A live signalling session the fuzzer can speak in as the target's real peer (keys from the key log). */
export interface PeerSession {
  id: Uint8Array;
  /** The key and direction the real peer seals with. */
  key: Uint8Array;
  direction: Direction;
  /** The highest sequence number seen from the peer, or sent forged. */
  seq: bigint;
}

/** What the generators know about the end under fuzz and its real peer. */
export interface FuzzContext {
  end: End;
  selfMac: string;
  selfIp(): string;
  peerMac: string;
  peerIp(): string;
  /** Frames the real peer sent the target: the capture, then this run's. */
  corpus: readonly Uint8Array[];
  live: Ring;
  /** Frames the target wrote this run: its ports, transaction ids and TFTP TIDs come from them. */
  out: Ring;
  session(): PeerSession | undefined;
}

export interface Generated {
  layer: Layer;
  wire: Uint8Array;
}

export function generate(r: SeededRandom, ctx: FuzzContext, only?: Layer): Generated {
  const layer = only ?? drawLayer(r);
  return { layer, wire: GENERATORS[layer](r, ctx) };
}

const TOTAL = LAYERS.reduce((n, l) => n + WEIGHTS[l], 0);

function drawLayer(r: SeededRandom): Layer {
  let x = r.next() * TOTAL;
  for (const l of LAYERS) {
    x -= WEIGHTS[l];
    if (x < 0) return l;
  }
  return 'corpus';
}

// ---- addressing ---------------------------------------------------------------------------------

function randomMac(r: SeededRandom): string {
  const b = r.bytes(6);
  b[0] &= 0xfe; // unicast
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}

function randomIp(r: SeededRandom): string {
  return [...r.bytes(4)].join('.');
}

/** Ports the target listens on: the well-known ones and those it used as a source this run. */
function targetPorts(ctx: FuzzContext): number[] {
  const fixed = ctx.end === 'controller' ? [DHCP_SERVER_PORT, 69, 20001, SIGNALLING_PORT, 7] : [DHCP_CLIENT_PORT];
  const seen = new Set<number>(fixed);
  for (const f of ctx.out.items) {
    const d = datagramOf(f);
    if (d) seen.add(d.srcPort);
  }
  return [...seen];
}

/** A UDP datagram from the target's peer (mostly) to the target, to `dstPort`. */
function toTarget(r: SeededRandom, ctx: FuzzContext, dstPort: number, payload: Uint8Array, srcPort?: number): Uint8Array {
  const u: Udp = {
    srcMac: chance(r, 0.85) ? ctx.peerMac : randomMac(r),
    dstMac: chance(r, 0.8) ? ctx.selfMac : BROADCAST_MAC,
    srcIp: chance(r, 0.85) ? ctx.peerIp() : randomIp(r),
    dstIp: chance(r, 0.75) ? ctx.selfIp() : chance(r, 0.5) ? '255.255.255.255' : randomIp(r),
    srcPort: srcPort ?? (chance(r, 0.8) ? defaultPeerPort(ctx, dstPort) : r.int(1, 65535)),
    dstPort,
    payload,
    id: r.int(0, 0xffff),
  };
  if (chance(r, 0.05)) u.vlan = { id: r.int(0, 4095), pcp: r.int(0, 7) };
  return toWire(udpFrame(u));
}

function defaultPeerPort(ctx: FuzzContext, dstPort: number): number {
  if (dstPort === DHCP_SERVER_PORT) return DHCP_CLIENT_PORT;
  if (dstPort === DHCP_CLIENT_PORT) return DHCP_SERVER_PORT;
  if (dstPort === SIGNALLING_PORT || ctx.end === 'phone') return SIGNALLING_PORT;
  return 40000 + (dstPort % 1000);
}

/** Datagrams of the real traffic to the target, to or from one of these ports. */
function corpusDatagrams(ctx: FuzzContext, test: (srcPort: number, dstPort: number) => boolean) {
  const out = [];
  for (const f of [...ctx.corpus, ...ctx.live.items]) {
    const d = datagramOf(f);
    if (d && test(d.srcPort, d.dstPort)) out.push(d);
  }
  return out;
}

// ---- the layers ---------------------------------------------------------------------------------

const GENERATORS: Record<Layer, (r: SeededRandom, ctx: FuzzContext) => Uint8Array> = {
  slip(r, ctx) {
    switch (r.int(0, 4)) {
      case 0:
        return slipNoise(r, r.int(1, 300));
      case 1: {
        // a real frame with a bad escape inside
        const w = new Uint8Array(toWire(pick(r, ctx.corpus)));
        const at = r.int(1, w.length - 2);
        w[at] = SLIP_ESC;
        w[at + 1] = r.int(0, 255);
        return w;
      }
      case 2: {
        // an oversize run with no END
        const n = r.int(1530, 4000);
        const b = r.bytes(n);
        for (let i = 0; i < n; i++) if (b[i] === SLIP_END || b[i] === SLIP_ESC) b[i] = 0;
        return new Uint8Array([SLIP_END, ...b, SLIP_END]);
      }
      case 3: {
        // a real frame cut short, then the next frame's END
        const w = toWire(pick(r, ctx.corpus));
        return w.slice(0, r.int(1, w.length - 1));
      }
      default:
        return new Uint8Array(r.int(1, 8)).fill(SLIP_END);
    }
  },

  ethernet(r, ctx) {
    if (chance(r, 0.4)) return toWire(mutate(r, pick(r, ctx.corpus)));
    const dst = pick(r, [ctx.selfMac, ctx.selfMac, BROADCAST_MAC, randomMac(r), '01:00:5e:00:00:01']);
    const etherType = pick(r, [ETHERTYPE_IPV4, ETHERTYPE_ARP, 0x8100, 0x86dd, 0x88cc, r.int(0, 0xffff)]);
    const payload = chance(r, 0.5) ? r.bytes(r.int(0, 200)) : mutate(r, pick(r, ctx.corpus).subarray(14));
    const vlan = chance(r, 0.2) ? { id: r.int(0, 4095), pcp: r.int(0, 7) } : undefined;
    return toWire(ethernetFrame(dst, chance(r, 0.5) ? ctx.peerMac : randomMac(r), etherType, payload, vlan));
  },

  arp(r, ctx) {
    const arp = encodeArp({
      op: pick(r, [ARP_REQUEST, ARP_REPLY]),
      senderMac: chance(r, 0.5) ? ctx.peerMac : randomMac(r),
      senderIp: chance(r, 0.5) ? ctx.peerIp() : randomIp(r),
      targetMac: chance(r, 0.5) ? '00:00:00:00:00:00' : ctx.selfMac,
      targetIp: chance(r, 0.6) ? ctx.selfIp() : randomIp(r),
    });
    const payload = chance(r, 0.5) ? mutate(r, arp) : arp;
    return toWire(ethernetFrame(chance(r, 0.5) ? BROADCAST_MAC : ctx.selfMac, chance(r, 0.7) ? ctx.peerMac : randomMac(r), ETHERTYPE_ARP, payload));
  },

  ipv4(r, ctx) {
    // a good UDP frame, its IPv4 header mutated, the header checksum fixed again (mostly)
    const port = pick(r, targetPorts(ctx));
    const frame = new Uint8Array(udpFrame({ srcMac: ctx.peerMac, dstMac: ctx.selfMac, srcIp: ctx.peerIp(), dstIp: ctx.selfIp(), srcPort: defaultPeerPort(ctx, port), dstPort: port, payload: r.bytes(r.int(0, 64)) }));
    const ip = ipOffset(frame);
    const field = r.int(0, 6);
    if (field === 0) frame[ip] = (r.int(0, 15) << 4) | (frame[ip] & 0x0f); // version
    else if (field === 1) frame[ip] = (frame[ip] & 0xf0) | r.int(0, 15); // IHL
    else if (field === 2) {
      const len = pick(r, [0, 1, 19, 20, 27, 28, frame.length - ip + 1, 0xffff, r.int(0, 0xffff)]);
      frame[ip + 2] = len >> 8;
      frame[ip + 3] = len & 0xff;
    } else if (field === 3) {
      frame[ip + 6] = r.int(0, 255); // flags + fragment offset
      frame[ip + 7] = r.int(0, 255);
    } else if (field === 4) frame[ip + 9] = pick(r, [0, 1, 6, 17, 41, 255, r.int(0, 255)]); // protocol
    else if (field === 5) {
      // the UDP header: ports, length, checksum (the checksum now disagrees, mostly)
      const at = ip + 20 + r.int(0, 7);
      frame[at] = r.int(0, 255);
    } else {
      const cut = frame.slice(0, r.int(ip, frame.length));
      fixIpv4Checksum(cut, ip);
      return toWire(cut);
    }
    if (chance(r, 0.9)) fixIpv4Checksum(frame, ip);
    return toWire(frame);
  },

  dhcp(r, ctx) {
    const toServer = ctx.end === 'controller';
    const seeds = corpusDatagrams(ctx, (s, d) => d === (toServer ? DHCP_SERVER_PORT : DHCP_CLIENT_PORT));
    // the target's own transaction ids, so replies look like answers to what it asked
    const xids = ctx.out.items.map(datagramOf).filter((d) => d && (d.dstPort === DHCP_SERVER_PORT || d.srcPort === DHCP_SERVER_PORT)).map((d) => decodeDhcpMessage(d!.payload)).filter((m) => m.ok).map((m) => (m as { msg: DhcpMessage }).msg.xid);
    let msg: DhcpMessage;
    const base = seeds.length > 0 && chance(r, 0.7) ? decodeDhcpMessage(pick(r, seeds).payload) : undefined;
    if (base?.ok) msg = { ...base.msg, options: base.msg.options.map((o) => ({ code: o.code, data: new Uint8Array(o.data) })) };
    else {
      const mac = chance(r, 0.5) ? Uint8Array.from(Buffer.from(ctx.peerMac.replace(/:/g, ''), 'hex')) : r.bytes(6);
      msg = emptyDhcpMessage(toServer ? 1 : 2, r.int(0, 0xffffffff), mac);
      msg.options.push({ code: 53, data: new Uint8Array([r.int(1, 8)]) });
    }
    if (xids.length > 0 && chance(r, 0.5)) msg.xid = pick(r, xids);
    const edits = r.int(1, 3);
    for (let k = 0; k < edits; k++) {
      switch (r.int(0, 9)) {
        case 0:
          msg.hlen = pick(r, [0, 1, 5, 7, 15, 16, 17, 32, 255, r.int(0, 255)]);
          break;
        case 1:
          msg.htype = pick(r, [0, 6, 255, r.int(0, 255)]);
          break;
        case 2:
          msg.op = r.int(0, 3);
          break;
        case 3:
          msg.chaddr = r.bytes(16);
          break;
        case 4: {
          const at = msg.options.findIndex((o) => o.code === 53);
          const type = { code: 53, data: chance(r, 0.8) ? new Uint8Array([r.int(0, 20)]) : r.bytes(r.int(0, 3)) };
          if (at >= 0) msg.options[at] = type;
          else msg.options.unshift(type);
          break;
        }
        case 5:
          msg.options.push({ code: r.int(1, 254), data: r.bytes(r.int(0, 40)) });
          break;
        case 6:
          if (msg.options.length > 0) msg.options.splice(r.int(0, msg.options.length - 1), 1);
          break;
        case 7:
          // the options the phone reads, with data of the wrong length
          msg.options.push({ code: pick(r, [1, 3, 6, 43, 50, 51, 54, 58, 59, 60, 61, 82, 125, 55]), data: r.bytes(pick(r, [0, 1, 3, 5, 255 > 40 ? r.int(0, 40) : 0])) });
          break;
        case 8:
          msg.flags = r.int(0, 0xffff);
          msg.hops = r.int(0, 255);
          break;
        default:
          msg.ciaddr = randomIp(r);
          msg.giaddr = chance(r, 0.5) ? '0.0.0.0' : randomIp(r);
      }
    }
    let payload: Uint8Array;
    try {
      payload = encodeDhcpMessage(msg);
    } catch {
      payload = r.bytes(r.int(0, 400));
    }
    if (chance(r, 0.35)) payload = mutate(r, payload, chance(r, 0.7) ? 240 : 0); // option lengths, truncation, the header
    return toTarget(r, ctx, toServer ? DHCP_SERVER_PORT : DHCP_CLIENT_PORT, payload);
  },

  tftp(r, ctx) {
    const ports = targetPorts(ctx).filter((p) => p !== DHCP_SERVER_PORT && p !== DHCP_CLIENT_PORT && p !== SIGNALLING_PORT && p !== 7);
    const port = ports.length > 0 ? pick(r, ports) : r.int(1024, 65535);
    const files = corpusDatagrams(ctx, (_s, d) => d === 69 || d === 20001).map((d) => decodeTftp(d.payload)).filter((t) => t.ok && t.packet.op === 'RRQ').map((t) => (t as { packet: { file: string } }).packet.file);
    const file = files.length > 0 && chance(r, 0.7) ? pick(r, files) : pick(r, ['', 'x', '../../etc/passwd', 'a'.repeat(r.int(1, 600)), '5340.bin']);
    let p: TftpPacket;
    switch (r.int(0, 5)) {
      case 0:
      case 1: {
        const options: Record<string, number> = {};
        for (const name of ['blksize', 'tsize', 'timeout', 'windowsize']) if (chance(r, 0.4)) options[name] = pick(r, [0, 1, 7, 8, 512, 1428, 65464, 65535, r.int(0, 100000)]);
        const others = chance(r, 0.3) ? [{ name: pick(r, ['multicast', 'rollover', 'BLKSIZE', 'x'.repeat(r.int(1, 100))]), value: String(r.int(-5, 99999)) }] : [];
        p = { op: chance(r, 0.85) ? 'RRQ' : 'WRQ', file, mode: pick(r, ['octet', 'netascii', 'OCTET', 'mail', '']), options, others };
        break;
      }
      case 2:
        p = { op: 'ACK', block: pick(r, [0, 1, 2, 0xffff, r.int(0, 0xffff)]) };
        break;
      case 3:
        p = { op: 'DATA', block: pick(r, [0, 1, 0xffff, r.int(0, 0xffff)]), data: r.bytes(pick(r, [0, 1, 511, 512, 513, r.int(0, 1400)])) };
        break;
      case 4:
        p = { op: 'ERROR', code: r.int(0, 10), message: chance(r, 0.5) ? '' : 'x'.repeat(r.int(0, 200)) };
        break;
      default:
        p = { op: 'OACK', options: { blksize: r.int(0, 70000), tsize: r.int(0, 1 << 30) }, others: [] };
    }
    let payload: Uint8Array;
    try {
      payload = encodeTftp(p);
    } catch {
      payload = new Uint8Array([0, r.int(0, 7), ...Buffer.from(file.slice(0, 100), 'latin1')]);
    }
    const raw = r.int(0, 4);
    if (raw === 0) payload = mutate(r, payload);
    else if (raw === 1) {
      // a bad opcode, or the strings without their NULs
      if (chance(r, 0.5)) {
        const op = pick(r, [0, 7, 8, 0x0100, 0xffff]);
        payload[0] = op >> 8;
        payload[1] = op & 0xff;
      } else payload = payload.filter((b, i) => i < 2 || b !== 0);
    }
    return toTarget(r, ctx, port, payload, ctx.end === 'controller' && chance(r, 0.7) ? r.int(1024, 65535) : undefined);
  },

  signalling(r, ctx) {
    return toTarget(r, ctx, signallingPort(r, ctx), clearMessage(r));
  },

  kx(r, ctx) {
    if (ctx.end === 'controller') {
      const phoneKey = pick(r, SMALL_ORDER_KEYS.concat([r.bytes(32)]));
      const msg: Message = { type: 'key-exchange', mac: chance(r, 0.5) ? ctx.peerMac : randomMac(r), phoneKey, nonce: r.bytes(16) };
      return toTarget(r, ctx, SIGNALLING_PORT, encodeMessage(msg, { txid: r.int(0, 0xffffffff), flags: 1 }), chance(r, 0.5) ? undefined : r.int(1024, 65535));
    }
    // to the phone: an answer to its own exchange (its txid), refused, unsigned, badly signed or keyed
    const txids = ctx.out.items.map(datagramOf).filter((d) => d && d.dstPort === SIGNALLING_PORT && !isSealed(d.payload)).map((d) => decodeMessage(d!.payload)).filter((m) => m.ok).map((m) => (m as { envelope: { txid: number } }).envelope.txid);
    const msg: Message = {
      type: 'key-exchange-ack',
      result: chance(r, 0.8) ? 'ok' : 'refused',
      sessionId: r.bytes(8),
      controllerKey: pick(r, SMALL_ORDER_KEYS.concat([r.bytes(32)])),
      nonce: r.bytes(16),
      keyId: chance(r, 0.5) ? new Uint8Array(8) : r.bytes(8),
      signature: r.bytes(64),
    };
    const txid = txids.length > 0 && chance(r, 0.7) ? pick(r, txids) : r.int(0, 0xffffffff);
    return toTarget(r, ctx, signallingPort(r, ctx), encodeMessage(msg, { txid, flags: 2 }));
  },

  sealed(r, ctx) {
    // a forged sealed datagram: a random or a live session id, any sequence number, random ciphertext
    const live = ctx.session();
    const id = live && chance(r, 0.5) ? live.id : r.bytes(8);
    const head = sealedHeader({ sessionId: id, seq: BigInt(r.int(0, 0xffffffff)) });
    if (chance(r, 0.1)) head[2] = r.int(0, 255); // version
    const body = r.bytes(pick(r, [0, 1, 15, 16, 17, r.int(0, 300)]));
    const payload = new Uint8Array([...head, ...body]);
    return toTarget(r, ctx, signallingPort(r, ctx), chance(r, 0.1) ? payload.slice(0, r.int(0, payload.length)) : payload);
  },

  replay(r, ctx) {
    // a frame this run carried to the target, again: sealed ones are replays, others duplicates
    const sealed = ctx.live.items.filter((f) => {
      const d = datagramOf(f);
      return d !== undefined && isSealed(d.payload);
    });
    const source = sealed.length > 0 && chance(r, 0.8) ? sealed : ctx.live.items.length > 0 ? ctx.live.items : ctx.corpus;
    const frame = pick(r, source);
    if (chance(r, 0.5)) return toWire(frame);
    const d = datagramOf(frame);
    if (!d) return toWire(mutate(r, frame));
    // bit flips inside the payload, checksums valid: the tag (or the parser) has to catch them
    const payload = new Uint8Array(d.payload);
    for (let k = r.int(1, 3); k > 0 && payload.length > 0; k--) payload[r.int(0, payload.length - 1)] ^= 1 << r.int(0, 7);
    return toWire(udpFrame({ srcMac: d.srcMac, dstMac: ctx.selfMac, srcIp: d.srcIp, dstIp: d.dstIp, srcPort: d.srcPort, dstPort: d.dstPort, payload }));
  },

  session(r, ctx) {
    // speaking in the real peer's live session (its keys from the key log): authenticated, so the
    // mutated messages reach the handlers behind the secure layer
    const s = ctx.session();
    if (!s) return GENERATORS.signalling(r, ctx);
    s.seq += BigInt(chance(r, 0.7) ? 1 : r.int(1, 64));
    const head = sealedHeader({ sessionId: s.id, seq: s.seq });
    const body = seal(s.key, s.direction, s.seq, head, clearMessage(r, true));
    return toTarget(r, ctx, signallingPort(r, ctx), new Uint8Array([...head, ...body]), ctx.end === 'phone' ? SIGNALLING_PORT : peerSignallingPort(ctx));
  },

  corpus(r, ctx) {
    const frame = pick(r, ctx.live.items.length > 0 && chance(r, 0.5) ? ctx.live.items : ctx.corpus);
    const d = datagramOf(frame);
    if (!d) return toWire(mutate(r, frame));
    let payload: Uint8Array = new Uint8Array(d.payload);
    if (isSealed(payload)) {
      const p = parseSealed(payload);
      payload = mutate(r, payload, p.ok && chance(r, 0.5) ? 4 : 0);
    } else payload = mutate(r, payload);
    return toWire(udpFrame({ srcMac: d.srcMac, dstMac: ctx.selfMac, srcIp: d.srcIp, dstIp: chance(r, 0.9) ? d.dstIp : ctx.selfIp(), srcPort: d.srcPort, dstPort: d.dstPort, payload, vlan: d.vlan }));
  },
};

function signallingPort(r: SeededRandom, ctx: FuzzContext): number {
  if (ctx.end === 'controller') return SIGNALLING_PORT;
  const ports = targetPorts(ctx).filter((p) => p !== DHCP_CLIENT_PORT);
  return ports.length > 0 ? pick(r, ports) : r.int(1024, 65535);
}

/** The port the real phone speaks signalling from (the controller answers there). */
function peerSignallingPort(ctx: FuzzContext): number {
  for (const f of ctx.live.items) {
    const d = datagramOf(f);
    if (d && d.dstPort === SIGNALLING_PORT) return d.srcPort;
  }
  return SIGNALLING_PORT;
}

/** X25519 points of small order and other keys a peer must refuse. */
const SMALL_ORDER_KEYS: Uint8Array[] = [
  new Uint8Array(32),
  Uint8Array.from([1, ...new Uint8Array(31)]),
  Uint8Array.from(Buffer.from('e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800', 'hex')),
  Uint8Array.from(Buffer.from('5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157', 'hex')),
  Uint8Array.from(Buffer.from('ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', 'hex')),
  new Uint8Array(32).fill(0xff),
];

// ---- signalling messages of every type ----------------------------------------------------------

/** One decodable message of each type, found once: a zero body of the right length decodes. */
const TEMPLATES: { type: string; msg: Message; bytes: Uint8Array }[] = [];
for (const type of MESSAGE_TYPES) {
  for (let len = 0; len < 1024; len++) {
    const b = new Uint8Array(HEADER_BYTES + len);
    b.set([0x48, 0x44, 1, typeCode(type), 1, 0, 0, 0, 0, 0, len >> 8, len & 0xff]);
    const d = decodeMessage(b);
    if (d.ok) {
      TEMPLATES.push({ type, msg: d.msg, bytes: b });
      break;
    }
  }
}

export const TEMPLATE_TYPES = TEMPLATES.map((t) => t.type);

/** A clear signalling message of a random type with mutated fields (or mutated bytes when that fails). */
export function clearMessage(r: SeededRandom, authenticated = false): Uint8Array {
  const t = pick(r, TEMPLATES);
  const msg = mutateValue(r, t.msg, 0) as Message;
  const flags = pick(r, [0, 1, 2, 1 | 4, 1 | 8, r.int(0, 255)]);
  try {
    const bytes = encodeMessage(msg, { txid: r.int(0, 0xffffffff), flags });
    return chance(r, authenticated ? 0.1 : 0.25) ? mutate(r, bytes, chance(r, 0.5) ? HEADER_BYTES : 0) : bytes;
  } catch {
    const bytes = mutate(r, t.bytes, HEADER_BYTES);
    if (chance(r, 0.7)) {
      const len = bytes.length - HEADER_BYTES;
      bytes[10] = len >> 8;
      bytes[11] = len & 0xff;
    }
    return bytes;
  }
}

function mutateValue(r: SeededRandom, v: unknown, depth: number): unknown {
  if (depth > 0 && !chance(r, 0.35)) return v;
  if (typeof v === 'string') {
    if (depth === 0) return v;
    return pick(r, ['', '0', '5123', '5124', '*'.repeat(r.int(1, 40)), 'x'.repeat(r.int(0, 300)), String(r.int(0, 99999999)), Buffer.from(r.bytes(r.int(0, 20))).toString('latin1'), '\u00ff\u0000', v + 'é']);
  }
  if (typeof v === 'number') return pick(r, [0, 1, 2, 7, 255, 256, 65535, 65536, 0xffffffff, r.int(0, 0xffff), r.int(0, 100)]);
  if (typeof v === 'boolean') return !v;
  if (typeof v === 'bigint') return BigInt(r.int(0, 0xffffffff));
  if (v instanceof Uint8Array) return chance(r, 0.8) ? r.bytes(v.length) : r.bytes(r.int(0, 80));
  if (Array.isArray(v)) {
    if (v.length === 0) return chance(r, 0.5) ? v : [];
    const n = pick(r, [0, 1, v.length, r.int(0, 60)]);
    return Array.from({ length: n }, (_, i) => mutateValue(r, v[i % v.length], depth + 1));
  }
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = k === 'type' ? x : mutateValue(r, x, depth + 1);
    return out;
  }
  return v;
}
