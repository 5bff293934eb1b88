// The control socket (sim/control): a client runs controller actions of the scenarios' table on a
// running controller, gets each one's answer, and a malformed request, an unknown action or a refusal
// is answered as such without costing the connection. The socket is the user's alone, a stale one is
// replaced, one in use is not, and closing removes it. The trace names each request, never a PIN.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseControllerConfig } from '../../../sim/controller/config.ts';
import { ControlClient, ControlError } from '../../../sim/control/client.ts';
import { ControlServer, ControlSocketError } from '../../../sim/control/server.ts';
import type { StampedRecord } from '../../../sim/trace.ts';
import { World } from '../../../sim/world.ts';

const WORLD = {
  users: [
    { ext: '5123', pin: '1234', name: 'Alice Smith' },
    { ext: '5124', pin: '4321', name: 'Bob Jones', external: '0612345678' },
  ],
};

let dir: string;
let world: World;
let server: ControlServer;
let records: StampedRecord[];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hotdesk-control-'));
  records = [];
  const config = parseControllerConfig(WORLD, 'world');
  world = await World.build({ profile: '5340', link: { kind: 'mock' }, config });
  world.trace.addSink((r) => records.push(r));
  server = await ControlServer.start({ controller: world.controller!, world: config, path: join(dir, 'c.sock'), tracer: world.trace.forNode('control') });
});

afterEach(async () => {
  await server.close();
  await world.close();
});

/** Sends raw lines and collects the answer lines (for what a client would never send). */
function raw(path: string, text: string, answers: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const s = createConnection(path);
    let got = '';
    s.on('data', (d) => {
      got += d;
      const lines = got.split('\n').filter(Boolean);
      if (lines.length >= answers) {
        s.destroy();
        resolve(lines);
      }
    });
    s.on('close', () => resolve(got.split('\n').filter(Boolean)));
    s.on('error', reject);
    s.write(text);
  });
}

