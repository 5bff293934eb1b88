// HIL through the commands themselves: `hotdesk controller --port` and `hotdesk phone --port` as two
// processes on the two ends of a socat pty pair, with the real serial binding, in real time.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makePtyPair } from '../../sim/wire/pty.ts';
import { hotdesk, tshark } from '../support/cli.ts';

describe('phone and controller commands over a socat pty pair', () => {
  it('the phone boots from the controller across the pty: DHCP, firmware check, in service', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotdesk-hil-'));
    const pair = await makePtyPair();
    try {
      const controllerTrace = join(dir, 'controller.jsonl');
      const phoneTrace = join(dir, 'phone.jsonl');
      const phonePcap = join(dir, 'phone.pcap');
      const [controller, phone] = await Promise.all([
        hotdesk(['controller', '--port', pair.b, '--for', '20s', '--trace', controllerTrace]),
        hotdesk(['phone', '--port', pair.a, '--profile', '5340', '--for', '18s', '--headless', '--trace', phoneTrace, '--pcap', phonePcap]),
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
      expect(displays.at(-1)).toBe('No User Logged In');

      const served = readFileSync(controllerTrace, 'utf8');
      expect(served).toContain('"message":"dhcp ack');
      const decoded = await tshark(['-r', phonePcap, '-Y', '_ws.malformed']);
      expect(decoded.stdout.trim()).toBe('');
    } finally {
      await pair.close();
    }
  }, 60_000);

  it('the login scenario runs against a controller process: hotdesk run --link PATH + hotdesk controller --port', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotdesk-hil-'));
    const config = join(dir, 'world.yaml');
    writeFileSync(
      config,
      'users:\n' +
        '  - { ext: "5123", pin: "1234", name: "Alice Smith", keys: [{ key: 1, type: line, dn: "5123" }, { key: 2, type: blf, dn: "5124" }] }\n' +
        '  - { ext: "5124", pin: "", name: "Bob Jones" }\n',
    );
    const pair = await makePtyPair();
    try {
      const scenario = join(import.meta.dirname, '..', 'scenarios', 'login-5340.yaml');
      const [controller, run] = await Promise.all([
        hotdesk(['controller', '--port', pair.b, '--config', config, '--for', '30s']),
        hotdesk(['run', scenario, '--link', pair.a], { timeoutMs: 60_000 }),
      ]);
      expect(run.stdout).toContain('PASS login and logout on a 5340');
      expect(run.code).toBe(0);
      expect(controller.code).toBe(0);
    } finally {
      await pair.close();
    }
  }, 90_000);
});
