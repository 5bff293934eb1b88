// For the admin HIL tests (test/hil/admin*.test.ts): a `hotdesk controller` (or `sim`) started as a
// process of its own, ready once it printed its control socket, and `hotdesk admin` runs with stdin.
import { spawn, type ChildProcess } from 'node:child_process';
import { BIN, hotdesk, type Ran } from '../../support/cli.ts';

export interface Running {
  child: ChildProcess;
  /** The path it printed: `control socket: PATH`. */
  socket: string;
  stdout(): string;
  stderr(): string;
  /** SIGTERM, then what it said and its exit code. */
  stop(): Promise<Ran>;
}

/** Starts `hotdesk ARGS` and resolves once it printed its control socket (rejects if it ends first). */
export function startWithControl(args: string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 20_000): Promise<Running> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let out = '';
  let err = '';
  const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const stop = async (): Promise<Ran> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const code = await closed;
    return { code, stdout: out, stderr: err };
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`no "control socket:" line within ${timeoutMs} ms: ${out} ${err}`));
    }, timeoutMs);
    const look = () => {
      const m = /^control socket: (.+)$/m.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout!.off('data', look);
      resolve({ child, socket: m[1], stdout: () => out, stderr: () => err, stop });
    };
    child.stdout!.on('data', look);
    void closed.then((code) => {
      clearTimeout(timer);
      reject(new Error(`hotdesk ${args[0]} ended (code ${code}) before its control socket was open: ${err}`));
    });
  });
}

/** Runs `hotdesk ARGS` with `stdin` written to it (then closed), as `hotdesk admin reset-pin` reads a PIN. */
export function hotdeskWithStdin(args: string[], stdin: string | undefined, env: NodeJS.ProcessEnv = process.env, timeoutMs = 30_000): Promise<Ran> {
  return hotdesk(args, { stdin: stdin ?? '', env, timeoutMs });
}
