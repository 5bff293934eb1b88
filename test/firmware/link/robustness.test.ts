// Bad input of every kind: each is dropped with its own reason, nothing throws, and the next good
// frame always gets through.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../firmware/clock.ts';
import { decodeArp } from '../../../firmware/link/arp.ts';
import { decodeEthernet, ETHERTYPE_ARP } from '../../../firmware/link/ethernet.ts';
import { checkFcs } from '../../../firmware/link/frame.ts';
import { decodeIpv4 } from '../../../firmware/link/ipv4.ts';
import { SLIP_ESC } from '../../../firmware/link/slip.ts';
import { NetStack, type Datagram, type DropReason } from '../../../firmware/link/stack.ts';
import { summarizeFrame } from '../../../firmware/link/summary.ts';
import { decodeUdp } from '../../../firmware/link/udp.ts';
import { ethFrame, fixIpChecksum, onWire, PHONE_IP, PHONE_MAC, ProbeLink, udpOnWire, udpPacket } from './frames.ts';

function phoneOnProbe() {
  const link = new ProbeLink();
  const phone = new NetStack({ mac: PHONE_MAC, link, clock: new VirtualClock(), ip: PHONE_IP });
  const got: string[] = [];
  phone.bind(6800, (d: Datagram) => got.push(Buffer.from(d.payload).toString('latin1')));
  return { link, phone, got };
}

function edit(bytes: Uint8Array, fn: (b: Buffer) => void): Buffer {
  const copy = Buffer.from(bytes);
  fn(copy);
  return copy;
}

const good = udpPacket({ payload: Buffer.from('payload') });

/** One wire image per drop reason the receive path can produce. */
const badFrames: Array<[DropReason, Uint8Array]> = [
  ['fcs', edit(udpOnWire(), (b) => (b[20] ^= 0x10))],
  ['slip-escape', Uint8Array.from([0xc0, 1, 2, SLIP_ESC, 0x00, 3, 0xc0])],
  ['slip-oversize', onWire(new Uint8Array(1523))],
  ['short-frame', onWire(new Uint8Array(13))],
  ['vlan-mismatch', onWire(ethFrame(good, { vlan: { id: 42, pcp: 0 } }))],
  ['mac-not-for-us', onWire(ethFrame(good, { dstMac: '02:00:00:00:00:99' }))],
  ['unknown-ethertype', onWire(ethFrame(good, {}, 0x86dd))],
  ['arp-malformed', onWire(ethFrame(new Uint8Array(20), {}, ETHERTYPE_ARP))],
  ['ip-short', onWire(ethFrame(good.subarray(0, 19)))],
  ['ip-version', onWire(ethFrame(fixIpChecksum(edit(good, (b) => (b[0] = 0x65)))))],
  ['ip-options', onWire(ethFrame(fixIpChecksum(edit(Buffer.concat([good.subarray(0, 20), Buffer.from([1, 1, 1, 0]), good.subarray(20)]), (b) => ((b[0] = 0x46), b.writeUInt16BE(b.length, 2))))))],
  ['ip-length', onWire(ethFrame(fixIpChecksum(edit(good, (b) => b.writeUInt16BE(good.length + 1, 2)))))],
  ['ip-checksum', onWire(ethFrame(edit(good, (b) => (b[8] -= 1))))],
  ['ip-fragment', onWire(ethFrame(fixIpChecksum(edit(good, (b) => b.writeUInt16BE(0x2000, 6)))))],
  ['ip-protocol', onWire(ethFrame(fixIpChecksum(edit(good, (b) => (b[9] = 6)))))],
  ['udp-length', onWire(ethFrame(edit(good, (b) => b.writeUInt16BE(7, 24))))],
  ['udp-checksum', onWire(ethFrame(edit(good, (b) => (b[30] ^= 0xff))))],
  ['udp-no-checksum', onWire(ethFrame(edit(good, (b) => b.writeUInt16BE(0, 26))))],
  ['not-for-us', udpOnWire({ dstIp: '10.0.0.3' })],
  ['no-listener', udpOnWire({ dstPort: 6801 })],
];

