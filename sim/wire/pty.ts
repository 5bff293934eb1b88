// A pair of connected pseudo-terminals from socat: a null-modem cable in software, for running phone
// and controller over the real serial binding (HIL tests, `--link pty`).
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PtyPair {
  /** Paths of the two ends (symlinks to /dev/pts/N). */
  a: string;
  b: string;
  /** Stops socat; both paths go away. */
  close(): Promise<void>;
}

export interface PtyPairOptions {
  /** The socat command (default `socat`, found on PATH). */
  socat?: string;
  /** How long socat may take to set the pair up (real time, default 5000 ms). */
  timeoutMs?: number;
  /** Where to put the two links (default: fresh names in the temp dir). The same paths again make a
   *  replugged cable: socat stopped and started anew, as the replug test does. */
  paths?: { a: string; b: string };
}

let pairCount = 0; // unique link names, so several pairs (and several processes) coexist

export function makePtyPair(options: PtyPairOptions = {}): Promise<PtyPair> {
  const { socat = 'socat', timeoutMs = 5000 } = options;
  const stem = join(tmpdir(), `hotdesk-pty-${process.pid}-${++pairCount}`);
  const a = options.paths?.a ?? `${stem}-a`;
  const b = options.paths?.b ?? `${stem}-b`;
  const child = spawn(socat, ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  let running = true;
  const gone = new Promise<void>((resolve) =>
    child.once('close', () => {
      running = false;
      resolve();
    }),
  );

  const close = async (): Promise<void> => {
    if (running) {
      child.kill('SIGTERM');
      await gone;
    }
    // socat unlinks its links when it exits cleanly; make sure of it whatever happened
    rmSync(a, { force: true });
    rmSync(b, { force: true });
  };

  return new Promise<PtyPair>((resolve, reject) => {
    let answered = false;
    const answer = (err: Error | undefined): void => {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      if (!err) resolve({ a, b, close });
      else void close().then(() => reject(err));
    };
    const lastLine = () => log.trim().split('\n').at(-1) ?? '';
    const timer = setTimeout(
      () => answer(new Error(`socat made no pty pair within ${timeoutMs} ms: ${lastLine()}`)),
      timeoutMs,
    );
    child.once('error', (err: NodeJS.ErrnoException) => {
      running = false; // it never started: nothing to kill
      answer(
        new Error(
          err.code === 'ENOENT'
            ? `socat not found (${socat}): install it (e.g. apt-get install socat) to use pty links`
            : `cannot start socat: ${err.message}`,
        ),
      );
    });
    child.once('exit', (code) => answer(new Error(`socat exited (code ${code}) before the pty pair was ready: ${lastLine()}`)));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      if (answered) return; // keep draining the pipe, but the start-up log is all we need
      log += text;
      // with -d -d socat logs "starting data transfer loop" once both ptys and their links exist
      if (log.includes('starting data transfer loop') && existsSync(a) && existsSync(b)) answer(undefined);
    });
  });
}
