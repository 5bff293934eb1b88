// The DHCP pool of a fleet: a range sized to the world by default (every phone plus headroom, never
// fewer than the 100 leases the default scope always had), configurable as `dhcp: { pool: { from, to } }`,
// served with the smallest mask that holds it and the router; and a server that hands out 10,000 leases
// without walking every lease before each one.
import { describe, expect, it } from 'vitest';
import { buildDiscover, buildRelease, buildSelectingRequest } from '../../../../firmware/boot/dhcp-client-messages.ts';
import { decodeDhcpMessage, getMessageType, getSubnetMask, type DhcpMessage } from '../../../../firmware/boot/dhcp-message.ts';
import { DhcpMessageType } from '../../../../firmware/boot/dhcp-options.ts';
import { ConfigError, parseControllerConfig } from '../../../../sim/controller/config.ts';
import { DhcpServer } from '../../../../sim/controller/dhcp/dhcp-server.ts';
import { fleetDhcpPool, fleetPoolSize, poolConfig, poolRangeProblem } from '../../../../sim/controller/dhcp/pool-range.ts';

const SERVER = '192.168.10.1';
const mac = (n: number) => Uint8Array.of(0x08, 0x00, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff, 0x01);
const id = (n: number) => ({ mac: mac(n), vendorClass: 'ipphone.mitel.com' });

function server(pool = poolConfig(fleetDhcpPool(10_000))) {
  let last: DhcpMessage | undefined;
  const s = new DhcpServer({ serverId: SERVER, pool }, {
    now: () => 0,
    send: (bytes) => {
      const d = decodeDhcpMessage(bytes);
      if (!d.ok) throw new Error(d.reason);
      last = d.msg;
    },
  });
  const lease = (n: number): string => {
    s.receive(buildDiscover(id(n), { xid: n, secs: 0, broadcastFlag: true }));
    const offered = last!.yiaddr;
    s.receive(buildSelectingRequest(id(n), { xid: n, secs: 0, broadcastFlag: true, requestedIp: offered, serverId: SERVER }));
    expect(getMessageType(last!)).toBe(DhcpMessageType.Ack);
    return offered;
  };
  return { s, lease, last: () => last! };
}

describe('the DHCP pool of a fleet', () => {
  it('is the default scope for up to 90 phones, and every phone plus a tenth beyond that', () => {
    expect(fleetPoolSize(1)).toBe(100);
    expect(fleetPoolSize(90)).toBe(100);
    expect(fleetPoolSize(200)).toBe(220);
    expect(fleetPoolSize(10_000)).toBe(11_000);
    expect(fleetDhcpPool(1)).toEqual({ from: '192.168.10.100', to: '192.168.10.199' });
    expect(fleetDhcpPool(200)).toEqual({ from: '192.168.10.100', to: '192.168.11.63' });
  });

  it('is served with the narrowest mask holding the range and the router, never narrower than /24', () => {
    expect(poolConfig({ from: '192.168.10.100', to: '192.168.10.199' })).toEqual({
      start: '192.168.10.100', end: '192.168.10.199', mask: '255.255.255.0', router: SERVER, dns: [SERVER],
    });
    expect(poolConfig({ from: '192.168.10.100', to: '192.168.10.110' }).mask).toBe('255.255.255.0');
    expect(poolConfig(fleetDhcpPool(200)).mask).toBe('255.255.254.0'); // 192.168.10.0/23 holds .10.1-.11.63
    expect(poolConfig(fleetDhcpPool(10_000)).mask).toBe('255.255.192.0');
  });

  it('refuses a range that is backwards, holds the router, or leaves its /16', () => {
    expect(poolRangeProblem({ from: '192.168.10.100', to: '192.168.10.99' })).toMatch(/comes before/);
    expect(poolRangeProblem({ from: '192.168.10.1', to: '192.168.10.99' })).toMatch(/controller's own address/);
    expect(poolRangeProblem({ from: '10.0.0.1', to: '10.0.0.9' })).toMatch(/do not share a \/16/);
    expect(poolRangeProblem({ from: '192.168.200.1', to: '192.168.255.254' })).toBeUndefined();
  });

  it('hands 10,000 phones 10,000 distinct addresses, the lowest free one each time', () => {
    const h = server();
    const seen = new Set<string>();
    for (let n = 0; n < 10_000; n++) seen.add(h.lease(n));
    expect(seen.size).toBe(10_000);
    expect(seen.has('192.168.10.100')).toBe(true);
    expect(seen.has('192.168.49.115')).toBe(true); // .10.100 + 9,999
    expect(getSubnetMask(h.last())).toBe('255.255.192.0');
    // a released address is the lowest free one again: the next newcomer gets it
    h.s.receive(buildRelease(id(7), { xid: 1, secs: 0, ciaddr: '192.168.10.107', serverId: SERVER }));
    expect(h.lease(20_000)).toBe('192.168.10.107');
    expect(h.lease(20_001)).toBe('192.168.49.116');
  });

  it('counts a phone beyond the pool as pool-exhausted', () => {
    const h = server(poolConfig({ from: '192.168.10.100', to: '192.168.10.102' }));
    for (let n = 0; n < 3; n++) h.lease(n);
    const before = h.s.counters.drops['pool-exhausted'];
    h.s.receive(buildDiscover(id(3), { xid: 3, secs: 0, broadcastFlag: true }));
    expect(h.s.counters.drops['pool-exhausted']).toBe(before + 1);
  });

  it('is a field of the controller world: dhcp: { pool: { from, to } }, checked at load', () => {
    const c = parseControllerConfig({ dhcp: { pool: { from: '192.168.10.50', to: '192.168.12.250' } } }, 'w.yaml');
    expect(c.dhcp.pool).toEqual({ from: '192.168.10.50', to: '192.168.12.250' });
    expect(parseControllerConfig({}, 'w.yaml').dhcp.pool).toBeUndefined();
    const error = (raw: unknown) => {
      try {
        parseControllerConfig(raw, 'w.yaml');
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as Error).message;
      }
      throw new Error('no error');
    };
    expect(error({ dhcp: { pool: { from: '192.168.10.50' } } })).toMatch(/^w\.yaml: \/dhcp\/pool must have required property 'to'/);
    expect(error({ dhcp: { pool: { from: '192.168.10.50', to: '192.168.10.60', size: 3 } } })).toMatch(/unknown field "size"/);
    expect(error({ dhcp: { pool: { from: '192.168.10.50', to: '192.168.10.40' } } })).toBe('w.yaml: /dhcp/pool: 192.168.10.40 comes before 192.168.10.50');
  });
});
