import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIpv4, formatMac, isGroupMac, normalizeIpv4, normalizeMac, parseIpv4, parseMac } from '../../../firmware/link/addr.ts';
import { ARP_REPLY, ARP_REQUEST, decodeArp, encodeArp } from '../../../firmware/link/arp.ts';
import { decodeEthernet, encodeEthernet, ETHERTYPE_IPV4 } from '../../../firmware/link/ethernet.ts';
import { appendFcs, checkFcs } from '../../../firmware/link/frame.ts';
import { decodeIpv4, encodeIpv4, IPPROTO_UDP } from '../../../firmware/link/ipv4.ts';
import { decodeUdp, encodeUdp } from '../../../firmware/link/udp.ts';
import { fixIpChecksum, udpPacket } from './frames.ts';

const macArb = fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => formatMac(b));
const ipArb = fc.nat({ max: 0xffffffff }).map(formatIpv4);
const vlanArb = fc.record({ id: fc.integer({ min: 0, max: 4095 }), pcp: fc.integer({ min: 0, max: 7 }) });
const portArb = fc.integer({ min: 0, max: 0xffff });

describe('addresses', () => {
  it('round-trips MACs and IPv4 addresses', () => {
    fc.assert(fc.property(macArb, (mac) => {
      expect(formatMac(parseMac(mac)!)).toBe(mac);
    }));
    fc.assert(fc.property(fc.nat({ max: 0xffffffff }), (n) => {
      expect(parseIpv4(formatIpv4(n))).toBe(n);
    }));
  });

  it('normalizes spelling and refuses non-addresses', () => {
    expect(normalizeMac('AA-BB-CC-DD-EE-0F')).toBe('aa:bb:cc:dd:ee:0f');
    expect(normalizeIpv4('010.000.0.1')).toBe('10.0.0.1');
    for (const bad of ['', 'aa:bb', 'aa:bb:cc:dd:ee:gg', 'aa:bb:cc:dd:ee:ff:00', 'a:b:c:d:e:f']) expect(parseMac(bad)).toBeUndefined();
    for (const bad of ['', '1.2.3', '1.2.3.256', '1.2.3.4.5', '1.2.3.-4', 'a.b.c.d', '1..2.3']) expect(parseIpv4(bad)).toBeUndefined();
    expect(isGroupMac('ff:ff:ff:ff:ff:ff')).toBe(true);
    expect(isGroupMac('01:00:5e:00:00:01')).toBe(true);
    expect(isGroupMac('02:00:00:00:00:01')).toBe(false);
  });
});

describe('Ethernet + FCS', () => {
  it('round-trips with and without an 802.1Q tag', () => {
    fc.assert(
      fc.property(macArb, macArb, fc.option(vlanArb, { nil: undefined }), fc.integer({ min: 0x0600, max: 0xffff }).filter((t) => t !== 0x8100), fc.uint8Array({ maxLength: 100 }), (dst, src, vlan, etherType, payload) => {
        const bytes = encodeEthernet({ dst, src, vlan, etherType, payload });
        expect(bytes.length).toBe(14 + (vlan ? 4 : 0) + payload.length);
        const back = decodeEthernet(checkFcsOk(appendFcs(bytes)));
        expect(back.ok).toBe(true);
        if (!back.ok) return;
        expect(back.value.dst).toBe(dst);
        expect(back.value.src).toBe(src);
        expect(back.value.vlan).toEqual(vlan);
        expect(back.value.etherType).toBe(etherType);
        expect([...back.value.payload]).toEqual([...payload]);
      }),
    );
  });

  it('puts the tag on the wire as TPID 8100, PCP in the top 3 bits, VID in the low 12', () => {
    const bytes = encodeEthernet({ dst: 'ff:ff:ff:ff:ff:ff', src: '02:00:00:00:00:01', vlan: { id: 0x123, pcp: 5 }, etherType: ETHERTYPE_IPV4, payload: new Uint8Array(0) });
    expect(bytes.subarray(12).toString('hex')).toBe('8100a1230800');
  });

  it('appends the FCS least significant byte first', () => {
    // CRC-32("123456789") = cbf43926
    expect([...appendFcs(Buffer.from('123456789')).subarray(9)]).toEqual([0x26, 0x39, 0xf4, 0xcb]);
  });

  it('detects every single-bit error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 14, maxLength: 120 }), fc.nat(), (frame, bit) => {
        const wire = appendFcs(frame);
        const at = bit % (wire.length * 8);
        wire[at >> 3] ^= 1 << (at & 7);
        expect(checkFcs(wire)).toEqual({ ok: false, reason: 'fcs' });
      }),
    );
  });

  it('refuses frames too short for a header as short-frame', () => {
    expect(checkFcs(appendFcs(new Uint8Array(13)))).toEqual({ ok: false, reason: 'short-frame' });
    expect(decodeEthernet(new Uint8Array(13))).toEqual({ ok: false, reason: 'short-frame' });
    const tagged = Buffer.from('ffffffffffff0200000000018100a1', 'hex'); // TPID but no room for TCI + type
    expect(decodeEthernet(tagged)).toEqual({ ok: false, reason: 'short-frame' });
  });
});

