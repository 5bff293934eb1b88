import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  BOOTREPLY,
  BOOTREQUEST,
  HEADER_SIZE,
  MIN_MESSAGE_SIZE,
  clientMac,
  decodeDhcpMessage,
  emptyDhcpMessage,
  encodeDhcpMessage,
  getClientId,
  getDnsServers,
  getLeaseTime,
  getMessageType,
  getParameterRequestList,
  getRebindingTime,
  getRelayAgentInfo,
  getRenewalTime,
  getRequestedIp,
  getRouters,
  getServerId,
  getSubnetMask,
  getVendorClassId,
  getVendorSpecific,
  getViVendorSpecific,
} from '../../../firmware/boot/dhcp-message.ts';
import type { DhcpMessage } from '../../../firmware/boot/dhcp-message.ts';
import { DhcpMessageType, DhcpOptionCode, decodeOptionField, encodeOptionField, opt } from '../../../firmware/boot/dhcp-options.ts';

const MAC = Uint8Array.of(0x08, 0x00, 0x0f, 0x12, 0x34, 0x56);

function decode(bytes: Uint8Array): DhcpMessage {
  const r = decodeDhcpMessage(bytes);
  if (!r.ok) throw new Error(r.reason);
  return r.msg;
}

function sampleOffer(): DhcpMessage {
  const msg = emptyDhcpMessage(BOOTREPLY, 0xdeadbeef, MAC);
  msg.yiaddr = '192.168.10.100';
  msg.siaddr = '192.168.10.1';
  msg.flags = 0x8000;
  msg.secs = 3;
  msg.sname = 'controller';
  msg.file = 'boot/5340.bin';
  msg.options = [
    opt.messageType(DhcpMessageType.Offer),
    opt.ip(DhcpOptionCode.ServerId, '192.168.10.1'),
    opt.u32(DhcpOptionCode.LeaseTime, 86400),
    opt.u32(DhcpOptionCode.RenewalTime, 43200),
    opt.u32(DhcpOptionCode.RebindingTime, 75600),
    opt.ip(DhcpOptionCode.SubnetMask, '255.255.255.0'),
    opt.ips(DhcpOptionCode.Router, ['192.168.10.1', '192.168.10.2']),
    opt.ips(DhcpOptionCode.DomainNameServer, ['8.8.8.8']),
    opt.viVendor([
      { enterprise: 4491, data: Uint8Array.of(1, 1, 0) },
      { enterprise: 1027, data: Uint8Array.of(130, 3, 0x69, 0x64, 0x3a) },
    ]),
    opt.subOptions(DhcpOptionCode.RelayAgentInfo, [opt.text(1, 'port7'), opt.text(2, 'sw1')]),
  ];
  return msg;
}

