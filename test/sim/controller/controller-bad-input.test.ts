// The whole controller against a hostile wire, in virtual time: frames built by the firmware's own
// stack (valid FCS and checksums) carrying bad payloads. Nothing escapes as an exception, every drop is
// counted by reason, and the services keep serving.
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../firmware/clock.ts';
import type { TraceRecord, Tracer } from '../../../firmware/hal.ts';
import { SeededRandom } from '../../../firmware/random.ts';
import { buildDiscover } from '../../../firmware/boot/dhcp-client-messages.ts';
import { decodeDhcpMessage, getMessageType } from '../../../firmware/boot/dhcp-message.ts';
import { DhcpMessageType } from '../../../firmware/boot/dhcp-options.ts';
import { ARP_REPLY, ARP_REQUEST, encodeArp } from '../../../firmware/link/arp.ts';
import { encodeEthernet, ETHERTYPE_ARP } from '../../../firmware/link/ethernet.ts';
import { appendFcs } from '../../../firmware/link/frame.ts';
import { slipEncode } from '../../../firmware/link/slip.ts';
import { NetStack, type Datagram } from '../../../firmware/link/stack.ts';
import { Controller } from '../../../sim/controller/controller.ts';
import { parseControllerConfig } from '../../../sim/controller/config.ts';
import { ROUTER_MAC } from '../../../sim/controller/router.ts';
import { linkPair } from '../../firmware/link/frames.ts';

const PHONE_MAC = '00:08:5d:01:02:03';
const macBytes = Uint8Array.of(0x00, 0x08, 0x5d, 1, 2, 3);

class Recorder implements Tracer {
  readonly records: TraceRecord[] = [];
  record(r: TraceRecord): void {
    this.records.push(r);
  }
  drops(): string[] {
    return this.records.flatMap((r) => (r.kind === 'drop' ? [r.reason] : []));
  }
}

function world() {
  const clock = new VirtualClock();
  const [phoneEnd, controllerEnd] = linkPair({ clock, latencyMs: 1 });
  const tracer = new Recorder();
  const controller = new Controller({ link: controllerEnd, clock, random: new SeededRandom(5), config: parseControllerConfig({}, 'test'), tracer, keyLog: () => {} });
  const phone = new NetStack({ mac: PHONE_MAC, link: phoneEnd, clock });
  const atPhone: Datagram[] = [];
  phone.bind(68, (d) => atPhone.push(d));
  const offers = () => atPhone.filter((d) => {
    const m = decodeDhcpMessage(d.payload);
    return m.ok && getMessageType(m.msg) === DhcpMessageType.Offer;
  });
  const toServer = (payload: Uint8Array, dstPort = 67) =>
    phone.sendUdp({ srcIp: '0.0.0.0', srcPort: 68, dstIp: '255.255.255.255', dstPort, payload });
  /** Runs the clock; any exception from a clock task fails the test here. */
  const run = (ms = 50) => clock.advanceSync(ms);
  return { clock, controller, phone, tracer, offers, toServer, run, phoneEnd };
}

const discover = () => buildDiscover({ mac: macBytes, vendorClass: 'ipphone.mitel.com' }, { xid: 42, secs: 0, broadcastFlag: true });

