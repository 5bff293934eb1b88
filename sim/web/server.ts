// The web panel's server: the page (sim/web/page, static files, nothing from the network) over HTTP and
// the board's feed over a WebSocket at /ws, on 127.0.0.1 unless told otherwise. Each page gets every
// phone's full view first, then the changes, batched per turn of the event loop, each batch ending with
// the simulation time; the page presses keys by sending their names back.
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Clock } from '../../firmware/hal.ts';
import { EnvironmentError } from '../commands/usage.ts';
import type { WebBoard } from './board.ts';
import type { ServerMessage } from './protocol.ts';

/** The address cannot be listened on (taken, not ours): the environment's, exit 3. */
export class WebPortError extends EnvironmentError {}

export const DEFAULT_WEB_HOST = '127.0.0.1';
/** `--web` without a port. */
export const DEFAULT_WEB_PORT = 8080;

/** How often the page hears the clock when nothing else happens (it runs its own between, in real time). */
const TIME_EVERY_MS = 100;
/** A page this far behind misses trace lines (never a phone's state) until it catches up. */
const BACKLOG_BYTES = 1 << 20;
/** A press is a short JSON object; anything bigger is not one. */
const MAX_MESSAGE_BYTES = 4096;

const PAGE_DIR = join(import.meta.dirname, 'page');
const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'";

export interface WebServerOptions {
  board: WebBoard;
  clock: Clock;
  host?: string;
  /** 0: any free port (the tests). */
  port?: number;
}

export interface WebPanelServer {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Sends every page what is pending and the clock now (after the simulation moved it). */
  sync(): void;
  close(): Promise<void>;
}

interface Client {
  ws: WebSocket;
  queue: ServerMessage[];
  /** The clock as this page last heard it. */
  lastTime: number;
}

/** The page's files, read once: only these paths are served. */
function pageFiles(): Map<string, { type: string; body: Buffer }> {
  const files = new Map<string, { type: string; body: Buffer }>();
  for (const name of readdirSync(PAGE_DIR)) {
    const type = TYPES[name.split('.').pop() ?? ''];
    if (type) files.set(`/${name}`, { type, body: readFileSync(join(PAGE_DIR, name)) });
  }
  files.set('/', files.get('/index.html')!);
  return files;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export async function startWebServer(o: WebServerOptions): Promise<WebPanelServer> {
  const host = o.host ?? DEFAULT_WEB_HOST;
  const files = pageFiles();
  const clients = new Set<Client>();
  const http = createServer((req, res) => serve(req, res));
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  let port = 0;
  let lastTime = NaN;
  let flushing: NodeJS.Immediate | undefined;

  /**
   * Bound to loopback, only requests that name a loopback host are answered: a web page elsewhere that
   * had its own name resolve to 127.0.0.1 (DNS rebinding) does not reach the phones.
   */
  const hostAllowed = (header: string | undefined): boolean => {
    if (!isLoopback(host)) return true;
    const names = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `${urlHost(host)}:${port}`]);
    return header !== undefined && names.has(header.toLowerCase());
  };

  function serve(req: IncomingMessage, res: ServerResponse): void {
    if (!hostAllowed(req.headers.host)) return void res.writeHead(403, { 'content-type': 'text/plain' }).end('forbidden host\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { allow: 'GET, HEAD' }).end();
    const path = (req.url ?? '/').split('?')[0];
    const file = files.get(path);
    if (!file) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    res.writeHead(200, {
      'content-type': file.type,
      'content-length': file.body.length,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'content-security-policy': CSP,
    });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  function refuseUpgrade(socket: Duplex, status: string): void {
    socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\n\r\n`);
  }

  http.on('upgrade', (req, socket, head) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/ws') return refuseUpgrade(socket, '404 Not Found');
    // a browser names the page that opens a socket: only our own page may press keys
    const origin = req.headers.origin;
    if (!hostAllowed(req.headers.host) || (origin !== undefined && origin !== `http://${req.headers.host}`)) return refuseUpgrade(socket, '403 Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => welcome(ws));
  });

  function welcome(ws: WebSocket): void {
    flush(); // what the others have pending is already in this page's hello
    const t = o.clock.now();
    const client: Client = { ws, queue: [], lastTime: t };
    clients.add(client);
    ws.send(JSON.stringify([o.board.hello(), { type: 'time', t }]));
    ws.on('message', (data, isBinary) => {
      client.queue.push(isBinary ? { type: 'refused', message: 'the panel takes JSON text messages' } : answer(data.toString()));
      schedule();
    });
    ws.on('close', () => clients.delete(client));
    ws.on('error', () => clients.delete(client));
  }

  function answer(text: string): ServerMessage {
    let message: { type?: unknown; phone?: unknown; key?: unknown };
    try {
      message = JSON.parse(text);
    } catch {
      return { type: 'refused', message: 'not a JSON message' };
    }
    if (!message || typeof message !== 'object' || message.type !== 'press') return { type: 'refused', message: 'the panel takes {"type":"press","phone":NAME,"key":KEY}' };
    return o.board.press(message.phone, message.key);
  }

  const unsubscribe = o.board.subscribe((message) => {
    for (const client of clients) client.queue.push(message);
    schedule();
  });

  function schedule(): void {
    flushing ??= setImmediate(flush);
  }

  function flush(): void {
    if (flushing) clearImmediate(flushing);
    flushing = undefined;
    const t = o.clock.now();
    lastTime = t;
    for (const client of clients) {
      let batch = client.queue;
      client.queue = [];
      // a page that cannot keep up loses log lines, never a phone's state
      if (client.ws.bufferedAmount > BACKLOG_BYTES) batch = batch.filter((m) => m.type !== 'trace');
      if (batch.length === 0 && t === client.lastTime) continue;
      client.lastTime = t;
      batch.push({ type: 'time', t });
      client.ws.send(JSON.stringify(batch));
    }
  }

  const ticker = setInterval(() => {
    if (clients.size > 0 && o.clock.now() !== lastTime) flush();
  }, TIME_EVERY_MS);
  ticker.unref();

  await new Promise<void>((resolve, reject) => {
    http.once('error', (err: NodeJS.ErrnoException) => {
      reject(new WebPortError(`cannot listen on ${urlHost(host)}:${o.port ?? DEFAULT_WEB_PORT} for the web panel (${err.code ?? err.message})`));
    });
    http.listen(o.port ?? DEFAULT_WEB_PORT, host, () => resolve());
  });
  const address = http.address();
  port = typeof address === 'object' && address ? address.port : 0;

  return {
    url: `http://${urlHost(host)}:${port}/`,
    host,
    port,
    sync: flush,
    close: () => closeAll(http, wss, clients, () => {
      clearInterval(ticker);
      unsubscribe();
      if (flushing) clearImmediate(flushing);
    }),
  };
}

async function closeAll(http: Server, wss: WebSocketServer, clients: Set<Client>, stop: () => void): Promise<void> {
  stop();
  for (const client of clients) client.ws.terminate();
  clients.clear();
  await new Promise<void>((resolve) => wss.close(() => resolve()));
  http.closeAllConnections();
  await new Promise<void>((resolve) => http.close(() => resolve()));
}
