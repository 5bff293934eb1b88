// Addresses in the controller's world must be IPv4 addresses, octets 0-255: `sw-tftp: 300.1.1.1` used to
// pass the check, and then the phone rejected every offer. The error names the source and the field.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseControllerConfig } from '../../../sim/controller/config.ts';
import { hotdesk } from '../../support/cli.ts';
import { errorOf } from '../../support/config.ts';


describe('controller world: IPv4 addresses', () => {
  it.each([
    [{ dhcp: { 'sw-tftp': '300.1.1.1' } }, 'world.yaml: /dhcp/sw-tftp must be an IPv4 address'],
    [{ dhcp: { 'sw-tftp': '1.2.3.256' } }, 'world.yaml: /dhcp/sw-tftp must be an IPv4 address'],
    [{ dhcp: { 'sw-tftp': '01.2.3.4' } }, 'world.yaml: /dhcp/sw-tftp must be an IPv4 address'],
    [{ dhcp: { 'call-srv': ['192.168.10.1', '192.168.999.2'] } }, 'world.yaml: /dhcp/call-srv/1 must be an IPv4 address'],
    [{ cluster: [{ id: 'icp-2', ip: '10.0.0.300' }] }, 'world.yaml: /cluster/0/ip must be an IPv4 address'],
    [{ identity: { id: 'icp-1', ip: '256.0.0.1' } }, 'world.yaml: /identity/ip must be an IPv4 address'],
    [{ relay: { agent: '1.1.1.1111' } }, 'world.yaml: /relay/agent must be an IPv4 address'],
    [{ users: [{ ext: '5123', pin: '1', home: '999.1.1.1' }] }, 'world.yaml: /users/0/home must be an IPv4 address'],
    [{ sets: [{ profile: '5340', dn: '5000', secondary: '192.168.10' }] }, 'world.yaml: /sets/0/secondary must be an IPv4 address'],
    [{ relay: { dhcp: '300.0.0.1:67' } }, 'world.yaml: /relay/dhcp must be an IPv4 address and a port'],
  ])('%j is refused', (raw, message) => {
    const m = errorOf(raw);
    expect(m).toBe(message);
  });

  it.each(['0.0.0.0', '255.255.255.255', '10.20.0.1', '192.168.10.1'])('%s is an address', (ip) => {
    expect(parseControllerConfig({ dhcp: { 'sw-tftp': ip } }, 'w').dhcp.swTftp).toBe(ip);
  });

  it("a set's secondary element is kept; a set without one has none", () => {
    const c = parseControllerConfig({ sets: [{ profile: '5340', dn: '5000', secondary: '192.168.10.2' }, { profile: '5340', dn: '5001' }] }, 'w');
    expect(c.sets.map((s) => s.secondary)).toEqual(['192.168.10.2', undefined]);
  });

  it('hotdesk controller exits 2 and names the file and the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotdesk-config-ip-'));
    const file = join(dir, 'world.json');
    writeFileSync(file, JSON.stringify({ dhcp: { 'sw-tftp': '300.1.1.1' } }));
    const r = await hotdesk(['controller', '--port', join(dir, 'no-such-port'), '--config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(:\\d+)?: /dhcp/sw-tftp must be an IPv4 address`));
  }, 30_000);
});