describe('controller: one bad frame does not kill it', () => {
  it('a DISCOVER with hlen 7 is a counted, traced drop, and the next good DISCOVER is offered', () => {
    const w = world();
    const bad = discover().slice();
    bad[2] = 7;
    w.toServer(bad);
    expect(() => w.run()).not.toThrow();
    expect(w.controller.dhcp.counters.drops['bad-hlen']).toBe(1);
    expect(w.tracer.drops()).toContain('dhcp-bad-hlen');
    expect(w.offers()).toHaveLength(0);
    w.toServer(discover());
    w.run();
    expect(w.offers()).toHaveLength(1);
  });

  it('htype 6 and hlen 0 are counted drops too, and no reply goes out', () => {
    const w = world();
    for (const [at, v] of [[1, 6], [2, 0], [2, 16]] as const) {
      const bad = discover().slice();
      bad[at] = v;
      w.toServer(bad);
    }
    expect(() => w.run()).not.toThrow();
    expect(w.controller.dhcp.counters.drops['bad-htype']).toBe(1);
    expect(w.controller.dhcp.counters.drops['bad-hlen']).toBe(2);
    expect(w.offers()).toHaveLength(0);
  });

  it('malformed DHCP and TFTP datagrams at the controller are counted', () => {
    const w = world();
    w.toServer(Uint8Array.of(1, 2, 3));
    w.toServer(Uint8Array.of(0, 9, 0, 0), 69);
    w.toServer(Uint8Array.of(0, 1, 0x41), 20001);
    w.run();
    expect(w.controller.dhcp.counters.drops.malformed).toBe(1);
    expect(w.controller.tftp.stats.drops.malformed).toBe(2);
    expect(w.tracer.drops()).toEqual(expect.arrayContaining(['dhcp-malformed', 'tftp-malformed']));
  });

  it('a datagram for a port with no service is counted at the router', () => {
    const w = world();
    w.toServer(Uint8Array.of(1), 4444);
    w.run();
    expect(w.controller.router.counters.drops['no-service']).toBe(1);
    expect(w.tracer.drops()).toContain('no-service');
  });

  it('a service that throws is caught at the dispatch, counted as handler-error, and the router keeps serving', () => {
    const w = world();
    let calls = 0;
    w.controller.router.serve(4445, () => {
      calls++;
      throw new TypeError('boom');
    });
    w.toServer(Uint8Array.of(1), 4445);
    w.toServer(Uint8Array.of(2), 4445);
    expect(() => w.run()).not.toThrow();
    expect(calls).toBe(2);
    expect(w.controller.router.counters.drops['handler-error']).toBe(2);
    expect(w.tracer.records.some((r) => r.kind === 'error' && r.message.includes('4445'))).toBe(true);
    w.toServer(discover());
    w.run();
    expect(w.offers()).toHaveLength(1);
  });

  it('a clock task a service scheduled that throws is caught and counted, not raised', () => {
    const w = world();
    w.controller.clock.setTimeout(() => {
      throw new Error('task bug');
    }, 5);
    expect(() => w.run()).not.toThrow();
    expect(w.controller.router.counters.drops['handler-error']).toBe(1);
  });

  it('a reply the stack refuses (a bad destination) is counted, not thrown', () => {
    const w = world();
    expect(() => w.controller.router.send({ srcIp: '192.168.10.1', srcPort: 67, dstIp: '1.2.3', dstPort: 68, payload: new Uint8Array(1) })).not.toThrow();
    expect(w.controller.router.counters.drops['tx-refused']).toBe(1);
  });
});

describe('ARP frames for others are counted drops, at both ends', () => {
  const arpFrame = (op: typeof ARP_REQUEST | typeof ARP_REPLY, senderIp: string, targetIp: string, dst = 'ff:ff:ff:ff:ff:ff', targetMac = '00:00:00:00:00:00') =>
    slipEncode(appendFcs(encodeEthernet({ dst, src: '00:08:5d:09:09:09', etherType: ETHERTYPE_ARP, payload: encodeArp({ op, senderMac: '00:08:5d:09:09:09', senderIp, targetMac, targetIp }) })));

  it('the phone: a request for another address, and a reply it never asked for', () => {
    const clock = new VirtualClock();
    const [a, b] = linkPair();
    const phone = new NetStack({ mac: PHONE_MAC, link: a, clock, ip: '192.168.10.100' });
    b.write(arpFrame(ARP_REQUEST, '192.168.10.50', '192.168.10.77'));
    b.write(arpFrame(ARP_REPLY, '192.168.10.50', '192.168.10.60', 'ff:ff:ff:ff:ff:ff', '00:08:5d:07:07:07'));
    expect(phone.counters.drops['arp-not-for-us']).toBe(2);
    expect(phone.counters.dropped).toBe(2);
    b.write(arpFrame(ARP_REQUEST, '192.168.10.50', '192.168.10.100'));
    expect(phone.counters.dropped).toBe(2); // ours: answered, not dropped
  });

  it('the router: a probe (sender 0.0.0.0) it must not answer', () => {
    const w = world();
    w.phoneEnd.write(arpFrame(ARP_REQUEST, '0.0.0.0', '192.168.10.100', ROUTER_MAC));
    w.run();
    expect(w.controller.router.interfaces[0].counters.drops['arp-not-for-us']).toBe(1);
  });
});
