// tshark reads the pcap of a voice-VLAN boot (World pcapPath): no malformed packet anywhere, DHCP and
// TFTP dissected, and after the re-DHCP the frames carry an 802.1Q tag with the VLAN id.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseControllerConfig } from '../../sim/controller/config.ts';
import { World } from '../../sim/world.ts';
import { runCommand, tempDir } from './daemons.ts';

const VLAN = 123;
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** tshark on the capture; the phone's TFTP server port 20001 decoded as TFTP too (69 is by default). */
async function tshark(pcap: string, ...args: string[]): Promise<string> {
  const r = await runCommand('tshark', ['-n', '-r', pcap, '-d', 'udp.port==20001,tftp', ...args], 30_000);
  if (r.code !== 0) throw new Error(`tshark ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

const lines = (s: string) => s.split('\n').filter((l) => l.trim() !== '');

describe('tshark on the pcap of a VLAN boot', () => {
  it('decodes every frame, shows DHCP and TFTP, and the 802.1Q tag after the re-DHCP', async () => {
    const dir = tempDir('pcap');
    cleanups.push(() => dir.remove());
    const pcap = join(dir.path, 'vlan-boot.pcap');
    const world = await World.build({
      profile: '5340',
      link: { kind: 'mock' },
      seed: 9,
      pcapPath: pcap,
      config: parseControllerConfig({ dhcp: { vlan: VLAN, l2p: 5 }, firmware: [{ family: '53gx', version: '1.0.4.0', size: '16KiB' }] }, 'pcap test'),
    });
    let closed = false;
    cleanups.push(() => (closed ? undefined : world.close()));
    const done = await world.advance(10 * 60_000, () => world.firmware()?.confirmed === true && world.firmware()?.version === '1.0.4.0' && world.phone!.state.startsWith('network.inService'));
    expect(done).toBe(true);
    await world.close(); // flushes the capture
    closed = true;
    expect(existsSync(pcap)).toBe(true);

    const all = lines(await tshark(pcap, '-T', 'fields', '-e', 'frame.number'));
    expect(all.length).toBeGreaterThan(30);
    expect(lines(await tshark(pcap, '-Y', '_ws.malformed || _ws.expert.severity >= error'))).toEqual([]);

    const vlanIds = lines(await tshark(pcap, '-Y', 'vlan', '-T', 'fields', '-e', 'vlan.id', '-e', 'vlan.priority'));
    expect(vlanIds.length).toBeGreaterThan(10);
    expect(new Set(vlanIds)).toEqual(new Set([`${VLAN}\t5`]));

    // DHCP untagged first (discover .. ack, release), then again inside the VLAN
    const dhcp = lines(await tshark(pcap, '-Y', 'dhcp', '-T', 'fields', '-e', 'vlan.id', '-e', 'dhcp.option.dhcp'));
    expect(dhcp.filter((l) => l.startsWith('\t')).map((l) => l.slice(1))).toEqual(expect.arrayContaining(['1', '2', '3', '5', '7']));
    expect(dhcp.filter((l) => l.startsWith(`${VLAN}\t`)).map((l) => l.split('\t')[1])).toEqual(expect.arrayContaining(['1', '2', '3', '5']));
    // the tag appears only after the phone released its untagged lease (the re-DHCP)
    const release = Number(lines(await tshark(pcap, '-Y', 'dhcp.option.dhcp == 7', '-T', 'fields', '-e', 'frame.number'))[0]);
    const firstTagged = Number(lines(await tshark(pcap, '-Y', 'vlan', '-T', 'fields', '-e', 'frame.number'))[0]);
    expect(release).toBeGreaterThan(0);
    expect(firstTagged).toBeGreaterThan(release);
    // the release of the untagged lease leaves untagged, though it waited for ARP past the VLAN change
    expect(lines(await tshark(pcap, '-Y', 'dhcp.option.dhcp == 7 && vlan'))).toEqual([]);

    // TFTP dissected, inside the VLAN: the read request, the option ack, data and acks
    const tftp = lines(await tshark(pcap, '-Y', 'tftp', '-T', 'fields', '-e', 'vlan.id', '-e', 'tftp.opcode'));
    expect(tftp.length).toBeGreaterThan(10);
    expect(tftp.every((l) => l.startsWith(`${VLAN}\t`))).toBe(true);
    // RRQ, DATA, ACK, OACK; and ERROR: after the reboot the phone stops at the first block (same version)
    expect(new Set(tftp.map((l) => l.split('\t')[1]))).toEqual(new Set(['1', '3', '4', '5', '6']));
  }, 60_000);
});