function checkFcsOk(bytes: Uint8Array): Uint8Array {
  const r = checkFcs(bytes);
  if (!r.ok) throw new Error(r.reason);
  return r.value;
}

describe('ARP', () => {
  it('round-trips requests and replies, ignoring Ethernet padding', () => {
    fc.assert(
      fc.property(fc.constantFrom(ARP_REQUEST, ARP_REPLY), macArb, ipArb, macArb, ipArb, fc.nat({ max: 18 }), (op, senderMac, senderIp, targetMac, targetIp, pad) => {
        const p = { op, senderMac, senderIp, targetMac, targetIp };
        const bytes = Buffer.concat([encodeArp(p), Buffer.alloc(pad)]);
        expect(decodeArp(bytes)).toEqual({ ok: true, value: p });
      }),
    );
  });

  it('matches RFC 826 byte layout', () => {
    const bytes = encodeArp({ op: ARP_REQUEST, senderMac: '02:00:00:00:00:01', senderIp: '10.0.0.2', targetMac: '00:00:00:00:00:00', targetIp: '10.0.0.1' });
    expect(bytes.toString('hex')).toBe('0001080006040001' + '020000000001' + '0a000002' + '000000000000' + '0a000001');
  });

  it('refuses short, non-Ethernet/IPv4 and unknown-opcode packets as arp-malformed', () => {
    const good = encodeArp({ op: ARP_REPLY, senderMac: '02:00:00:00:00:01', senderIp: '10.0.0.2', targetMac: '02:00:00:00:00:02', targetIp: '10.0.0.1' });
    const variants = [good.subarray(0, 27), patch(good, 1, 6), patch(good, 2, 0x86), patch(good, 4, 8), patch(good, 5, 16), patch(good, 7, 3)];
    for (const v of variants) expect(decodeArp(v)).toEqual({ ok: false, reason: 'arp-malformed' });
  });
});

function patch(bytes: Uint8Array, at: number, value: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[at] = value;
  return copy;
}

describe('IPv4', () => {
  it('round-trips and sets a header checksum that verifies', () => {
    fc.assert(
      fc.property(ipArb, ipArb, fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 200 }), fc.nat({ max: 0xffff }), fc.integer({ min: 1, max: 255 }), fc.nat({ max: 255 }), fc.nat({ max: 10 }), (src, dst, protocol, payload, id, ttl, tos, pad) => {
        const bytes = Buffer.concat([encodeIpv4({ src, dst, protocol, payload, id, ttl, tos }), Buffer.alloc(pad, 0xee)]);
        const back = decodeIpv4(bytes);
        expect(back.ok).toBe(true);
        if (!back.ok) return;
        expect({ ...back.value, payload: [...back.value.payload] }).toEqual({ src, dst, protocol, id, ttl, tos, payload: [...payload] });
      }),
    );
  });

  it('refuses each kind of bad header with its own reason', () => {
    const good = udpPacket();
    const cases: Array<[Buffer, string]> = [
      [good.subarray(0, 19), 'ip-short'],
      [fixIpChecksum(patch(good, 0, 0x65)), 'ip-version'],
      [fixIpChecksum(withOptions(good)), 'ip-options'],
      [fixIpChecksum(setU16(good, 2, 19)), 'ip-length'],
      [fixIpChecksum(setU16(good, 2, good.length + 1)), 'ip-length'],
      [patch(good, 8, 1), 'ip-checksum'],
      [fixIpChecksum(setU16(good, 6, 0x2000)), 'ip-fragment'],
      [fixIpChecksum(setU16(good, 6, 0x0001)), 'ip-fragment'],
    ];
    for (const [bytes, reason] of cases) expect(decodeIpv4(bytes)).toEqual({ ok: false, reason });
    expect(decodeIpv4(fixIpChecksum(setU16(good, 6, 0x4000))).ok).toBe(true); // DF alone is fine
  });
});

