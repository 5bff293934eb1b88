// HIL: a pty unplugged and replugged under the commands. `hotdesk controller --port` and `hotdesk phone
// --port` run as two processes on a socat pty pair; socat is stopped (both ptys go away) and started again
// on the same two paths. Both commands say the port is lost, reopen it, say it is back, and the phone is
// registered and in service again. A port that never comes back ends the command with exit 3 after
// --port-timeout. Real time throughout: every wait is for output, with generous bounds for a loaded CI box.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makePtyPair, type PtyPair } from '../../sim/wire/pty.ts';
import { BIN } from '../support/cli.ts';

/** A `hotdesk` child process, its output so far, and waits on that output. */
class Cmd {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;
  private readonly waiters = new Set<() => void>();

  constructor(args: string[]) {
    this.child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => this.got(() => (this.stdout += d)));
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => this.got(() => (this.stderr += d)));
    this.exited = new Promise((resolve) => this.child.once('close', (code) => this.got(() => resolve(code))));
  }

  /** Resolves with the index just past the first match of `re` in the stream at or after `from`. */
  waitFor(stream: 'stdout' | 'stderr', re: RegExp, timeoutMs: number, from = 0): Promise<number> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const m = re.exec(this[stream].slice(from));
        if (!m) return false;
        finish();
        resolve(from + m.index + m[0].length);
        return true;
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`no ${re} on ${stream} within ${timeoutMs} ms; stdout:\n${this.stdout}\nstderr:\n${this.stderr}`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      const waiter = () => void check();
      if (!check()) this.waiters.add(waiter);
    });
  }

  stop(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  private got(update: () => void): void {
    update();
    for (const w of [...this.waiters]) w();
  }
}

const LOST = /hotdesk (phone|controller): port \S+ lost \([^)]*\); reopening\n/;
const BACK = /hotdesk (phone|controller): port \S+ back\n/;
const IN_SERVICE = /\[No User Logged In\]/;

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

function setUp(): { dir: string; paths: { a: string; b: string } } {
  const dir = mkdtempSync(join(tmpdir(), 'hotdesk-replug-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, paths: { a: join(dir, 'phone'), b: join(dir, 'ctrl') } };
}

async function cable(paths: { a: string; b: string }): Promise<PtyPair> {
  const pair = await makePtyPair({ paths, timeoutMs: 15_000 });
  cleanup.push(() => pair.close());
  return pair;
}

function start(args: string[]): Cmd {
  const cmd = new Cmd(args);
  cleanup.push(() => cmd.kill());
  return cmd;
}

describe('a pty unplugged and replugged under hotdesk phone and hotdesk controller', () => {
  it('both reopen their port, say so on stderr, and the phone registers again and is back in service', async () => {
    const { dir, paths } = setUp();
    const config = join(dir, 'world.yaml');
    // a short heartbeat, so the phone notices the outage (3 misses) and has to register again
    writeFileSync(config, 'heartbeat-interval: 2s\n');
    const trace = join(dir, 'controller.jsonl');
    const first = await cable(paths);
    const controller = start(['controller', '--port', paths.b, '--config', config, '--trace', trace, '--port-timeout', '60s', '--for', '170s']);
    // seed 2: a short DHCP start delay, so the test is not waiting on RFC 2131's 1-10 s
    const phone = start(['phone', '--port', paths.a, '--seed', '2', '--port-timeout', '60s', '--for', '170s']);
    const served = await phone.waitFor('stdout', IN_SERVICE, 60_000);

    await first.close(); // unplug: socat stops, both ptys and their links go away
    await Promise.all([phone.waitFor('stderr', LOST, 15_000), controller.waitFor('stderr', LOST, 15_000)]);
    // the firmware sees silence: its heartbeats go unanswered and it starts failing over
    const lostAt = await phone.waitFor('stdout', /\[Resiliency 1\/3\]/, 40_000, served);

    await cable(paths); // replug: a new socat on the same two paths
    const replugged = Date.now();
    await Promise.all([phone.waitFor('stderr', BACK, 20_000), controller.waitFor('stderr', BACK, 20_000)]);
    const registered = await phone.waitFor('stdout', /\[Resiliency 3\/3\]/, 60_000, lostAt);
    await phone.waitFor('stdout', IN_SERVICE, 30_000, registered);
    const replugToService = Date.now() - replugged;
    console.log(`replug to service: ${replugToService} ms`);

    expect(await controller.stop()).toBe(0);
    expect(await phone.stop()).toBe(0);
    // one line each for lost and back, nothing else
    expect(phone.stderr).toMatch(new RegExp(`^${LOST.source}${BACK.source}$`));
    expect(controller.stderr).toMatch(new RegExp(`^${LOST.source}${BACK.source}$`));
    expect(phone.stderr).toContain(`port ${paths.a} lost`);
    expect(controller.stderr).toContain(`port ${paths.b} back`);
    // the controller saw the phone register twice: at boot and after the replug
    const registers = readFileSync(trace, 'utf8').split('\n').filter((l) => /"message":"[^"]*register [0-9a-f:]{17} model /.test(l));
    expect(registers.length).toBeGreaterThanOrEqual(2);
  }, 240_000);

  it('a port that does not come back ends the command with exit 3 after --port-timeout', async () => {
    const { paths } = setUp();
    const pair = await cable(paths);
    const phone = start(['phone', '--port', paths.a, '--seed', '2', '--port-timeout', '1500ms', '--for', '120s']);
    const controller = start(['controller', '--port', paths.b, '--port-timeout', '1500ms', '--for', '120s']);
    await phone.waitFor('stdout', /\[Waiting for LAN link\]/, 30_000); // the phone's port is open
    await phone.waitFor('stdout', /\[DHCP: Offer/, 60_000); // the controller answers: its port is open too

    await pair.close();
    const unplugged = Date.now();
    const codes = await Promise.race([
      Promise.all([phone.exited, controller.exited]),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still running; phone:\n${phone.stderr}\ncontroller:\n${controller.stderr}`)), 30_000)),
    ]);
    const took = Date.now() - unplugged;
    expect(codes).toEqual([3, 3]);
    expect(took).toBeGreaterThanOrEqual(1000); // the give-up clock starts when the loss is seen, a moment before close() returns
    for (const [cmd, name, path] of [[phone, 'phone', paths.a], [controller, 'controller', paths.b]] as const) {
      const lines = cmd.stderr.trim().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0] + "\n").toMatch(LOST);
      expect(lines[1]).toMatch(new RegExp(`^hotdesk ${name}: port ${escape(path)} lost and not back within 1500 ms \\(.+\\)$`));
    }
  }, 120_000);
});
