// The control socket's client: `hotdesk admin` and `hotdesk run --control` talk to a running controller
// through it. One request at a time is enough for both; answers are matched by id all the same.
import { createConnection, type Socket } from 'node:net';
import { lineReader, type ControlErrorKind, type ControlResponse } from './protocol.ts';

/**
 * Why a request got no result. `unavailable`: no controller at the socket, or it went away (exit 3);
 * `bad-request` (exit 2) and `refused` (exit 1) are the controller's answers.
 */
export class ControlError extends Error {
  constructor(
    readonly kind: ControlErrorKind | 'unavailable',
    message: string,
  ) {
    super(message);
  }
}

/** How long an answer may take before the controller counts as gone (real time: another process). */
const ANSWER_TIMEOUT_MS = 10_000;

export class ControlClient {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (r: ControlResponse) => void; reject: (e: Error) => void }>();
  private gone?: ControlError;

  private constructor(
    readonly path: string,
    private readonly socket: Socket,
  ) {
    socket.on(
      'data',
      lineReader(
        (line) => this.onLine(line),
        () => this.fail(new ControlError('unavailable', `the controller at ${path} sent a line too long`)),
      ),
    );
    socket.on('error', (err: NodeJS.ErrnoException) => this.fail(new ControlError('unavailable', `the controller at ${path} is gone (${err.code ?? err.message})`)));
    socket.on('close', () => this.fail(new ControlError('unavailable', `the controller at ${path} closed the control socket`)));
  }

  /** Connects, or rejects with an `unavailable` ControlError naming the path and why. */
  static connect(path: string): Promise<ControlClient> {
    return new Promise((resolve, reject) => {
      const socket = createConnection(path);
      socket.once('connect', () => {
        socket.removeAllListeners('error');
        resolve(new ControlClient(path, socket));
      });
      socket.once('error', (err: NodeJS.ErrnoException) => {
        const why = err.code === 'ENOENT' ? 'no such socket' : err.code === 'ECONNREFUSED' ? 'nothing listens there' : (err.code ?? err.message);
        reject(new ControlError('unavailable', `no controller at ${path} (${why})`));
      });
    });
  }

  /** Runs one controller action on the far end: its result, or a ControlError. */
  async request(action: string, args?: unknown): Promise<unknown> {
    if (this.gone) throw this.gone;
    const id = this.nextId++;
    const response = await new Promise<ControlResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new ControlError('unavailable', `the controller at ${this.path} did not answer within ${ANSWER_TIMEOUT_MS / 1000} s`));
      }, ANSWER_TIMEOUT_MS);
      this.waiting.set(id, {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.socket.write(JSON.stringify({ id, action, ...(args === undefined ? {} : { args }) }) + '\n');
    });
    if (!response.ok) throw new ControlError(response.error.kind, response.error.message);
    return response.result;
  }

  close(): void {
    this.gone ??= new ControlError('unavailable', 'the control connection is closed');
    this.socket.destroy();
  }

  private onLine(line: string): void {
    let r: ControlResponse;
    try {
      r = JSON.parse(line) as ControlResponse;
    } catch {
      return this.fail(new ControlError('unavailable', `the controller at ${this.path} answered something that is not JSON`));
    }
    const w = typeof r.id === 'number' ? this.waiting.get(r.id) : undefined;
    if (!w) return; // an answer nobody waits for (timed out): dropped
    this.waiting.delete(r.id as number);
    w.resolve(r);
  }

  private fail(err: ControlError): void {
    this.gone ??= err;
    for (const w of this.waiting.values()) w.reject(this.gone);
    this.waiting.clear();
  }
}
