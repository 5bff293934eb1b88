// HIL through the commands themselves: `hotdesk controller --port` and `hotdesk phone --port` as two
// processes on the two ends of a socat pty pair, with the real serial binding, in real time.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makePtyPair } from '../../sim/wire/pty.ts';
import { hotdesk, tshark } from '../cli/helpers.ts';

describe('phone and controller commands over a socat pty pair', () => {
  it('the phone boots from the controller across the pty: DHCP, firmware check, in service', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotdesk-hil-'));
    const pair = await makePtyPair();
    try {
      const controllerTrace = join(dir, 'controller.jsonl');
      const phoneTrace = join(dir, 'phone.jsonl');
      const phonePcap = join(dir, 'phone.pcap');
      const [controller, phone] = await Promise.all([
        hotdesk(['controller', '--port', pair.b, '--for', '14s', '--trace', controllerTrace]),
        hotdesk(['phone', '--port', pair.a, '--profile', '5340', '--for', '12s', '--headless', '--trace', phoneTrace, '--pcap', phonePcap]),
      ]);
      expect(controller.stderr).toBe('');
      expect(phone.stderr).toBe('');
      expect([controller.code, phone.code]).toEqual([0, 0]);

      const displays = readFileSync(phoneTrace, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((r) => r.kind === 'display').map((r) => r.lines[0]);
      const order = ['Waiting for LAN link', 'DHCP: Discovery', 'DHCP: Ack', '192.168.10.1 Downloading', 'Upgrade not required'];
      let at = -1;
      for (const text of order) {
        const next = displays.findIndex((d: string, i: number) => i > at && d.startsWith(text));
        expect(next, `"${text}" after "${displays[at]}" in ${JSON.stringify(displays)}`).toBeGreaterThan(at);
        at = next;
      }
      expect(displays.at(-1)).toMatch(/^Ready 192\.168\.10\./);

      const served = readFileSync(controllerTrace, 'utf8');
      expect(served).toContain('"message":"dhcp ack');
      const decoded = await tshark(['-r', phonePcap, '-Y', '_ws.malformed']);
      expect(decoded.stdout.trim()).toBe('');
    } finally {
      await pair.close();
    }
  }, 60_000);
});
