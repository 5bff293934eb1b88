// A serial port that comes back: a ByteLink over openSerialLink that, when the port closes or fails (a
// socat pty pair stopped, a USB serial adapter pulled), reopens the same path with backoff and carries on.
// The firmware keeps the one ByteLink object throughout; it sees silence while the port is gone (what it
// writes then is dropped and counted, never queued) and the bytes again once it is back. Every port it
// opens is a full openSerialLink, so the bounded write queue and the poller fix (poller-union.ts) are on
// each one. It reports through `log` (one line when the port is lost, one when it is back) and calls
// `onGone` once if the port stays away for `giveUpMs`; what to do then is the command's business.
import { existsSync } from 'node:fs';
import type { ByteLink } from '../../firmware/hal.ts';
import { openSerialLink, type SerialLink, type SerialLinkOptions } from './serial-link.ts';

/** The first retry after a loss; each failed attempt doubles the wait, up to REOPEN_MAX_MS. */
export const REOPEN_FIRST_MS = 100;
export const REOPEN_MAX_MS = 2000;
/** How often the link checks that its device node still exists. */
export const PATH_WATCH_MS = 250;

/** How long a lost port may stay away before the link gives up (`--port-timeout`). */
export const PORT_GIVE_UP_MS = 60_000;

/** What a command asks of its ports when they go away (docs/design.md "CLI": --port-timeout). */
export interface PortRecovery {
  /** One line per event, without the command's prefix: `port P lost (reason); reopening`, `port P back`. */
  log(line: string): void;
  /** Called once when a lost port has not come back within giveUpMs; the link has stopped trying. */
  onGone(err: Error): void;
  /** Default PORT_GIVE_UP_MS. */
  giveUpMs?: number;
}

export interface ReopeningLinkOptions extends SerialLinkOptions, PortRecovery {
  /** Also watch the device node (a real port; a test's fake one has none). Default false. */
  watchPath?: boolean;
  baud?: number;
  firstRetryMs?: number;
  maxRetryMs?: number;
  /** Opens one port (default openSerialLink): tests pass a fake. */
  open?: (path: string, baud: number | undefined, options: SerialLinkOptions) => Promise<SerialLink>;
}

export interface ReopeningLinkStats {
  bytesWritten: number;
  bytesRead: number;
  /** Every byte refused: by a port's queue (full, or failed) and while no port was open. */
  bytesDropped: number;
  /** The part of bytesDropped written while the port was gone. */
  droppedWhileDown: number;
  /** Times the port was lost, and times it came back. */
  losses: number;
  reopens: number;
  /** Open attempts that failed while it was gone. */
  failedAttempts: number;
}

export type ReopeningState = 'up' | 'down' | 'gone' | 'closed';

/** Opens `path` (the first open must succeed: it throws as openSerialLink does) and keeps it open. */
export async function openReopeningSerialLink(path: string, o: ReopeningLinkOptions): Promise<ReopeningSerialLink> {
  const open = o.open ?? ((p, baud, options) => openSerialLink(p, baud, options));
  const first = await open(path, o.baud, o);
  return new ReopeningSerialLink(path, first, open, { watchPath: true, ...o });
}

export class ReopeningSerialLink implements ByteLink {
  private current: SerialLink | undefined;
  private receiver: ((bytes: Uint8Array) => void) | undefined;
  private _state: ReopeningState = 'up';
  /** Totals of the ports already retired. */
  private retired = { bytesWritten: 0, bytesRead: 0, bytesDropped: 0 };
  private droppedWhileDown = 0;
  private losses = 0;
  private reopens = 0;
  private failedAttempts = 0;
  private retryMs: number;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private giveUpTimer: ReturnType<typeof setTimeout> | undefined;
  /** Watches the device node: a port whose path is gone is lost even if the binding never says so. */
  private readonly watch: ReturnType<typeof setInterval>;
  private lastError = '';
  private readonly firstRetryMs: number;
  private readonly maxRetryMs: number;
  readonly giveUpMs: number;

