// Real peers for the peer tests: each test starts its own daemons on loopback, on free ports above
// 1024, with a temp dir, and stops them (by their own pid) when done. Bounded waits everywhere.
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Daemon {
  name: string;
  child: ChildProcess;
  /** Everything it wrote so far (stdout + stderr), for a failing test's message. */
  output(): string;
  stop(): Promise<void>;
}

/** A UDP port nobody holds right now on `host` (the kernel's choice, then released). */
export async function freeUdpPort(host = '127.0.0.1'): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.bind({ address: host, port: 0 }, () => resolve());
  });
  const port = s.address().port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `hotdesk-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * Starts `cmd args` and resolves once `ready(output)` holds (or rejects after `timeoutMs`, or when the
 * process exits first), with its output in the error.
 */
export async function startDaemon(
  name: string,
  cmd: string,
  args: string[],
  ready: (output: string) => boolean,
  timeoutMs = 10_000,
): Promise<Daemon> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('error', (err) => (out += `\nspawn error: ${err.message}`));
  const daemon: Daemon = {
    name,
    child,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killed = await Promise.race([exited.then(() => true), sleep(3000).then(() => false)]);
        if (!killed) child.kill('SIGKILL');
        await Promise.race([exited, sleep(2000)]);
      }
    },
  };
  const deadline = Date.now() + timeoutMs;
  while (!ready(out)) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited before it was ready:\n${out}`);
    if (Date.now() > deadline) {
      await daemon.stop();
      throw new Error(`${name} not ready after ${timeoutMs} ms:\n${out}`);
    }
    await sleep(20);
  }
  return daemon;
}

/** Runs a command to its end (bounded), with its output. */
export async function runCommand(cmd: string, args: string[], timeoutMs = 20_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => {
    child.once('error', (err) => {
      stderr += `spawn error: ${err.message}`;
      resolve(null);
    });
    child.once('exit', (c) => resolve(c));
  });
  clearTimeout(timer);
  return { code, stdout, stderr };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
