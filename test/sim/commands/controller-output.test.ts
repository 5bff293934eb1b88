// `hotdesk controller` tells the person who started it what is going on: where it listens, then one line
// per phone that registers and per login and logout. Two processes on a socat pty pair, in real time: the
// controller, and `hotdesk run --link PATH` logging a user in and out at the phone's end.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makePtyPair } from '../../../sim/wire/pty.ts';
import { hotdesk } from '../../support/cli.ts';

describe('hotdesk controller output', () => {
  it('says where it listens, and a line per registration, login and logout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotdesk-ctl-out-'));
    const config = join(dir, 'world.yaml');
    writeFileSync(
      config,
      'users:\n' +
        '  - { ext: "5123", pin: "1234", name: "Alice Smith", keys: [{ key: 1, type: line, dn: "5123" }, { key: 2, type: blf, dn: "5124" }] }\n' +
        '  - { ext: "5124", pin: "", name: "Bob Jones" }\n',
    );
    const pair = await makePtyPair();
    try {
      const scenario = join(import.meta.dirname, '..', '..', 'scenarios', 'login-5340.yaml');
      const [controller, run] = await Promise.all([
        hotdesk(['controller', '--port', pair.b, '--config', config, '--for', '30s']),
        hotdesk(['run', scenario, '--link', pair.a], { timeoutMs: 60_000 }),
      ]);
      expect(run.code).toBe(0);
      expect(controller.code).toBe(0);
      expect(controller.stderr).toBe('');
      const lines = controller.stdout.split('\n').filter((l) => l.startsWith('hotdesk controller: '));
      expect(lines[0]).toBe(`hotdesk controller: listening on ${pair.b} at 115200 baud: DHCP, TFTP and call server icp-1 at 192.168.10.1, 2 users`);
      expect(lines[1]).toMatch(/^hotdesk controller: phone 00:08:5d(:[0-9a-f]{2}){3} \(5340, firmware 1\.0\.0\.0\) registered from 192\.168\.10\.\d+:\d+$/);
      const mac = /phone (\S+) /.exec(lines[1])![1];
      expect(lines).toContain(`hotdesk controller: user 5123 logged in on ${mac}`);
      expect(lines.some((l) => l.startsWith(`hotdesk controller: user 5123 logged out of ${mac} (`))).toBe(true);
      // a PIN is never shown
      expect(controller.stdout).not.toContain('1234');
    } finally {
      await pair.close();
    }
  }, 90_000);

  it('with no users it says so where it says it listens', async () => {
    const pair = await makePtyPair();
    try {
      const controller = await hotdesk(['controller', '--port', pair.b, '--for', '500ms']);
      expect(controller.code).toBe(0);
      expect(controller.stdout).toContain(`hotdesk controller: listening on ${pair.b} at 115200 baud: DHCP, TFTP and call server icp-1 at 192.168.10.1, no users (give them with --config FILE)`);
    } finally {
      await pair.close();
    }
  }, 30_000);
});