  constructor(
    readonly path: string,
    first: SerialLink,
    private readonly open: (path: string, baud: number | undefined, options: SerialLinkOptions) => Promise<SerialLink>,
    private readonly o: ReopeningLinkOptions,
  ) {
    this.firstRetryMs = o.firstRetryMs ?? REOPEN_FIRST_MS;
    this.maxRetryMs = o.maxRetryMs ?? REOPEN_MAX_MS;
    this.giveUpMs = o.giveUpMs ?? PORT_GIVE_UP_MS;
    this.retryMs = this.firstRetryMs;
    this.adopt(first);
    // an idle port (nothing to write) hears of its pty or USB device vanishing only this way
    this.watch = setInterval(() => {
      if (o.watchPath && this._state === 'up' && this.current && !existsSync(this.path)) {
        const link = this.current;
        this.lost(link, new Error('the device is gone'));
        void link.close().catch(() => {});
      }
    }, PATH_WATCH_MS);
    this.watch.unref();
  }

  get state(): ReopeningState {
    return this._state;
  }

  /** The port open now (undefined while it is gone). */
  get port(): SerialLink | undefined {
    return this.current;
  }

  get stats(): ReopeningLinkStats {
    const now = this.current?.stats;
    return {
      bytesWritten: this.retired.bytesWritten + (now?.bytesWritten ?? 0),
      bytesRead: this.retired.bytesRead + (now?.bytesRead ?? 0),
      bytesDropped: this.retired.bytesDropped + (now?.bytesDropped ?? 0) + this.droppedWhileDown,
      droppedWhileDown: this.droppedWhileDown,
      losses: this.losses,
      reopens: this.reopens,
      failedAttempts: this.failedAttempts,
    };
  }

  write(bytes: Uint8Array): void {
    if (this.current) this.current.write(bytes);
    else this.droppedWhileDown += bytes.length;
  }

  onData(receiver: (bytes: Uint8Array) => void): void {
    const first = this.receiver === undefined;
    this.receiver = receiver;
    // like a single port: the stream buffers until somebody receives
    if (first && this.current) this.listen(this.current);
  }

  /** Stops for good: closes the port open now and stops trying to reopen. */
  async close(): Promise<void> {
    const was = this._state;
    this._state = 'closed';
    this.clearTimers();
    clearInterval(this.watch);
    const link = this.current;
    this.current = undefined;
    if (link && was === 'up') await link.close();
  }

  private adopt(link: SerialLink): void {
    this.current = link;
    this._state = 'up';
    if (this.receiver) this.listen(link);
    link.onClose((err) => this.lost(link, err));
  }

  private listen(link: SerialLink): void {
    link.onData((bytes) => {
      if (link === this.current) this.receiver?.(bytes);
    });
  }

  private lost(link: SerialLink, err: Error | null): void {
    if (link !== this.current || this._state !== 'up') return; // a deliberate close(), or an old port
    this.retire(link);
    this._state = 'down';
    this.losses++;
    this.retryMs = this.firstRetryMs;
    this.lastError = err?.message ?? 'closed';
    this.o.log(`port ${this.path} lost (${this.lastError}); reopening`);
    this.giveUpTimer = setTimeout(() => this.giveUp(), this.giveUpMs);
    this.scheduleRetry();
  }

  private retire(link: SerialLink): void {
    const s = link.stats;
    this.retired.bytesWritten += s.bytesWritten;
    this.retired.bytesRead += s.bytesRead;
    this.retired.bytesDropped += s.bytesDropped;
    this.current = undefined;
    void link.close().catch(() => {}); // frees the descriptor if the port only errored; a closed one is a no-op
  }

  private scheduleRetry(): void {
    this.retryTimer = setTimeout(() => void this.attempt(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, this.maxRetryMs);
  }

  private async attempt(): Promise<void> {
    this.retryTimer = undefined;
    if (this._state !== 'down') return;
    let link: SerialLink;
    try {
      link = await this.open(this.path, this.o.baud, this.o);
    } catch (err) {
      this.failedAttempts++;
      this.lastError = (err as Error).message.replace(/^cannot open serial port [^:]*: /, '');
      if (this._state === 'down') this.scheduleRetry();
      return;
    }
    if (this._state !== 'down') {
      await link.close().catch(() => {}); // given up or closed while it opened
      return;
    }
    this.clearTimers();
    this.reopens++;
    this.adopt(link);
    this.o.log(`port ${this.path} back`);
  }

  private giveUp(): void {
    this.giveUpTimer = undefined;
    if (this._state !== 'down') return;
    this._state = 'gone';
    this.clearTimers();
    this.o.onGone(new Error(`port ${this.path} lost and not back within ${formatMs(this.giveUpMs)} (${this.lastError})`));
  }

  private clearTimers(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.giveUpTimer) clearTimeout(this.giveUpTimer);
    this.retryTimer = undefined;
    this.giveUpTimer = undefined;
  }
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
