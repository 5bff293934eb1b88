import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../firmware/clock.ts';
import type { TraceRecord, Tracer } from '../../../firmware/hal.ts';
import { ARP_REQUEST, decodeArp, encodeArp } from '../../../firmware/link/arp.ts';
import { ARP_ATTEMPTS, ARP_QUEUE_LIMIT, ARP_RETRY_MS } from '../../../firmware/link/arp-resolver.ts';
import { decodeEthernet, ETHERTYPE_ARP } from '../../../firmware/link/ethernet.ts';
import { checkFcs } from '../../../firmware/link/frame.ts';
import { SlipDecoder } from '../../../firmware/link/slip.ts';
import { NetStack, type Datagram, type NetStackOptions } from '../../../firmware/link/stack.ts';
import { ethFrame, linkPair, onWire, PHONE_IP, PHONE_MAC, ProbeLink, ROUTER_IP, ROUTER_MAC, udpOnWire } from './frames.ts';

class RecordingTracer implements Tracer {
  readonly records: TraceRecord[] = [];
  record(rec: TraceRecord): void {
    this.records.push(rec);
  }
  frames(dir?: 'tx' | 'rx') {
    return this.records.flatMap((r) => (r.kind === 'frame' && (!dir || r.dir === dir) ? [r] : []));
  }
}