describe('DHCP message codec', () => {
  it('lays the fixed part out as RFC 2131 figure 1 (236 bytes, then the cookie)', () => {
    const bytes = encodeDhcpMessage(sampleOffer());
    expect(HEADER_SIZE).toBe(240);
    expect(bytes[0]).toBe(2); // op
    expect(bytes[1]).toBe(1); // htype Ethernet
    expect(bytes[2]).toBe(6); // hlen
    expect([...bytes.subarray(4, 8)]).toEqual([0xde, 0xad, 0xbe, 0xef]); // xid
    expect([...bytes.subarray(8, 12)]).toEqual([0, 3, 0x80, 0]); // secs, flags
    expect([...bytes.subarray(16, 20)]).toEqual([192, 168, 10, 100]); // yiaddr
    expect([...bytes.subarray(28, 34)]).toEqual([...MAC]); // chaddr
    expect(Buffer.from(bytes.subarray(44, 54)).toString()).toBe('controller'); // sname at 44
    expect(Buffer.from(bytes.subarray(108, 121)).toString()).toBe('boot/5340.bin'); // file at 108
    expect([...bytes.subarray(236, 240)]).toEqual([99, 130, 83, 99]);
    expect(bytes[240]).toBe(53);
  });

  it('round-trips a message with the options a phone uses', () => {
    const msg = sampleOffer();
    const bytes = encodeDhcpMessage(msg);
    const back = decode(bytes);
    expect(back).toEqual(msg);
    // From a Node Buffer (what a socket hands over) too, with no views into the caller's memory.
    const fromBuffer = decode(Buffer.from(bytes));
    expect(fromBuffer).toEqual(msg);
    expect(Buffer.isBuffer(fromBuffer.options[0].data)).toBe(false);
    expect(getMessageType(back)).toBe(DhcpMessageType.Offer);
    expect(getServerId(back)).toBe('192.168.10.1');
    expect(getLeaseTime(back)).toBe(86400);
    expect(getRenewalTime(back)).toBe(43200);
    expect(getRebindingTime(back)).toBe(75600);
    expect(getSubnetMask(back)).toBe('255.255.255.0');
    expect(getRouters(back)).toEqual(['192.168.10.1', '192.168.10.2']);
    expect(getDnsServers(back)).toEqual(['8.8.8.8']);
    expect(getViVendorSpecific(back)).toEqual([
      { enterprise: 4491, data: Uint8Array.of(1, 1, 0) },
      { enterprise: 1027, data: Uint8Array.of(130, 3, 0x69, 0x64, 0x3a) },
    ]);
    expect(getRelayAgentInfo(back)?.map((s) => [s.code, Buffer.from(s.data).toString()])).toEqual([
      [1, 'port7'],
      [2, 'sw1'],
    ]);
    expect(clientMac(back)).toBe('08:00:0f:12:34:56');
  });

  it('reads the client-side options: 50, 55, 60, 61, 43', () => {
    const msg = emptyDhcpMessage(BOOTREQUEST, 1, MAC);
    msg.options = [
      opt.messageType(DhcpMessageType.Request),
      opt.ip(DhcpOptionCode.RequestedIp, '10.0.0.5'),
      opt.parameterRequestList([1, 3, 6, 43, 125]),
      opt.text(DhcpOptionCode.VendorClassId, 'ipphone.mitel.com\u0000'),
      opt.bytes(DhcpOptionCode.ClientId, Uint8Array.of(1, ...MAC)),
      opt.text(DhcpOptionCode.VendorSpecific, 'id:ipphone.mitel.com;vlan=2'),
    ];
    const back = decode(encodeDhcpMessage(msg));
    expect(getRequestedIp(back)).toBe('10.0.0.5');
    expect(getParameterRequestList(back)).toEqual([1, 3, 6, 43, 125]);
    expect(getVendorClassId(back)).toBe('ipphone.mitel.com'); // trailing NUL dropped (RFC 2132 2)
    expect(getClientId(back)).toEqual({ type: 1, id: MAC });
    expect(Buffer.from(getVendorSpecific(back)!).toString()).toBe('id:ipphone.mitel.com;vlan=2');
  });

  it('pads to the 300-byte BOOTP minimum', () => {
    const msg = emptyDhcpMessage(BOOTREQUEST, 1, MAC);
    msg.options = [opt.messageType(DhcpMessageType.Discover)];
    expect(encodeDhcpMessage(msg).length).toBe(MIN_MESSAGE_SIZE);
  });

  it('splits an option longer than 255 bytes and joins it back (RFC 3396)', () => {
    const long = Uint8Array.from({ length: 600 }, (_, i) => i & 0xff);
    const field = encodeOptionField([{ code: 43, data: long }]);
    const parts = decodeOptionField(field);
    expect(parts.ok && parts.value.map((o) => o.data.length)).toEqual([255, 255, 90]);
    const msg = emptyDhcpMessage(BOOTREPLY, 1, MAC);
    msg.options = [opt.bytes(43, long)];
    expect(getVendorSpecific(decode(encodeDhcpMessage(msg)))).toEqual(long);
  });

  it('skips pads, stops at end, tolerates a missing end', () => {
    const r = decodeOptionField(Uint8Array.of(0, 0, 53, 1, 2, 0, 255, 53, 1, 5));
    expect(r.ok && r.value).toEqual([{ code: 53, data: Uint8Array.of(2) }]);
    const noEnd = decodeOptionField(Uint8Array.of(53, 1, 2));
    expect(noEnd.ok && noEnd.value.length).toBe(1);
  });

  it('reads options continued in file and sname (option 52 overload)', () => {
    const msg = emptyDhcpMessage(BOOTREPLY, 7, MAC);
    msg.options = [opt.messageType(DhcpMessageType.Ack), { code: DhcpOptionCode.Overload, data: Uint8Array.of(3) }];
    const bytes = encodeDhcpMessage(msg);
    bytes.set([51, 4, 0, 0, 0x0e, 0x10, 255], 108); // lease time in the file field
    bytes.set([54, 4, 10, 0, 0, 1, 255], 44); // server id in the sname field
    const back = decode(bytes);
    expect(getLeaseTime(back)).toBe(3600);
    expect(getServerId(back)).toBe('10.0.0.1');
    expect(back.file).toBe('');
    expect(back.sname).toBe('');
  });

  it('returns typed reasons for garbage', () => {
    const good = encodeDhcpMessage(sampleOffer());
    const cases: [string, Uint8Array][] = [
      ['short', good.subarray(0, 239)],
      ['bad op', Uint8Array.from(good, (b, i) => (i === 0 ? 9 : b))],
      ['bad hlen', Uint8Array.from(good, (b, i) => (i === 2 ? 17 : b))],
      ['bad magic cookie', Uint8Array.from(good, (b, i) => (i === 236 ? 0 : b))],
    ];
    for (const [reason, bytes] of cases) {
      const r = decodeDhcpMessage(bytes);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.reason).toContain(reason);
    }
    const truncated = Uint8Array.from([...good.subarray(0, 240), 53, 5, 1]);
    const r = decodeDhcpMessage(truncated);
    expect(!r.ok && r.reason).toContain('runs past the end');
  });

  it('accessors return undefined for malformed option data instead of guessing', () => {
    const msg = emptyDhcpMessage(BOOTREPLY, 1, MAC);
    msg.options = [
      { code: DhcpOptionCode.LeaseTime, data: Uint8Array.of(1, 2, 3) },
      { code: DhcpOptionCode.Router, data: Uint8Array.of(1, 2, 3, 4, 5) },
      { code: DhcpOptionCode.MessageType, data: Uint8Array.of(42) },
      { code: DhcpOptionCode.ViVendorSpecific, data: Uint8Array.of(0, 0, 4, 3, 9, 1) },
    ];
    const back = decode(encodeDhcpMessage(msg));
    expect(getLeaseTime(back)).toBeUndefined();
    expect(getRouters(back)).toBeUndefined();
    expect(getMessageType(back)).toBeUndefined();
    expect(getViVendorSpecific(back)).toBeUndefined();
  });
});