function setU16(bytes: Uint8Array, at: number, value: number): Buffer {
  const copy = Buffer.from(bytes);
  copy.writeUInt16BE(value, at);
  return copy;
}

/** The same packet with a 4-byte NOP option block (IHL 6). */
function withOptions(packet: Buffer): Buffer {
  const out = Buffer.concat([packet.subarray(0, 20), Buffer.from([1, 1, 1, 0]), packet.subarray(20)]);
  out[0] = 0x46;
  out.writeUInt16BE(out.length, 2);
  return out;
}

describe('UDP', () => {
  it('round-trips with a checksum that verifies over the pseudo-header', () => {
    fc.assert(
      fc.property(ipArb, ipArb, portArb, portArb, fc.uint8Array({ maxLength: 600 }), (srcIp, dstIp, srcPort, dstPort, payload) => {
        const bytes = encodeUdp(srcIp, dstIp, { srcPort, dstPort, payload });
        expect(bytes.readUInt16BE(6)).not.toBe(0);
        const back = decodeUdp(srcIp, dstIp, bytes);
        expect(back.ok).toBe(true);
        if (!back.ok) return;
        expect({ ...back.value, payload: [...back.value.payload] }).toEqual({ srcPort, dstPort, payload: [...payload] });
      }),
    );
  });

  it('sends a computed checksum of 0 as ffff, which still verifies', () => {
    // Choose the last payload word so the one's complement sum is ffff, i.e. the checksum computes to 0.
    const payload = Buffer.from([0x12, 0x34, 0, 0]);
    const probe = encodeUdp('10.0.0.1', '10.0.0.2', { srcPort: 1, dstPort: 2, payload });
    const sumWithZero = ~probe.readUInt16BE(6) & 0xffff; // folded sum with the word at 0
    payload.writeUInt16BE(0xffff - sumWithZero, 2);
    const bytes = encodeUdp('10.0.0.1', '10.0.0.2', { srcPort: 1, dstPort: 2, payload });
    expect(bytes.readUInt16BE(6)).toBe(0xffff);
    expect(decodeUdp('10.0.0.1', '10.0.0.2', bytes).ok).toBe(true);
  });

  it('refuses a wrong pseudo-header, a corrupt byte, a zero checksum and bad lengths', () => {
    const bytes = encodeUdp('10.0.0.1', '10.0.0.2', { srcPort: 68, dstPort: 67, payload: Buffer.from('dhcp') });
    expect(decodeUdp('10.0.0.1', '10.0.0.3', bytes)).toEqual({ ok: false, reason: 'udp-checksum' });
    expect(decodeUdp('10.0.0.1', '10.0.0.2', patch(bytes, 9, 0x41))).toEqual({ ok: false, reason: 'udp-checksum' });
    expect(decodeUdp('10.0.0.1', '10.0.0.2', setU16(bytes, 6, 0))).toEqual({ ok: false, reason: 'udp-no-checksum' });
    expect(decodeUdp('10.0.0.1', '10.0.0.2', bytes.subarray(0, 7))).toEqual({ ok: false, reason: 'udp-length' });
    expect(decodeUdp('10.0.0.1', '10.0.0.2', setU16(bytes, 4, 7))).toEqual({ ok: false, reason: 'udp-length' });
    expect(decodeUdp('10.0.0.1', '10.0.0.2', setU16(bytes, 4, bytes.length + 1))).toEqual({ ok: false, reason: 'udp-length' });
  });

  it('round-trips inside IPv4', () => {
    const packet = udpPacket({ payload: Buffer.from('x'), srcPort: 1234, dstPort: 6800 });
    const ip = decodeIpv4(packet);
    if (!ip.ok) throw new Error(ip.reason);
    expect(ip.value.protocol).toBe(IPPROTO_UDP);
    const udp = decodeUdp(ip.value.src, ip.value.dst, ip.value.payload);
    expect(udp.ok && [udp.value.srcPort, udp.value.dstPort, Buffer.from(udp.value.payload).toString()]).toEqual([1234, 6800, 'x']);
  });
});
