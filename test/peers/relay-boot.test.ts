// A simulated phone boots from REAL servers through the controller in relay mode: dnsmasq answers its
// DHCP (relayed, giaddr set, the Mitel string in option 43) and tftpd-hpa serves the firmware built with
// the firmware store. Loopback only, ports above 1024, daemons started and stopped here, real time.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseControllerConfig } from '../../sim/controller/config.ts';
import { FirmwareStore } from '../../sim/controller/firmware-store/firmware-store.ts';
import { DEFAULT_RELAY_AGENT } from '../../sim/controller/relay/relay.ts';
import { loadProfile } from '../../sim/profiles.ts';
import { World } from '../../sim/world.ts';
import { freeUdpPort, startDaemon, tempDir, type Daemon } from './daemons.ts';
import { waitForTftp } from './tftp-probe.ts';

const NEW_VERSION = '1.0.3.0';
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startDnsmasq(serverPort: number, dir: string): Promise<Daemon> {
  const agent = DEFAULT_RELAY_AGENT;
  const d = await startDaemon(
    'dnsmasq',
    'dnsmasq',
    [
      '--keep-in-foreground',
      '--log-facility=-',
      '--log-dhcp',
      '--conf-file=/dev/null',
      '--port=0', // no DNS
      '--no-resolv',
      '--no-hosts',
      '--no-ping',
      '--bind-interfaces', // shares the DHCP port (SO_REUSEADDR) with the relay's socket on the agent address
      '--interface=lo',
      `--dhcp-alternate-port=${serverPort},${serverPort + 1}`,
      // the relay's giaddr picks this scope
      `--dhcp-range=127.0.0.100,127.0.0.199,255.255.255.0`,
      `--dhcp-option=43,id:ipphone.mitel.com;sw_tftp=${agent};call_srv=${agent}`,
      `--dhcp-leasefile=${join(dir, 'leases')}`,
      `--pid-file=${join(dir, 'dnsmasq.pid')}`,
      '--user=root',
    ],
    (out) => /DHCP, IP range/.test(out),
  );
  cleanups.push(() => d.stop());
  return d;
}

async function startTftpd(port: number, dir: string): Promise<Daemon> {
  const d = await startDaemon('in.tftpd', 'in.tftpd', ['-L', '-u', 'root', '-s', dir, '-a', `127.0.0.1:${port}`], () => true);
  cleanups.push(() => d.stop());
  await waitForTftp('127.0.0.1', port, 5000);
  return d;
}

describe('relay mode: a phone boots from dnsmasq and tftpd-hpa', () => {
  it('shows the boot display sequence, upgrades from the real TFTP server and confirms', async () => {
    const dir = tempDir('relay');
    cleanups.push(() => dir.remove());
    chmodSync(dir.path, 0o755);
    const profile = loadProfile('5340');
    const image = new FirmwareStore().putGenerated('img', {
      family: profile.firmware!.family,
      version: [1, 0, 3, 0],
      payloadSize: 16 * 1024,
      seed: 11,
    });
    writeFileSync(join(dir.path, profile.firmware!.file), image, { mode: 0o644 });

    const dhcpPort = await freeUdpPort();
    const tftpPort = await freeUdpPort();
    const dnsmasq = await startDnsmasq(dhcpPort, dir.path);
    const tftpd = await startTftpd(tftpPort, dir.path);

    const shown: string[] = [];
    const world = await World.build({
      profile: '5340',
      link: { kind: 'mock' },
      realtime: true,
      phoneFirmware: '1.0.0.0',
      seed: 5,
      dhcpStartDelayMs: { min: 0, max: 50 },
      // the embedded call server answers where dnsmasq's call_srv points: the relay agent's address
      config: parseControllerConfig({ relay: { dhcp: `127.0.0.1:${dhcpPort}`, tftp: `127.0.0.1:${tftpPort}` }, identity: { ip: DEFAULT_RELAY_AGENT } }, 'relay test'),
      panel: { display: (lines) => shown.push(lines.join(' | ')), lamp: () => undefined },
    });
    cleanups.push(() => world.close());
    await world.controller!.ready;

    const done = await world.advance(40_000, () => {
      const fw = world.firmware();
      return fw?.version === NEW_VERSION && fw.confirmed && world.phone!.state.startsWith('network.inService');
    });
    const context = `displays: ${shown.join(' / ')}\n--- dnsmasq:\n${dnsmasq.output().slice(-2000)}\n--- tftpd:\n${tftpd.output()}`;
    expect(done, context).toBe(true);

    // docs/design.md's boot display sequence, in order, with the download and the reboot into the new image
    const expected = [
      'Waiting for LAN link',
      'DHCP: Discovery',
      'Using option 43',
      'DHCP: Offer 1 Acc',
      'DHCP: Ack',
      `${DEFAULT_RELAY_AGENT} Downloading`,
      'Upgrading Flash | DO NOT POWER DOWN',
      'Rebooting',
      'DHCP: Discovery',
      'Upgrade not required',
    ];
    let at = 0;
    for (const want of expected) {
      const found = shown.findIndex((s, i) => i >= at && s.startsWith(want));
      expect(found, `"${want}" after display ${at}: ${context}`).toBeGreaterThanOrEqual(0);
      at = found + 1;
    }
    // the address came from dnsmasq's scope for the relay's giaddr, the image from tftpd's directory
    expect(world.phone!.stack!.ip).toMatch(/^127\.0\.0\.1\d\d$/);
    expect(dnsmasq.output()).toMatch(/DHCPACK\(lo\) 127\.0\.0\.1\d\d 00:08:5d/);
    expect(world.controller!.relay!.tftp).toBeDefined();
  }, 60_000);
});
