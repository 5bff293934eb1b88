// A page's end of the web panel's socket without a browser: every message it was sent, in order, and a
// wait for the first one (from some point on) that matches.
import WebSocket from 'ws';
import type { ServerMessage } from '../../sim/web/protocol.ts';

export class FeedClient {
  readonly messages: ServerMessage[] = [];
  /** Each frame as it came, for the PIN scan. */
  readonly frames: string[] = [];
  private waiters: { from: number; match: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const text = data.toString();
      this.frames.push(text);
      for (const m of JSON.parse(text) as ServerMessage[]) this.messages.push(m);
      this.wake();
    });
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<FeedClient> {
    const ws = new WebSocket(url.replace(/^http/, 'ws') + 'ws', { headers });
    return new Promise((resolve, reject) => {
      const client = new FeedClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`refused: ${res.statusCode}`)));
    });
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The first message from index `from` on that matches (resolves as soon as it has arrived). */
  next<T extends ServerMessage>(match: (m: ServerMessage) => m is T, from?: number): Promise<T>;
  next(match: (m: ServerMessage) => boolean, from?: number): Promise<ServerMessage>;
  next(match: (m: ServerMessage) => boolean, from = 0): Promise<ServerMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no such message; last: ${JSON.stringify(this.messages.slice(-3))}`)), 5_000);
      this.waiters.push({ from, match, resolve: (m) => (clearTimeout(timer), resolve(m)) });
      this.wake();
    });
  }

  /** Presses a key and waits for the answer to it. */
  async press(phone: string, key: string): Promise<ServerMessage> {
    const from = this.messages.length;
    this.send({ type: 'press', phone, key });
    return this.next((m) => m.type === 'pressed' || m.type === 'refused', from);
  }

  close(): void {
    this.ws.close();
  }

  private wake(): void {
    this.waiters = this.waiters.filter((w) => {
      const found = this.messages.slice(w.from).find(w.match);
      if (found) w.resolve(found);
      return !found;
    });
  }
}