describe('the control socket', () => {
  it('runs the actions of the scenarios\' table and answers with each result', async () => {
    const c = await ControlClient.connect(server.path);
    try {
      expect(await c.request('locate', { ext: '5123' })).toEqual({ ext: '5123', loggedIn: false });
      expect(await c.request('login', { ext: '5123', on: '5002' })).toBeNull();
      expect(await c.request('locate', { ext: 5123 })).toMatchObject({ ext: '5123', loggedIn: true, set: '5002', controller: 'icp-1' });
      expect(await c.request('locate', { ext: '5123', expect: { set: '5002' } })).toMatchObject({ loggedIn: true });
      expect(await c.request('login', { ext: '5124', on: '5003' })).toBeNull();
      expect(await c.request('schedule-logout', { scope: 'external' })).toEqual({ scope: 'external', done: 1, waiting: 0 });
      expect(await c.request('locate', { ext: '5123' })).toMatchObject({ loggedIn: true });
      expect(await c.request('remote-logout', { ext: '5123' })).toEqual({ ext: '5123', outcome: 'done' });
      expect(await c.request('remote-logout', { ext: '5123' })).toEqual({ ext: '5123', outcome: 'not-logged-in' });
      expect(await c.request('reset-pin', { ext: '5123', pin: '86420' })).toEqual({ ext: '5123' });
      expect(await c.request('schedule-logout')).toEqual({ scope: 'all', done: 0, waiting: 0 });
      expect(await c.request('kill', 'icp-1')).toBeNull();
    } finally {
      c.close();
    }
  });

  it('answers a bad action as a bad request and a refusal as refused, and keeps the connection', async () => {
    const c = await ControlClient.connect(server.path);
    try {
      const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: ControlError) => ({ kind: e.kind, message: e.message }));
      expect(await failure(c.request('fly', {}))).toMatchObject({ kind: 'bad-request', message: expect.stringMatching(/unknown controller action "fly"/) });
      expect(await failure(c.request('schedule-logout', { scope: 'externl' }))).toEqual({
        kind: 'bad-request',
        message: 'controller schedule-logout "scope" must be one of all, internal, external (got "externl")',
      });
      expect(await failure(c.request('kill', 'icp-9'))).toMatchObject({ kind: 'bad-request', message: expect.stringMatching(/no call server "icp-9"/) });
      expect(await failure(c.request('locate', { ext: '5999' }))).toEqual({ kind: 'refused', message: '5999 is not a hot desk user' });
      expect(await failure(c.request('locate', { ext: '5123', expect: { set: '2001' } }))).toEqual({ kind: 'refused', message: '5123 is not logged in, not at set 2001' });
      expect(await failure(c.request('reset-pin', { ext: '5999', pin: '86420' }))).toEqual({ kind: 'refused', message: '5999 is not a hot desk user' });
      const badPin = await failure(c.request('reset-pin', { ext: '5123', pin: '86420x' }));
      expect(badPin).toMatchObject({ kind: 'bad-request' });
      expect(badPin!.message).not.toContain('86420');
      expect(await c.request('locate', { ext: '5123' })).toEqual({ ext: '5123', loggedIn: false }); // still connected
    } finally {
      c.close();
    }
  });

  it('answers a malformed line without echoing it, and closes on a runaway line', async () => {
    const lines = await raw(server.path, 'pin 86420\n{"id":7}\n{"id":8,"action":"locate","args":{"ext":"5123"},"pin":"86420"}\n[1]\n', 4);
    const answers = lines.map((l) => JSON.parse(l));
    expect(answers.map((a) => [a.id, a.ok, a.error?.kind])).toEqual([
      [null, false, 'bad-request'],
      [7, false, 'bad-request'],
      [8, false, 'bad-request'],
      [null, false, 'bad-request'],
    ]);
    expect(lines.join('\n')).not.toContain('86420');
    const runaway = await raw(server.path, 'x'.repeat(70 * 1024), 1);
    expect(JSON.parse(runaway[0])).toMatchObject({ ok: false, error: { message: 'request line too long' } });
  });

  it('traces each request by its action, never a PIN', async () => {
    const c = await ControlClient.connect(server.path);
    try {
      await c.request('reset-pin', { ext: '5123', pin: '86420' });
      await c.request('reset-pin', { ext: '5123', pin: '1x' }).catch(() => undefined);
      await c.request('reset-pn', { ext: '5123', pin: '97531' }).catch(() => undefined);
    } finally {
      c.close();
    }
    const control = records.filter((r) => r.node === 'control').map((r) => String((r as { message?: unknown }).message));
    expect(control[0]).toBe('control: {"reset-pin":{"ext":"5123","pin":"(not shown)"}}: ok');
    expect(control).toHaveLength(3);
    const all = JSON.stringify(records);
    expect(all).not.toContain('86420');
    expect(all).not.toContain('97531');
    expect(all).toContain('pin of 5123 reset by the administrator');
  });

  it('is the user\'s alone, replaces a stale socket, refuses one in use or a file, and goes on close', async () => {
    expect(statSync(server.path).mode & 0o777).toBe(0o600);
    await expect(ControlServer.start({ controller: world.controller!, path: server.path })).rejects.toThrow(new ControlSocketError(`control socket ${server.path} is in use by another controller`));
    const file = join(dir, 'file.sock');
    writeFileSync(file, '');
    await expect(ControlServer.start({ controller: world.controller!, path: file })).rejects.toThrow(/exists and is not a socket/);
    await expect(ControlServer.start({ controller: world.controller!, path: join(dir, 'nowhere', 'c.sock') })).rejects.toThrow(/no directory/);

    // a socket left by a controller that was killed: nothing listens, so a new controller takes the path
    const stalePath = join(dir, 'stale.sock');
    const killed = spawnSync(process.execPath, ['-e', `require('node:net').createServer().listen(${JSON.stringify(stalePath)}, () => process.kill(process.pid, 'SIGKILL'))`]);
    expect([killed.signal, statSync(stalePath).isSocket()]).toEqual(['SIGKILL', true]);
    const again = await ControlServer.start({ controller: world.controller!, path: stalePath });
    const c = await ControlClient.connect(stalePath);
    expect(await c.request('locate', { ext: '5123' })).toMatchObject({ loggedIn: false });
    c.close();
    await again.close();
    expect(existsSync(stalePath)).toBe(false);
  });

  it('a client says when no controller is there, or it went away', async () => {
    await expect(ControlClient.connect(join(dir, 'none.sock'))).rejects.toMatchObject({ kind: 'unavailable', message: expect.stringMatching(/no controller at .*none\.sock \(no such socket\)/) });
    const c = await ControlClient.connect(server.path);
    await server.close();
    await expect(c.request('locate', { ext: '5123' })).rejects.toMatchObject({ kind: 'unavailable' });
    c.close();
    server = await ControlServer.start({ controller: world.controller!, path: join(dir, 'c2.sock') }); // for afterEach
  });
});
