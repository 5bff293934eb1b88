// `hotdesk sim --web [PORT] [--web-host HOST]` as a user runs it: the URL on stdout, the page and the
// feed behind it, SIGINT ending it with 0; a bad port is exit 2, a port already taken exit 3.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../sim/cli.ts';
import { BIN } from '../support/cli.ts';
import { FeedClient } from './feed-client.ts';

describe('hotdesk sim --web', () => {
  it('prints the URL, serves the page and the feed of its phone in real time, and stops on SIGINT', async () => {
    const child = spawn(process.execPath, [BIN, 'sim', '--web', '0', '--headless'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (d) => {
          stdout += d;
          const m = /^web panel: (http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(stdout);
          if (m) resolve(m[1]);
        });
        child.once('close', () => reject(new Error(`exited before printing the URL: ${stderr}`)));
      });
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<script type="module" src="panel.js">');
      const feed = await FeedClient.open(url);
      const hello = await feed.next((m) => m.type === 'hello');
      expect(hello).toMatchObject({ type: 'hello', realtime: true, phones: [{ name: 'phone', model: '5340' }] });
      feed.close();
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  });

  it('refuses a bad port, a stray argument and --web-host alone (exit 2)', async () => {
    expect(await inProcess(['sim', '--web', 'abc', '--headless'])).toEqual({ code: 2, stdout: '', stderr: 'hotdesk sim: --web PORT is a port number 0-65535 (got "abc")\n' });
    expect((await inProcess(['sim', '--web', '70000', '--headless'])).stderr).toContain('0-65535 (got "70000")');
    expect(await inProcess(['sim', '--web', '1', '2'])).toMatchObject({ code: 2, stderr: 'hotdesk sim: --web takes one PORT (got 1 2)\n' });
    expect(await inProcess(['sim', '8080', '--headless'])).toMatchObject({ code: 2, stderr: expect.stringContaining('unexpected argument "8080"') });
    expect(await inProcess(['sim', '--web-host', '::1', '--headless'])).toEqual({ code: 2, stdout: '', stderr: 'hotdesk sim: --web-host goes with --web\n' });
  });

  it('ends with exit 3 when the port is taken, before anything runs', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      expect(await inProcess(['sim', '--web', String(port), '--headless', '--for', '1s'])).toEqual({
        code: 3,
        stdout: '',
        stderr: `hotdesk sim: cannot listen on 127.0.0.1:${port} for the web panel (EADDRINUSE)\n`,
      });
    } finally {
      taken.close();
    }
  });

  it('documents --web in its help', async () => {
    const help = await inProcess(['sim', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('[--web [PORT]] [--web-host HOST]');
    expect(help.stdout).toContain('--web [PORT] (default 8080; 0: any free port)');
  });
});

/** The command in this process, for what ends before any world runs: its exit code and output. */
async function inProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  const spy = (stream: 'stdout' | 'stderr') =>
    vi.spyOn(process[stream], 'write').mockImplementation((chunk: string | Uint8Array) => {
      out[stream] += String(chunk);
      return true;
    });
  const spies = [spy('stdout'), spy('stderr')];
  try {
    const code = await main(args);
    return { code, ...out };
  } finally {
    for (const s of spies) s.mockRestore();
  }
}