function text(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

function asText(d: Datagram): string {
  return new TextDecoder().decode(d.payload);
}

/** A phone (host) and its router back to back. */
function backToBack(opts: { clocked?: boolean; chunk?: number; phone?: Partial<NetStackOptions>; router?: Partial<NetStackOptions> } = {}) {
  const clock = new VirtualClock();
  const [a, b] = linkPair(opts.clocked ? { clock, latencyMs: 2, chunk: opts.chunk } : {});
  const phoneTrace = new RecordingTracer();
  const routerTrace = new RecordingTracer();
  const phone = new NetStack({ mac: PHONE_MAC, link: a, clock, ip: PHONE_IP, tracer: phoneTrace, ...opts.phone });
  const router = new NetStack({ mac: ROUTER_MAC, link: b, clock, ip: ROUTER_IP, mode: 'router', tracer: routerTrace, ...opts.router });
  return { clock, phone, router, phoneTrace, routerTrace };
}

/** Decodes what a stack wrote on a ProbeLink into Ethernet frames. */
function framesWritten(link: ProbeLink) {
  const frames: Uint8Array[] = [];
  const dec = new SlipDecoder(2000, { frame: (b) => frames.push(b), drop: (r) => frames.push(new Uint8Array(0)) && void r });
  for (const w of link.written) dec.push(w);
  return frames.map((f) => {
    const checked = checkFcs(f);
    if (!checked.ok) throw new Error(`stack wrote a frame with ${checked.reason}`);
    const eth = decodeEthernet(checked.value);
    if (!eth.ok) throw new Error(eth.reason);
    return eth.value;
  });
}

describe('NetStack host <-> router', () => {
  it('resolves the router by ARP, then exchanges UDP both ways without asking again', () => {
    const { phone, router, phoneTrace } = backToBack();
    const atRouter: Datagram[] = [];
    const atPhone: Datagram[] = [];
    router.bind(6800, (d) => {
      atRouter.push(d);
      router.sendUdp({ srcIp: d.dstIp, srcPort: 6800, dstIp: d.srcIp, dstPort: d.srcPort, payload: text(`ack ${asText(d)}`) });
    });
    phone.bind(5000, (d) => atPhone.push(d));

    phone.sendUdp({ dstIp: ROUTER_IP, dstPort: 6800, srcPort: 5000, payload: text('one') });
    phone.sendUdp({ dstIp: ROUTER_IP, dstPort: 6800, srcPort: 5000, payload: text('two') });

    expect(atRouter.map(asText)).toEqual(['one', 'two']);
    expect(atRouter[0]).toMatchObject({ srcIp: PHONE_IP, srcPort: 5000, dstIp: ROUTER_IP, dstPort: 6800, srcMac: PHONE_MAC });
    expect(atRouter[0].vlan).toBeUndefined();
    expect(atPhone.map(asText)).toEqual(['ack one', 'ack two']);
    expect(atPhone[0].payload).toBeInstanceOf(Uint8Array);
    // one ARP request, one reply; the router learned the phone from its datagram: no ARP of its own
    expect(phone.counters.txFrames).toBe(3);
    expect(router.counters.txFrames).toBe(3);
    expect(phone.counters.delivered).toBe(2);
    expect(phone.counters.dropped + router.counters.dropped).toBe(0);
    expect(phoneTrace.frames('tx')[0]).toEqual({ kind: 'frame', dir: 'tx', proto: 'arp', summary: 'who-has 10.0.0.1 tell 10.0.0.2', bytes: 42 });
    expect(phoneTrace.frames('rx')[0]).toMatchObject({ proto: 'arp', summary: `10.0.0.1 is-at ${ROUTER_MAC}` });
    expect(phoneTrace.frames('tx')[1]).toMatchObject({ proto: 'udp', summary: '10.0.0.2:5000 > 10.0.0.1:6800 len 3', bytes: 45 });
    expect(phoneTrace.frames('rx')[1]).toMatchObject({ proto: 'udp', summary: '10.0.0.1:6800 > 10.0.0.2:5000 len 7', bytes: 49 });
  });

  it('works through a clocked link that cuts frames into 7-byte chunks', async () => {
    const { clock, phone, router } = backToBack({ clocked: true, chunk: 7 });
    const got: string[] = [];
    router.bindAny((d) => got.push(`${d.dstIp}:${d.dstPort} ${asText(d)}`));
    for (let i = 0; i < 5; i++) phone.sendUdp({ dstIp: '192.168.7.20', dstPort: 69, srcPort: 3000 + i, payload: text(`rrq ${i}`) });
    expect(got).toEqual([]);
    await clock.advance(50);
    expect(got).toEqual([0, 1, 2, 3, 4].map((i) => `192.168.7.20:69 rrq ${i}`));
    expect(phone.counters.dropped + router.counters.dropped).toBe(0);
  });

  it('proxy-ARPs for any address but the asker own, and never answers a probe', () => {
    const link = new ProbeLink();
    const router = new NetStack({ mac: ROUTER_MAC, link, clock: new VirtualClock(), ip: ROUTER_IP, mode: 'router' });
    const ask = (senderIp: string, targetIp: string) =>
      link.inject(onWire(ethFrame(encodeArp({ op: ARP_REQUEST, senderMac: PHONE_MAC, senderIp, targetMac: '00:00:00:00:00:00', targetIp }), { dstMac: 'ff:ff:ff:ff:ff:ff', srcMac: PHONE_MAC }, ETHERTYPE_ARP)));
    ask(PHONE_IP, '172.16.0.9');
    ask(PHONE_IP, PHONE_IP); // gratuitous
    ask('0.0.0.0', '10.0.0.77'); // RFC 5227 probe
    const replies = framesWritten(link);
    expect(replies).toHaveLength(1);
    expect(replies[0].dst).toBe(PHONE_MAC);
    expect(decodeArp(replies[0].payload)).toEqual({ ok: true, value: { op: 2, senderMac: ROUTER_MAC, senderIp: '172.16.0.9', targetMac: PHONE_MAC, targetIp: PHONE_IP } });
  });

  it('host answers ARP only for its own address, and not before it has one', () => {
    const link = new ProbeLink();
    const phone = new NetStack({ mac: PHONE_MAC, link, clock: new VirtualClock() });
    const ask = (targetIp: string) =>
      link.inject(onWire(ethFrame(encodeArp({ op: ARP_REQUEST, senderMac: ROUTER_MAC, senderIp: ROUTER_IP, targetMac: '00:00:00:00:00:00', targetIp }), { dstMac: 'ff:ff:ff:ff:ff:ff' }, ETHERTYPE_ARP)));
    ask('0.0.0.0');
    ask(PHONE_IP);
    expect(link.written).toHaveLength(0);
    phone.ip = PHONE_IP;
    ask('10.0.0.3');
    ask(PHONE_IP);
    const replies = framesWritten(link);
    expect(replies.map((f) => decodeArp(f.payload))).toEqual([{ ok: true, value: { op: 2, senderMac: PHONE_MAC, senderIp: PHONE_IP, targetMac: ROUTER_MAC, targetIp: ROUTER_IP } }]);
    // the three it did not answer are counted: ARP for others is a drop like any other
    expect(phone.counters.drops['arp-not-for-us']).toBe(3);
    expect(phone.counters.dropped).toBe(3);
  });

  it('carries DHCP-style broadcasts from 0.0.0.0 and a reply unicast by MAC to the offered address', () => {
    const { phone, router, phoneTrace } = backToBack({ phone: { ip: undefined } });
    expect(phone.ip).toBe('0.0.0.0');
    const offers: Datagram[] = [];
    router.bind(67, (d) => {
      expect(d).toMatchObject({ srcIp: '0.0.0.0', srcPort: 68, dstIp: '255.255.255.255', dstPort: 67, srcMac: PHONE_MAC });
      router.sendUdp({ srcIp: ROUTER_IP, srcPort: 67, dstIp: '10.0.0.50', dstPort: 68, dstMac: d.srcMac, payload: text('offer') });
    });
    phone.bind(68, (d) => offers.push(d));
    phone.sendUdp({ dstIp: '255.255.255.255', dstPort: 67, srcPort: 68, payload: new Uint8Array(300) });
    expect(offers.map(asText)).toEqual(['offer']);
    expect(phoneTrace.frames('tx')[0]).toMatchObject({ proto: 'udp', summary: '0.0.0.0:68 > 255.255.255.255:67 len 300' });
    // once configured, an address that is not ours is refused
    phone.ip = '10.0.0.2';
    router.sendUdp({ srcIp: ROUTER_IP, srcPort: 67, dstIp: '10.0.0.50', dstPort: 68, dstMac: PHONE_MAC, payload: text('late') });
    expect(offers).toHaveLength(1);
    expect(phone.counters.drops['not-for-us']).toBe(1);
    // the limited broadcast is always ours
    router.sendUdp({ srcIp: ROUTER_IP, srcPort: 67, dstIp: '255.255.255.255', dstPort: 68, payload: text('bcast') });
    expect(offers.map(asText)).toEqual(['offer', 'bcast']);
  });

  it('tags every frame on a VLAN, and the router answers on the asker VLAN', () => {
    const phoneTap: Array<['tx' | 'rx', Uint8Array]> = [];
    const { phone, router } = backToBack({ phone: { tap: (dir, f) => phoneTap.push([dir, f.slice()]) } });
    phone.vlan = { id: 100, pcp: 5 };
    const atRouter: Datagram[] = [];
    const atPhone: string[] = [];
    router.bindAny((d) => {
      atRouter.push(d);
      router.sendUdp({ srcIp: d.dstIp, srcPort: d.dstPort, dstIp: d.srcIp, dstPort: d.srcPort, payload: text('unicast') });
      router.sendUdp({ srcIp: d.dstIp, srcPort: d.dstPort, dstIp: '255.255.255.255', dstPort: d.srcPort, payload: text('bcast'), vlan: d.vlan });
    });
    phone.bind(6800, (d) => atPhone.push(`${asText(d)} vid ${d.vlan?.id}`));
    phone.sendUdp({ dstIp: '192.168.1.5', dstPort: 6800, srcPort: 6800, payload: text('register') });
    expect(atRouter[0].vlan).toEqual({ id: 100, pcp: 5 });
    expect(atPhone).toEqual(['unicast vid 100', 'bcast vid 100']);
    // every frame the phone sent or accepted carries TPID 8100 and VID 100
    expect(phoneTap.length).toBe(5); // arp who-has, arp reply, udp, 2 udp
    for (const [, f] of phoneTap) expect(Buffer.from(f.subarray(12, 16)).toString('hex')).toBe('8100a064');
    // another VLAN is refused; untagged and priority-tagged (VID 0) frames are accepted
    router.sendUdp({ srcIp: ROUTER_IP, srcPort: 1, dstIp: PHONE_IP, dstPort: 6800, payload: text('other'), vlan: { id: 200, pcp: 0 } });
    router.sendUdp({ srcIp: ROUTER_IP, srcPort: 1, dstIp: PHONE_IP, dstPort: 6800, payload: text('plain'), vlan: null });
    router.sendUdp({ srcIp: ROUTER_IP, srcPort: 1, dstIp: PHONE_IP, dstPort: 6800, payload: text('prio'), vlan: { id: 0, pcp: 6 } });
    expect(phone.counters.drops['vlan-mismatch']).toBe(1);
    expect(atPhone.slice(2)).toEqual(['plain vid undefined', 'prio vid 0']);
  });

  it('answers a tagged DHCP client (no address yet) by MAC on its VLAN', () => {
    const { phone, router } = backToBack({ phone: { ip: undefined } });
    phone.vlan = { id: 30, pcp: 6 };
    const got: Datagram[] = [];
    phone.bind(68, (d) => got.push(d));
    // as sim/controller/router.ts replies: to the sender's MAC, no explicit tag
    router.bind(67, (d) => router.sendUdp({ srcIp: ROUTER_IP, srcPort: 67, dstIp: '10.0.0.50', dstPort: 68, dstMac: d.srcMac, payload: text('offer') }));
    phone.sendUdp({ dstIp: '255.255.255.255', dstPort: 67, srcPort: 68, payload: text('discover') });
    expect(got.map((d) => [asText(d), d.vlan])).toEqual([['offer', { id: 30, pcp: 6 }]]);
  });

  it('a host without a VLAN refuses tagged frames, the router takes any', () => {
    const { phone, router } = backToBack();
    const got: string[] = [];
    phone.bind(7, (d) => got.push(asText(d)));
    router.sendUdp({ srcIp: ROUTER_IP, srcPort: 7, dstIp: PHONE_IP, dstPort: 7, dstMac: PHONE_MAC, payload: text('x'), vlan: { id: 12, pcp: 0 } });
    expect(got).toEqual([]);
    expect(phone.counters.drops['vlan-mismatch']).toBe(1);
  });

  it('gives up ARP after the retries on the virtual clock and drops what waited as arp-timeout', () => {
    const clock = new VirtualClock();
    const link = new ProbeLink();
    const tracer = new RecordingTracer();
    const phone = new NetStack({ mac: PHONE_MAC, link, clock, ip: PHONE_IP, tracer });
    for (let i = 0; i < ARP_QUEUE_LIMIT + 1; i++) phone.sendUdp({ dstIp: '10.0.0.9', dstPort: 9, srcPort: 9, payload: text(`${i}`) });
    expect(phone.counters.drops['arp-queue-full']).toBe(1);
    const requests = () => framesWritten(link).filter((f) => f.etherType === ETHERTYPE_ARP).length;
    expect(requests()).toBe(1);
    clock.advanceSync(ARP_RETRY_MS - 1);
    expect(requests()).toBe(1);
    clock.advanceSync(1);
    expect(requests()).toBe(2);
    clock.advanceSync(ARP_RETRY_MS * (ARP_ATTEMPTS - 1) - 1);
    expect(requests()).toBe(ARP_ATTEMPTS);
    expect(phone.counters.drops['arp-timeout']).toBe(0);
    clock.advanceSync(1);
    expect(phone.counters.drops['arp-timeout']).toBe(ARP_QUEUE_LIMIT);
    expect(tracer.records.filter((r) => r.kind === 'drop' && r.reason === 'arp-timeout')).toHaveLength(ARP_QUEUE_LIMIT);
    clock.advanceSync(10_000);
    expect(requests()).toBe(ARP_ATTEMPTS);
    expect(clock.pending).toBe(0);
    // a fresh send starts resolution again; close() cancels its timers
    phone.sendUdp({ dstIp: '10.0.0.9', dstPort: 9, srcPort: 9, payload: text('again') });
    expect(clock.pending).toBe(1);
    phone.close();
    expect(clock.pending).toBe(0);
  });

  it('flushes the ARP queue in order when the reply comes late', async () => {
    const { clock, phone, router } = backToBack({ clocked: true });
    const got: string[] = [];
    router.bindAny((d) => got.push(asText(d)));
    for (let i = 0; i < 4; i++) phone.sendUdp({ dstIp: ROUTER_IP, dstPort: 1, srcPort: 1, payload: text(`${i}`) });
    await clock.advance(100);
    expect(got).toEqual(['0', '1', '2', '3']);
  });

  it('binds one handler per port, unbinds, and counts datagrams nobody took', () => {
    const { phone, router } = backToBack();
    const got: string[] = [];
    const unbind = phone.bind(6800, (d) => got.push(asText(d)));
    expect(() => phone.bind(6800, () => {})).toThrow(/already bound/);
    const send = (s: string) => router.sendUdp({ srcIp: ROUTER_IP, srcPort: 1, dstIp: PHONE_IP, dstPort: 6800, dstMac: PHONE_MAC, payload: text(s) });
    send('a');
    unbind();
    send('b');
    expect(got).toEqual(['a']);
    expect(phone.counters.drops['no-listener']).toBe(1);
    const unbindAny = phone.bindAny((d) => got.push(`any ${asText(d)}`));
    expect(() => phone.bindAny(() => {})).toThrow();
    send('c');
    unbindAny();
    phone.bind(6800, (d) => got.push(`again ${asText(d)}`));
    send('d');
    expect(got).toEqual(['a', 'any c', 'again d']);
  });

  it('drops a datagram too big for maxFrame as tx-oversize and sends the largest that fits', () => {
    const { phone, router } = backToBack({ phone: { ip: PHONE_IP } });
    const sizes: number[] = [];
    router.bindAny((d) => sizes.push(d.payload.length));
    phone.sendUdp({ dstIp: '255.255.255.255', dstPort: 1, srcPort: 1, payload: new Uint8Array(1522 - 42 + 1) });
    phone.sendUdp({ dstIp: '255.255.255.255', dstPort: 1, srcPort: 1, payload: new Uint8Array(1522 - 42) });
    phone.vlan = { id: 5, pcp: 0 }; // the tag takes 4 more bytes
    phone.sendUdp({ dstIp: '255.255.255.255', dstPort: 1, srcPort: 1, payload: new Uint8Array(1522 - 42) });
    expect(sizes).toEqual([1480]);
    expect(phone.counters.drops['tx-oversize']).toBe(2);
  });

  it('names datagrams through describeUdp, and frame records can be switched off', () => {
    const describeUdp = (d: Datagram) => (d.dstPort === 67 || d.dstPort === 68 ? { proto: 'dhcp', summary: `dhcp ${d.payload.length}` } : undefined);
    const { phone, router, phoneTrace, routerTrace } = backToBack({ phone: { describeUdp }, router: { traceFrames: false } });
    router.bind(67, () => {});
    phone.sendUdp({ dstIp: '255.255.255.255', dstPort: 67, srcPort: 68, payload: new Uint8Array(10) });
    phone.sendUdp({ dstIp: '255.255.255.255', dstPort: 99, srcPort: 68, payload: new Uint8Array(10) });
    expect(phoneTrace.frames('tx').map((r) => [r.proto, r.summary])).toEqual([
      ['dhcp', 'dhcp 10'],
      ['udp', '10.0.0.2:68 > 255.255.255.255:99 len 10'],
    ]);
    expect(routerTrace.frames()).toEqual([]);
    expect(routerTrace.records).toEqual([{ kind: 'drop', reason: 'no-listener' }]);
  });

  it('traces a throwing handler, raises it again from the clock, and keeps receiving', () => {
    const clock = new VirtualClock();
    const link = new ProbeLink();
    const tracer = new RecordingTracer();
    const phone = new NetStack({ mac: PHONE_MAC, link, clock, ip: PHONE_IP, tracer });
    const got: string[] = [];
    phone.bind(6800, (d) => {
      if (asText(d) === 'boom') throw new Error('handler bug');
      got.push(asText(d));
    });
    // both frames in one chunk: the second must survive the first one's exception
    link.inject(Buffer.concat([udpOnWire({ payload: text('boom') }), udpOnWire({ payload: text('fine') })]));
    expect(got).toEqual(['fine']);
    expect(tracer.records).toContainEqual({ kind: 'error', message: 'udp handler for port 6800 threw: handler bug' });
    expect(() => clock.advanceSync(1)).toThrow('handler bug');
  });

  it('after close() ignores the link and sends nothing', () => {
    const link = new ProbeLink();
    const phone = new NetStack({ mac: PHONE_MAC, link, clock: new VirtualClock(), ip: PHONE_IP });
    phone.bind(6800, () => {
      throw new Error('must not be called');
    });
    phone.close();
    link.inject(udpOnWire());
    phone.sendUdp({ dstIp: '255.255.255.255', dstPort: 1, srcPort: 1, payload: text('x') });
    expect(link.written).toEqual([]);
    expect(phone.counters.rxBytes).toBe(0);
  });

  it('refuses malformed configuration and arguments by throwing', () => {
    const link = new ProbeLink();
    expect(() => new NetStack({ mac: 'nope', link, clock: new VirtualClock() })).toThrow();
    expect(() => new NetStack({ mac: 'ff:ff:ff:ff:ff:ff', link, clock: new VirtualClock() })).toThrow();
    const phone = new NetStack({ mac: '02:00:00:00:00:AB', link, clock: new VirtualClock() });
    expect(phone.mac).toBe('02:00:00:00:00:ab');
    expect(() => (phone.ip = '1.2.3')).toThrow();
    expect(() => (phone.vlan = { id: 4096, pcp: 0 })).toThrow();
    expect(() => phone.sendUdp({ dstIp: 'x', dstPort: 1, srcPort: 1, payload: new Uint8Array(0) })).toThrow();
    expect(() => phone.sendUdp({ dstIp: '1.2.3.4', dstPort: 70000, srcPort: 1, payload: new Uint8Array(0) })).toThrow();
    expect(() => phone.bind(-1, () => {})).toThrow();
  });
});
