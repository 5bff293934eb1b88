// The errors a command ends with, by exit code (docs/design.md "CLI"): 2 for what the user can fix on the
// command line or in a file (UsageError), 3 for the environment (EnvironmentError: a port, a peer tool, a
// path that cannot be written). Each is one line on stderr.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { checkDuration } from '../duration.ts';

export class UsageError extends Error {}

/** The machine, not the command line: a missing tool, a directory that cannot be written. Exit 3. */
export class EnvironmentError extends Error {}

export function requireString(values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${name} is required`);
  return v;
}

/** `--for 90s`: a duration with its unit; `--for 5` and `--for -5s` are refused with the reason. */
export function durationOption(values: Record<string, unknown>, name: string): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const d = checkDuration(String(v));
  if (!d.ok) throw new UsageError(`--${name} ${v}: ${d.reason}`);
  return d.ms;
}

/** `--trace F` and the like: a path whose directory is missing or read-only is the machine's (exit 3). */
export function checkWritable(option: string, path: string): void {
  const dir = dirname(resolve(path));
  if (existsSync(path) && statSync(path).isDirectory()) throw new UsageError(`--${option} ${path} is a directory: name a file`);
  if (!existsSync(dir)) throw new EnvironmentError(`--${option} ${path}: the directory ${dir} does not exist`);
  try {
    accessSync(existsSync(path) ? path : dir, constants.W_OK);
  } catch {
    throw new EnvironmentError(`--${option} ${path}: cannot write there (permission denied)`);
  }
}

/** A tool on PATH, as spawn finds it (undefined: not there). */
export function findTool(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** The Debian package of each peer tool (scripts/peers.sh installs them). */
export const PEER_PACKAGES: Record<string, string> = {
  socat: 'socat',
  tshark: 'tshark',
  dnsmasq: 'dnsmasq-base',
  'in.tftpd': 'tftpd-hpa',
  curl: 'curl',
  tmux: 'tmux',
  chromium: 'chromium',
};

export function requireTool(name: string, why: string): void {
  if (findTool(name)) return;
  throw new EnvironmentError(`${name} is not installed (${why}): apt-get install ${PEER_PACKAGES[name] ?? name}, or npm run peers`);
}

/**
 * What a command needs of the machine, checked before anything runs (so a run never stops halfway for
 * want of a tool or a directory): the files it writes, socat for `--link pty`.
 */
export function checkEnvironment(values: Record<string, unknown>): void {
  for (const option of ['trace', 'pcap', 'junit']) {
    const v = values[option];
    if (typeof v === 'string') checkWritable(option, v);
  }
  if (values.link === 'pty') requireTool('socat', '--link pty runs on a socat pty pair');
}
