// Hardware in the loop with the controller as its own process (issue 12): `hotdesk controller --port
// PTY --control SOCK` on one end of a socat pty pair, and `hotdesk run SCENARIO --link PTY2 --control
// SOCK` on the other. The scenario's controller steps (locate, the administrator's remote logout) reach
// the far controller through its control socket; the phone sees their effect across the wire.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { makePtyPair } from '../../sim/wire/pty.ts';
import { hotdesk } from '../support/cli.ts';
import { startWithControl } from '../sim/control/processes.ts';

const SCENARIO = join(import.meta.dirname, '..', 'scenarios', 'admin-locate.yaml');

describe('controller steps through the control socket, over a socat pty pair', () => {
  it('hotdesk run --link PATH --control SOCK drives the controller process at the far end', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotdesk-admin-link-'));
    // the controller process serves the scenario's own world
    const config = join(dir, 'world.yaml');
    writeFileSync(config, stringify(parse(readFileSync(SCENARIO, 'utf8')).controller));
    const trace = join(dir, 'controller.jsonl');
    const sock = join(dir, 'c.sock');
    const pair = await makePtyPair();
    const controller = await startWithControl(['controller', '--port', pair.b, '--config', config, '--control', sock, '--trace', trace]);
    try {
      // without the socket the far controller is out of reach: the first controller step fails
      const unreachable = await hotdesk(['run', SCENARIO, '--link', pair.a], { timeoutMs: 60_000 });
      expect(unreachable.code).toBe(1);
      expect(unreachable.stdout).toMatch(/step 2 controller: \{"locate".*this link has no controller at the far end/);

      const run = await hotdesk(['run', SCENARIO, '--link', pair.a, '--control', sock], { timeoutMs: 60_000 });
      expect(run.stdout).toContain('PASS locate a hot desk user and log them out remotely');
      expect(run.code).toBe(0);
    } finally {
      const ended = await controller.stop();
      await pair.close();
      expect(ended.stderr).toBe('');
      expect(ended.code).toBe(0);
    }
    const served = readFileSync(trace, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const control = served.filter((r) => r.node === 'control').map((r) => r.message);
    expect(control).toEqual([
      'control: {"locate":{"ext":"5123","expect":"none"}}: ok',
      'control: {"locate":{"ext":"5123","expect":{"set":"2001"}}}: ok',
      'control: {"remote-logout":{"ext":"5123","expect":"done"}}: ok',
      'control: {"locate":{"ext":"5123","expect":"none"}}: ok',
    ]);
    expect(served.some((r) => r.kind === 'info' && /logout 5123 from .* \(remote\)/.test(r.message))).toBe(true);
  }, 150_000);

  it('--control is for --link PATH, and a socket with nothing behind it is exit 3', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotdesk-admin-link-'));
    const [mock, none] = await Promise.all([
      hotdesk(['run', SCENARIO, '--control', join(dir, 'c.sock')]),
      hotdesk(['run', SCENARIO, '--link', join(dir, 'tty'), '--control', join(dir, 'c.sock')]),
    ]);
    expect(mock).toMatchObject({ code: 2, stderr: /--control is for --link PATH/ });
    expect(none).toMatchObject({ code: 3, stderr: /hotdesk run: no controller at .*c\.sock \(no such socket\)/ });
  });
});
