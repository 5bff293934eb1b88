// The control socket server: what `hotdesk controller` and `hotdesk sim` open so an administrator
// (`hotdesk admin`) or a scenario run on the far end of a link (`hotdesk run --link PATH --control`) can
// act on this controller while it runs. It runs the very table scenarios run (sim/controller/actions.ts,
// applyControllerAction): one implementation, so an action means the same from a step and from the CLI.
// The trace gets one line per request: the action as describeControllerAction shows it (never a PIN).
import { chmodSync, existsSync, statSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import type { Tracer } from '../../firmware/hal.ts';
import { ActionError, applyControllerAction, describeControllerAction } from '../controller/actions.ts';
import type { ControllerConfig } from '../controller/config.ts';
import type { Controller } from '../controller/controller.ts';
import { lineReader, parseRequest, type ControlRequest, type ControlResponse } from './protocol.ts';
import { defaultControlDir, defaultControlPath, ensureControlDir } from './socket-path.ts';

/** The control socket cannot be opened (in use, not a socket, no directory): the environment's, exit 3. */
export class ControlSocketError extends Error {}

export interface ControlServerOptions {
  controller: Controller;
  /** The controller's world: kill and revive must name one of its members, as at a scenario's load. */
  world?: ControllerConfig;
  /** Where to listen; default defaultControlPath(). */
  path?: string;
  tracer?: Tracer;
}

/** Answers one request: the action's result, or why not (a malformed action, a refusal). */
export function answer(controller: Controller, request: ControlRequest, world?: ControllerConfig): ControlResponse {
  const action = { [request.action]: request.args };
  try {
    const [result] = applyControllerAction(controller, action, { world });
    return { id: request.id, ok: true, result: result ?? null };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { id: request.id, ok: false, error: { kind: err instanceof ActionError ? 'bad-request' : 'refused', message } };
  }
}

/** Whether something answers at `path` (a live control socket), or it is a stale file. */
function listening(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createConnection(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

export class ControlServer {
  private readonly sockets = new Set<Socket>();

  private constructor(
    readonly path: string,
    private readonly server: Server,
    private readonly o: ControlServerOptions,
  ) {
    server.on('connection', (socket) => this.serve(socket));
  }

  static async start(o: ControlServerOptions): Promise<ControlServer> {
    const path = o.path ?? defaultControlPath();
    if (o.path === undefined) ensureControlDir(defaultControlDir());
    else if (!existsSync(dirname(path))) throw new ControlSocketError(`control socket ${path}: no directory ${dirname(path)}`);
    if (existsSync(path)) {
      if (!statSync(path).isSocket()) throw new ControlSocketError(`control socket ${path}: the path exists and is not a socket`);
      if (await listening(path)) throw new ControlSocketError(`control socket ${path} is in use by another controller`);
      unlinkSync(path); // a stale one: its controller ended without closing it
    }
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => reject(new ControlSocketError(`control socket ${path}: ${err.code ?? err.message}`)));
      server.listen(path, () => resolve());
    });
    chmodSync(path, 0o600); // the user's alone: a reset-pin's PIN crosses it
    return new ControlServer(path, server, o);
  }

  /** Stops listening, drops the connections and removes the socket file. */
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    try {
      unlinkSync(this.path);
    } catch {
      // already gone (closing twice, or someone removed it)
    }
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy()); // a client gone mid-answer is no error of ours
    const send = (r: ControlResponse) => {
      if (!socket.destroyed) socket.write(JSON.stringify(r) + '\n');
    };
    socket.on(
      'data',
      lineReader(
        (line) => {
          const parsed = parseRequest(line);
          if (!('request' in parsed)) {
            this.trace(`request refused: ${parsed.error}`);
            send({ id: parsed.id, ok: false, error: { kind: 'bad-request', message: parsed.error } });
            return;
          }
          const response = answer(this.o.controller, parsed.request, this.o.world);
          this.trace(this.describe(parsed.request, response));
          send(response);
        },
        () => {
          this.trace('a request line over the limit: connection closed');
          send({ id: null, ok: false, error: { kind: 'bad-request', message: 'request line too long' } });
          socket.end();
        },
      ),
    );
  }

  /** A malformed action is named only: its fields were not checked, and one may be a PIN. */
  private describe(request: ControlRequest, response: ControlResponse): string {
    if (!response.ok && response.error.kind === 'bad-request') return `${request.action}: bad request (${response.error.message})`;
    const action = describeControllerAction({ [request.action]: request.args ?? {} });
    return `${action}: ${response.ok ? 'ok' : `refused (${response.error.message})`}`;
  }

  private trace(message: string): void {
    this.o.tracer?.record({ kind: 'info', message: `control: ${message}` });
  }
}

/** For the commands: the control socket of a world with a controller (none without one). */
export async function openControlSocket(
  world: { controller?: Controller; config: ControllerConfig; trace: { forNode(node: string): Tracer } },
  path: string | undefined,
): Promise<ControlServer | undefined> {
  if (!world.controller) return undefined;
  return ControlServer.start({ controller: world.controller, world: world.config, path, tracer: world.trace.forNode('control') });
}
