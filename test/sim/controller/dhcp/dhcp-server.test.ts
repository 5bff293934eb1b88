import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildDecline, buildDiscover, buildRelease, buildRenewRequest, buildSelectingRequest } from '../../../../firmware/boot/dhcp-client-messages.ts';
import {
  BOOTREQUEST,
  decodeDhcpMessage,
  emptyDhcpMessage,
  encodeDhcpMessage,
  getDnsServers,
  getLeaseTime,
  getMessageText,
  getMessageType,
  getRebindingTime,
  getRenewalTime,
  getRouters,
  getServerId,
  getSubnetMask,
} from '../../../../firmware/boot/dhcp-message.ts';
import type { DhcpMessage } from '../../../../firmware/boot/dhcp-message.ts';
import { DhcpMessageType, DhcpOptionCode, opt } from '../../../../firmware/boot/dhcp-options.ts';
import { extractMitelString } from '../../../../firmware/boot/mitel-option.ts';
import { DhcpServer } from '../../../../sim/controller/dhcp/dhcp-server.ts';
import type { DhcpReplyDestination, DhcpServerConfig } from '../../../../sim/controller/dhcp/dhcp-server.ts';

const SERVER = '192.168.10.1';
const MITEL = 'id:ipphone.mitel.com;sw_tftp=192.168.10.1;call_srv=192.168.10.1;vlan=20;l2p=6';
const VOICE_MITEL = 'id:ipphone.mitel.com;sw_tftp=10.20.0.1;call_srv=10.20.0.1';

const mac = (n: number) => Uint8Array.of(0x08, 0x00, 0x0f, 0, 0, n);
const id = (n: number) => ({ mac: mac(n), vendorClass: 'ipphone.mitel.com' });

function harness(config: Partial<DhcpServerConfig> = {}) {
  let now = 0;
  const replies: { msg: DhcpMessage; to: DhcpReplyDestination }[] = [];
  const server = new DhcpServer(
    { serverId: SERVER, mitel: { mitelString: MITEL, carry: '125' }, leaseSeconds: 3600, ...config },
    {
      now: () => now,
      send: (bytes, to) => {
        const d = decodeDhcpMessage(bytes);
        if (!d.ok) throw new Error(d.reason);
        replies.push({ msg: d.msg, to });
      },
    },
  );
  const last = () => replies.at(-1)!;
  /** DISCOVER then REQUEST; returns the address acked. */
  const lease = (n: number, vlan?: number) => {
    server.receive(buildDiscover(id(n), { xid: n, secs: 0, broadcastFlag: true }), { vlan });
    const offered = last().msg.yiaddr;
    server.receive(buildSelectingRequest(id(n), { xid: n, secs: 0, broadcastFlag: true, requestedIp: offered, serverId: SERVER }), { vlan });
    expect(getMessageType(last().msg)).toBe(DhcpMessageType.Ack);
    return last().msg.yiaddr;
  };
  return { server, replies, last, lease, advance: (ms: number) => (now += ms) };
}