describe('DHCP message codec properties', () => {
  const ip = fc.ipV4();
  const message = fc.record({
    op: fc.constantFrom(1, 2),
    htype: fc.constant(1),
    hlen: fc.integer({ min: 0, max: 16 }),
    hops: fc.integer({ min: 0, max: 255 }),
    xid: fc.nat({ max: 0xffffffff }),
    secs: fc.integer({ min: 0, max: 0xffff }),
    flags: fc.integer({ min: 0, max: 0xffff }),
    ciaddr: ip,
    yiaddr: ip,
    siaddr: ip,
    giaddr: ip,
    chaddr: fc.uint8Array({ minLength: 16, maxLength: 16 }),
    sname: fc.stringMatching(/^[ -~]{0,63}$/),
    file: fc.stringMatching(/^[ -~]{0,127}$/),
    options: fc.uniqueArray(
      fc.record({
        // no pad/end/overload codes, and each code once so that RFC 3396 joining cannot merge two
        code: fc.integer({ min: 1, max: 254 }).filter((c) => c !== DhcpOptionCode.Overload),
        data: fc.uint8Array({ minLength: 1, maxLength: 255 }),
      }),
      { maxLength: 12, selector: (o) => o.code },
    ),
  });

  it('round-trips arbitrary messages', () => {
    fc.assert(
      fc.property(message, (msg) => {
        expect(decode(encodeDhcpMessage(msg))).toEqual(msg);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary bytes, nor on mutated valid messages', () => {
    const valid = encodeDhcpMessage(sampleOffer());
    const mutated = fc
      .array(fc.tuple(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 0, max: 255 })), { maxLength: 8 })
      .chain((edits) => fc.nat({ max: valid.length }).map((cut) => ({ edits, cut })))
      .map(({ edits, cut }) => {
        const b = Uint8Array.from(valid);
        for (const [i, v] of edits) b[i] = v;
        return b.subarray(0, Math.max(cut, 200));
      });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 600 }), mutated), (bytes) => {
        const r = decodeDhcpMessage(bytes);
        expect(typeof r.ok).toBe('boolean');
        if (r.ok) {
          // every typed accessor is total as well
          getMessageType(r.msg);
          getViVendorSpecific(r.msg);
          getRelayAgentInfo(r.msg);
          getRouters(r.msg);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