describe('drops by reason', () => {
  it.each(badFrames)('%s: counted once, never delivered, and the next good frame gets through', (reason, wire) => {
    const { link, phone, got } = phoneOnProbe();
    link.inject(wire);
    expect(phone.counters.drops[reason]).toBe(1);
    expect(phone.counters.dropped).toBe(1);
    expect(got).toEqual([]);
    link.inject(udpOnWire({ payload: Buffer.from('next') }));
    expect(got).toEqual(['next']);
    expect(phone.counters.delivered).toBe(1);
  });

  it('counts every frame of a long bad run, then delivers', () => {
    const { link, phone, got } = phoneOnProbe();
    for (const [, wire] of badFrames) link.inject(wire);
    link.inject(udpOnWire({ payload: Buffer.from('after') }));
    expect(phone.counters.dropped).toBe(badFrames.length);
    for (const [reason] of badFrames) expect(phone.counters.drops[reason]).toBeGreaterThanOrEqual(1);
    expect(got).toEqual(['after']);
  });
});

describe('never throws', () => {
  it('from any decoder, whatever the bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
        for (const r of [checkFcs(bytes), decodeEthernet(bytes), decodeArp(bytes), decodeIpv4(bytes), decodeUdp('10.0.0.1', '10.0.0.2', bytes)]) {
          expect(typeof r.ok).toBe('boolean');
        }
        expect(typeof summarizeFrame(bytes).summary).toBe('string');
      }),
      { numRuns: 500 },
    );
  });

  it('from decoders fed mutated good packets', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat({ max: 255 }), (at, value) => {
        const bytes = edit(good, (b) => (b[at % b.length] = value));
        const ip = decodeIpv4(bytes);
        if (ip.ok) decodeUdp(ip.value.src, ip.value.dst, ip.value.payload);
      }),
    );
  });

  it('from NetStack receive fed byte soup, and the next good frame is delivered', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 5 }), (chunks) => {
        const { link, phone, got } = phoneOnProbe();
        for (const c of chunks) link.inject(c);
        link.inject(udpOnWire({ payload: Buffer.from('good') }));
        expect(got.at(-1)).toBe('good');
        expect(phone.counters.delivered).toBe(got.length);
      }),
      { numRuns: 300 },
    );
  });

  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat({ max: 7 }) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 4 }) }),
  );
  type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

  function mutate(bytes: Uint8Array, m: Mutation): Uint8Array {
    const at = m.at % bytes.length;
    if (m.kind === 'flip') return edit(bytes, (b) => (b[at] ^= 1 << m.bit));
    if (m.kind === 'truncate') return bytes.subarray(0, at);
    return Buffer.concat([bytes.subarray(0, at), m.bytes, bytes.subarray(at)]);
  }

  it('from NetStack fed mutated wire frames: only exact copies of what was sent are ever delivered', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (ms) => {
        const { link, phone, got } = phoneOnProbe();
        let wire = udpOnWire({ payload: Buffer.from('mutated') });
        for (const m of ms) wire = mutate(wire, m);
        link.inject(wire);
        link.inject(udpOnWire({ payload: Buffer.from('good') }));
        // a mutation that cut only the trailing END or added a leading one leaves the frame intact
        expect(got.filter((g) => g !== 'mutated' && g !== 'good')).toEqual([]);
        expect(got.at(-1)).toBe('good');
        expect(phone.counters.delivered).toBe(got.length);
      }),
      { numRuns: 500 },
    );
  });

  it('from NetStack fed mutated Ethernet frames with a valid FCS (reaching the inner decoders)', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (ms) => {
        const { link, phone } = phoneOnProbe();
        let frame: Uint8Array = ethFrame(good);
        for (const m of ms) frame = mutate(frame, m);
        link.inject(onWire(frame));
        // each frame is delivered, dropped for one reason, or (ARP) handled: never two outcomes
        expect(phone.counters.delivered + phone.counters.dropped).toBeLessThanOrEqual(1);
        link.inject(udpOnWire({ payload: Buffer.from('good') }));
        expect(phone.counters.delivered).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 500 },
    );
  });
});
