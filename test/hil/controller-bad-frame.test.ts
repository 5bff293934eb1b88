// One bad frame must not kill `hotdesk controller`: a DHCP DISCOVER with hlen 7 (valid FCS and
// checksums) goes into a real controller process over a socat pty pair; the process stays up and still
// offers to a good DISCOVER. Frames are built and parsed with the firmware's own stack and codecs.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDiscover } from '../../firmware/boot/dhcp-client-messages.ts';
import { decodeDhcpMessage, getMessageType } from '../../firmware/boot/dhcp-message.ts';
import { DhcpMessageType } from '../../firmware/boot/dhcp-options.ts';
import { NetStack, type Datagram } from '../../firmware/link/stack.ts';
import { RealClock } from '../../sim/real-clock.ts';
import { openSerialLink } from '../../sim/wire/serial-link.ts';
import { BIN } from '../support/cli.ts';

const mac = Uint8Array.of(0x00, 0x08, 0x5d, 0x0a, 0x0b, 0x0c);
const discover = () => buildDiscover({ mac, vendorClass: 'ipphone.mitel.com' }, { xid: 0x1234, secs: 0, broadcastFlag: true });

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return cond();
}

describe('hotdesk controller over a pty survives a bad frame', () => {
  it('a DISCOVER with hlen 7 leaves the process alive, and a good DISCOVER is still offered', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotdesk-badframe-'));
    const a = join(dir, 'phone');
    const b = join(dir, 'ctrl');
    const socat = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: 'ignore' });
    let controller: ChildProcess | undefined;
    let stderr = '';
    let link: Awaited<ReturnType<typeof openSerialLink>> | undefined;
    let stack: NetStack | undefined;
    try {
      expect(await until(() => existsSync(a) && existsSync(b), 5000)).toBe(true);
      controller = spawn(process.execPath, [BIN, 'controller', '--port', b, '--for', '60s'], { stdio: ['ignore', 'ignore', 'pipe'] });
      controller.stderr!.on('data', (d) => (stderr += d));
      let exited: number | null | undefined;
      controller.on('exit', (code, signal) => (exited = code ?? (signal ? -1 : null)));

      link = await openSerialLink(a);
      const clock = new RealClock();
      stack = new NetStack({ mac: '00:08:5d:0a:0b:0c', link, clock });
      const offers: Datagram[] = [];
      stack.bind(68, (d) => {
        const m = decodeDhcpMessage(d.payload);
        if (m.ok && getMessageType(m.msg) === DhcpMessageType.Offer && m.msg.xid === 0x1234) offers.push(d);
      });
      const send = (payload: Uint8Array) => stack!.sendUdp({ srcIp: '0.0.0.0', srcPort: 68, dstIp: '255.255.255.255', dstPort: 67, payload });

      // the controller is up when it answers a good DISCOVER
      const up = async () => {
        for (let i = 0; i < 40 && offers.length === 0 && exited === undefined; i++) {
          send(discover());
          await until(() => offers.length > 0 || exited !== undefined, 500);
        }
        return offers.length > 0;
      };
      expect(await up()).toBe(true);

      const bad = discover().slice();
      bad[2] = 7; // hlen 7: a 7-byte hardware address
      offers.length = 0;
      send(bad);
      await until(() => exited !== undefined, 1500);
      expect({ exited, stderr }).toEqual({ exited: undefined, stderr: '' });

      expect(await up()).toBe(true);
      expect(exited).toBeUndefined();
    } finally {
      stack?.close();
      await link?.close().catch(() => {});
      if (controller && controller.exitCode === null) {
        const gone = new Promise((r) => controller!.once('exit', r));
        controller.kill('SIGTERM');
        await gone;
      }
      if (socat.exitCode === null && socat.signalCode === null) {
        const socatGone = new Promise((r) => socat.once('exit', r));
        socat.kill('SIGTERM');
        await socatGone;
      }
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
