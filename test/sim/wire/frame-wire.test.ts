// The frame link of a fleet (sim/wire/frame-wire.ts): whole Ethernet frames, in memory, at the instant
// they are sent but never inside the sender's call, in the order sent across every cable of the world;
// and a NetStack on it runs ARP, IPv4 and UDP exactly as on a serial line, without SLIP or FCS.
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../firmware/clock.ts';
import { isFrameLink } from '../../../firmware/link/frame-link.ts';
import { NetStack } from '../../../firmware/link/stack.ts';
import { FrameHub } from '../../../sim/wire/frame-wire.ts';
import { TraceWriter, type StampedRecord } from '../../../sim/trace.ts';

const frame = (n: number) => Uint8Array.of(n);

describe('FrameHub', () => {
  it('delivers each frame whole, after the sender returns, in the order sent over every cable', () => {
    const clock = new VirtualClock();
    const hub = new FrameHub(clock);
    const a = hub.cable();
    const b = hub.cable();
    const got: string[] = [];
    a.controllerEnd.onData((f) => got.push(`a:${f[0]}`));
    b.controllerEnd.onData((f) => got.push(`b:${f[0]}`));
    a.phoneEnd.onData((f) => got.push(`a-phone:${f[0]}`));
    a.phoneEnd.write(frame(1));
    b.phoneEnd.write(frame(2));
    a.phoneEnd.write(frame(3));
    expect(got).toEqual([]); // nothing inside the sender's call
    expect(hub.pending).toBe(3);
    clock.advanceSync(0);
    expect(got).toEqual(['a:1', 'b:2', 'a:3']);
    expect(clock.now()).toBe(0); // the same instant: a frame link has no line rate
    expect(isFrameLink(a.phoneEnd)).toBe(true);
  });

  it('delivers what a receiver sends back at the same instant, after what was queued before it', () => {
    const clock = new VirtualClock();
    const hub = new FrameHub(clock);
    const { phoneEnd, controllerEnd } = hub.cable();
    const other = hub.cable();
    const got: string[] = [];
    controllerEnd.onData((f) => {
      got.push(`ctl:${f[0]}`);
      controllerEnd.write(frame(f[0] + 100));
    });
    phoneEnd.onData((f) => got.push(`phone:${f[0]}`));
    other.controllerEnd.onData((f) => got.push(`other:${f[0]}`));
    phoneEnd.write(frame(1));
    other.phoneEnd.write(frame(2));
    clock.advanceSync(0);
    expect(got).toEqual(['ctl:1', 'other:2', 'phone:101']);
    expect(hub.pending).toBe(0);
  });

  it('a receiver that throws loses no other frame; a closed hub delivers nothing', () => {
    const clock = new VirtualClock();
    const hub = new FrameHub(clock);
    const { phoneEnd, controllerEnd } = hub.cable();
    const got: number[] = [];
    controllerEnd.onData((f) => {
      if (f[0] === 1) throw new Error('boom');
      got.push(f[0]);
    });
    phoneEnd.write(frame(1));
    phoneEnd.write(frame(2));
    expect(() => clock.advanceSync(0)).toThrow('boom');
    clock.advanceSync(0);
    expect(got).toEqual([2]);
    phoneEnd.write(frame(3));
    hub.close();
    clock.advanceSync(10);
    expect(got).toEqual([2]);
    expect(clock.pending).toBe(0);
  });
});

describe('NetStack on a frame link', () => {
  it('resolves ARP and carries UDP both ways, with no SLIP, no FCS and nothing dropped', () => {
    const clock = new VirtualClock();
    const hub = new FrameHub(clock);
    const { phoneEnd, controllerEnd } = hub.cable();
    const phone = new NetStack({ mac: '00:08:5d:00:00:01', link: phoneEnd, clock, ip: '192.168.10.100' });
    const router = new NetStack({ mac: '02:48:44:00:00:01', link: controllerEnd, clock, ip: '192.168.10.1', mode: 'router' });
    const sent: Uint8Array[] = [];
    const write = phoneEnd.write.bind(phoneEnd);
    phoneEnd.write = (f) => {
      sent.push(f);
      write(f);
    };
    router.bindAny((d) => router.sendUdp({ srcIp: '192.168.10.1', srcPort: 7, dstIp: d.srcIp, dstPort: d.srcPort, payload: d.payload }));
    const echoed: string[] = [];
    phone.bind(5000, (d) => echoed.push(Buffer.from(d.payload).toString()));
    phone.sendUdp({ dstIp: '192.168.10.1', srcPort: 5000, dstPort: 7, payload: Buffer.from('hello') });
    clock.advanceSync(100);
    expect(echoed).toEqual(['hello']);
    // the ARP request, then the datagram: each an Ethernet frame exactly, without SLIP END or an FCS
    expect(sent.map((f) => f.length)).toEqual([42, 14 + 20 + 8 + 5]);
    expect(sent[1][0]).toBe(0x02); // the router's MAC, first byte of the frame itself
    expect(phone.counters.txFrames).toBe(2);
    expect(phone.counters.txBytes).toBe(42 + 47);
    expect(phone.counters.dropped + router.counters.dropped).toBe(0);
  });

  it('drops a frame shorter than an Ethernet header or longer than the largest, counted', () => {
    const clock = new VirtualClock();
    const hub = new FrameHub(clock);
    const { phoneEnd, controllerEnd } = hub.cable();
    const router = new NetStack({ mac: '02:48:44:00:00:01', link: controllerEnd, clock, ip: '192.168.10.1', mode: 'router' });
    phoneEnd.write(new Uint8Array(10));
    phoneEnd.write(new Uint8Array(1600));
    clock.advanceSync(0);
    expect(router.counters.drops['short-frame']).toBe(1);
    expect(router.counters.drops['slip-oversize']).toBe(1);
  });

  it('builds no frame summary while no trace sink wants frames, and every one once one does', () => {
    const clock = new VirtualClock();
    const hub = new FrameHub(clock);
    const { phoneEnd, controllerEnd } = hub.cable();
    const writer = new TraceWriter(clock);
    let described = 0;
    const describeUdp = () => {
      described++;
      return undefined;
    };
    const phone = new NetStack({ mac: '00:08:5d:00:00:01', link: phoneEnd, clock, ip: '192.168.10.100', tracer: writer.forNode('phone'), describeUdp });
    new NetStack({ mac: '02:48:44:00:00:01', link: controllerEnd, clock, ip: '192.168.10.1', mode: 'router' });
    const send = () => phone.sendUdp({ dstIp: '192.168.10.1', dstMac: '02:48:44:00:00:01', srcPort: 5000, dstPort: 7, payload: Uint8Array.of(1) });
    send();
    writer.addSink(() => {}, ['info']);
    send();
    expect(described).toBe(0);
    const frames: StampedRecord[] = [];
    writer.addSink((r) => frames.push(r), ['frame']);
    send();
    expect(described).toBe(1);
    expect(frames).toHaveLength(1);
  });
});
