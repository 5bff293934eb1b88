// Where control sockets live: `--control PATH`, else $XDG_RUNTIME_DIR/hotdesk/<pid>.sock (the per-user
// runtime directory), else <tmpdir>/hotdesk-<uid>/<pid>.sock. The directory is the user's alone (0700):
// a PIN crosses the socket on its way to the controller, so no one else may connect.
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function defaultControlDir(env: NodeJS.ProcessEnv = process.env): string {
  const runtime = env.XDG_RUNTIME_DIR;
  if (runtime) return join(runtime, 'hotdesk');
  return join(tmpdir(), `hotdesk-${process.getuid?.() ?? 'user'}`);
}

export function defaultControlPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(defaultControlDir(env), `${process.pid}.sock`);
}

/** Makes the default directory, the user's only; a directory given with --control is the user's choice. */
export function ensureControlDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/** The sockets in the default directory (live or stale: the caller probes them). */
export function listControlSockets(dir: string = defaultControlDir()): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith('.sock'))
    .map((n) => join(dir, n))
    .filter((p) => {
      try {
        return statSync(p).isSocket();
      } catch {
        return false;
      }
    })
    .sort();
}