describe('DHCP server engine', () => {
  it('offers from the default pool with the options a phone needs', () => {
    const h = harness();
    const outcome = h.server.receive(buildDiscover(id(1), { xid: 42, secs: 0, broadcastFlag: true }));
    expect(outcome).toEqual({ action: 'offer', ip: '192.168.10.100', scope: 'data', mac: '08:00:0f:00:00:01' });
    const { msg, to } = h.last();
    expect(msg.op).toBe(2);
    expect(msg.xid).toBe(42);
    expect(msg.yiaddr).toBe('192.168.10.100');
    expect(msg.siaddr).toBe(SERVER);
    expect(getMessageType(msg)).toBe(DhcpMessageType.Offer);
    expect(getServerId(msg)).toBe(SERVER);
    expect(getLeaseTime(msg)).toBe(3600);
    expect(getRenewalTime(msg)).toBe(1800);
    expect(getRebindingTime(msg)).toBe(3150);
    expect(getSubnetMask(msg)).toBe('255.255.255.0');
    expect(getRouters(msg)).toEqual(['192.168.10.1']);
    expect(getDnsServers(msg)).toEqual(['192.168.10.1']);
    expect(extractMitelString(msg)).toEqual({ found: true, option: 125, carry: '125', text: MITEL });
    expect(to).toEqual({ kind: 'broadcast', mac: '08:00:0f:00:00:01', port: 68 });
  });

  it('unicasts to yiaddr when the client did not ask for a broadcast', () => {
    const h = harness();
    h.server.receive(buildDiscover(id(1), { xid: 1, secs: 0, broadcastFlag: false }));
    expect(h.last().to).toEqual({ kind: 'unicast', ip: '192.168.10.100', mac: '08:00:0f:00:00:01', port: 68 });
  });

  it('carries the string in option 43, plain or encapsulated, when configured so', () => {
    for (const carry of ['43', '43-encapsulated'] as const) {
      const h = harness({ mitel: { mitelString: MITEL, carry } });
      h.server.receive(buildDiscover(id(1), { xid: 1, secs: 0, broadcastFlag: true }));
      expect(extractMitelString(h.last().msg)).toEqual({ found: true, option: 43, carry, text: MITEL });
      expect(h.last().msg.options.some((o) => o.code === DhcpOptionCode.ViVendorSpecific)).toBe(false);
    }
    const none = harness({ mitel: undefined });
    none.server.receive(buildDiscover(id(1), { xid: 1, secs: 0, broadcastFlag: true }));
    expect(extractMitelString(none.last().msg).found).toBe(false);
  });

  it('completes DORA, keys leases by chaddr and gives each client its own address', () => {
    const h = harness();
    expect(h.lease(1)).toBe('192.168.10.100');
    expect(h.lease(2)).toBe('192.168.10.101');
    expect(h.lease(1)).toBe('192.168.10.100'); // the same client, the same address
    expect(h.server.leases().map((l) => [l.mac, l.ip, l.state])).toEqual([
      ['08:00:0f:00:00:01', '192.168.10.100', 'bound'],
      ['08:00:0f:00:00:02', '192.168.10.101', 'bound'],
    ]);
  });

  it('honours a free requested address in DISCOVER', () => {
    const h = harness();
    h.server.receive(buildDiscover(id(1), { xid: 1, secs: 0, broadcastFlag: true, requestedIp: '192.168.10.150' }));
    expect(h.last().msg.yiaddr).toBe('192.168.10.150');
    h.server.receive(buildDiscover(id(2), { xid: 2, secs: 0, broadcastFlag: true, requestedIp: '192.168.10.150' }));
    expect(h.last().msg.yiaddr).toBe('192.168.10.100'); // held for client 1's offer
    h.server.receive(buildDiscover(id(3), { xid: 3, secs: 0, broadcastFlag: true, requestedIp: '10.0.0.1' }));
    expect(h.last().msg.yiaddr).toBe('192.168.10.101'); // outside the pool
  });

  it('frees an offer when the client chooses another server', () => {
    const h = harness();
    h.server.receive(buildDiscover(id(1), { xid: 1, secs: 0, broadcastFlag: true }));
    const outcome = h.server.receive(buildSelectingRequest(id(1), { xid: 1, secs: 0, broadcastFlag: true, requestedIp: '192.168.10.100', serverId: '192.168.10.9' }));
    expect(outcome).toEqual({ action: 'ignored', reason: 'client chose server 192.168.10.9' });
    expect(h.server.leases()).toEqual([]);
  });

  it('NAKs (broadcast, with a message) a request for an address it did not offer', () => {
    const h = harness();
    const outcome = h.server.receive(buildSelectingRequest(id(1), { xid: 1, secs: 0, broadcastFlag: false, requestedIp: '192.168.10.120', serverId: SERVER }));
    expect(outcome.action).toBe('nak');
    expect(getMessageType(h.last().msg)).toBe(DhcpMessageType.Nak);
    expect(h.last().msg.yiaddr).toBe('0.0.0.0');
    expect(getMessageText(h.last().msg)).toContain('was not offered');
    expect(h.last().to.kind).toBe('broadcast');
  });

  it('INIT-REBOOT: ACKs a free address in its network, NAKs another network', () => {
    const h = harness();
    const reboot = (n: number, ip: string) => {
      const m = emptyDhcpMessage(BOOTREQUEST, n, mac(n));
      m.options = [opt.messageType(DhcpMessageType.Request), opt.ip(DhcpOptionCode.RequestedIp, ip)];
      return h.server.receive(encodeDhcpMessage(m));
    };
    expect(reboot(1, '192.168.10.130')).toMatchObject({ action: 'ack', ip: '192.168.10.130' });
    expect(reboot(2, '192.168.10.130')).toMatchObject({ action: 'nak', reason: expect.stringContaining('another client') });
    expect(reboot(3, '10.1.1.1')).toMatchObject({ action: 'nak', reason: expect.stringContaining('wrong network') });
  });

  it('renews a known lease (unicast reply to ciaddr) and NAKs an unknown one in its subnet', () => {
    const h = harness();
    const ip = h.lease(1);
    h.advance(1800_000);
    expect(h.server.receive(buildRenewRequest(id(1), { xid: 9, secs: 0, ciaddr: ip }))).toMatchObject({ action: 'ack', ip });
    expect(h.last().to).toEqual({ kind: 'unicast', ip, mac: '08:00:0f:00:00:01', port: 68 });
    expect(h.server.leases()[0].expiresAt).toBe(1800_000 + 3600_000);
    expect(h.server.receive(buildRenewRequest(id(2), { xid: 9, secs: 0, ciaddr: '192.168.10.150' })).action).toBe('nak');
    expect(h.server.receive(buildRenewRequest(id(2), { xid: 9, secs: 0, ciaddr: '10.9.9.9' })).action).toBe('ignored');
  });

  it('reuses an expired lease for another client, and goes silent when the pool is exhausted', () => {
    const h = harness({ pool: { start: '192.168.10.100', end: '192.168.10.101', mask: '255.255.255.0' } });
    h.lease(1);
    h.lease(2);
    expect(h.server.receive(buildDiscover(id(3), { xid: 3, secs: 0, broadcastFlag: true }))).toEqual({ action: 'ignored', reason: 'data pool exhausted' });
    h.advance(3600_000);
    expect(h.lease(3)).toBe('192.168.10.100');
  });

  it('keeps a declined address out of the pool until the hold ends', () => {
    const h = harness({ declineHoldSeconds: 600 });
    const ip = h.lease(1);
    expect(h.server.receive(buildDecline(id(1), { xid: 1, secs: 0, requestedIp: ip, serverId: SERVER }))).toMatchObject({ action: 'declined', ip });
    expect(h.lease(1)).toBe('192.168.10.101');
    expect(h.lease(2)).toBe('192.168.10.102');
    h.advance(600_000);
    expect(h.lease(3)).toBe('192.168.10.100');
  });

  it('frees a released address and gives it back to the same client first', () => {
    const h = harness();
    const ip = h.lease(1);
    expect(h.server.receive(buildRelease(id(1), { xid: 5, secs: 0, ciaddr: ip, serverId: SERVER }))).toMatchObject({ action: 'released', ip });
    expect(h.server.leases()[0].state).toBe('released');
    expect(h.lease(1)).toBe(ip);
    expect(h.server.receive(buildRelease(id(2), { xid: 5, secs: 0, ciaddr: ip, serverId: SERVER })).action).toBe('ignored');
  });

  it('serves requests tagged with the voice VLAN from the voice scope, with its own string', () => {
    const h = harness({
      voice: { vlan: 20, pool: { start: '10.20.0.100', end: '10.20.0.199', mask: '255.255.255.0', router: '10.20.0.1', mitel: { mitelString: VOICE_MITEL, carry: '125' } } },
    });
    expect(h.lease(1)).toBe('192.168.10.100');
    expect(h.lease(1, 20)).toBe('10.20.0.100');
    expect(getRouters(h.last().msg)).toEqual(['10.20.0.1']);
    expect(extractMitelString(h.last().msg)).toMatchObject({ text: VOICE_MITEL });
    expect(h.lease(2, 0)).toBe('192.168.10.101'); // VLAN 0 is a priority tag: the untagged scope
    expect(h.server.receive(buildDiscover(id(3), { xid: 3, secs: 0, broadcastFlag: true }), { vlan: 30 }).action).toBe('ignored');
    expect(h.server.leases().map((l) => [l.scope, l.ip])).toEqual([
      ['data', '192.168.10.100'],
      ['data', '192.168.10.101'],
      ['voice', '10.20.0.100'],
    ]);
  });

  it('answers INFORM with configuration but no address or lease', () => {
    const h = harness();
    const m = emptyDhcpMessage(BOOTREQUEST, 77, mac(1));
    m.ciaddr = '192.168.10.42';
    m.options = [opt.messageType(DhcpMessageType.Inform)];
    h.server.receive(encodeDhcpMessage(m));
    expect(getMessageType(h.last().msg)).toBe(DhcpMessageType.Ack);
    expect(h.last().msg.yiaddr).toBe('0.0.0.0');
    expect(getLeaseTime(h.last().msg)).toBeUndefined();
    expect(h.last().to).toMatchObject({ kind: 'unicast', ip: '192.168.10.42' });
  });

  it('refuses a bad configuration with a clear message', () => {
    const send = () => {};
    expect(() => new DhcpServer({ serverId: 'x' }, { now: () => 0, send })).toThrow(/serverId "x"/);
    expect(() => new DhcpServer({ serverId: SERVER, pool: { start: '10.0.0.9', end: '10.0.0.1', mask: '255.255.255.0' } }, { now: () => 0, send })).toThrow(/not one subnet/);
    const long = `id:ipphone.mitel.com;x=${'a'.repeat(230)}`;
    expect(() => new DhcpServer({ serverId: SERVER, mitel: { mitelString: long, carry: '125' } }, { now: () => 0, send })).toThrow(/holds at most 248/);
  });

  it('never throws on garbage datagrams', () => {
    const h = harness();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.option(fc.integer({ min: 0, max: 4095 }), { nil: undefined }), (bytes, vlan) => {
        expect(typeof h.server.receive(bytes, { vlan }).action).toBe('string');
      }),
      { numRuns: 500 },
    );
  });
});
