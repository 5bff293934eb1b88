// A real serial port (or pty) as a ByteLink, over serialport's native binding. Two defences against
// @serialport/bindings-cpp's unix poller losing a pending 'writable' when a read starts (poller-union.ts):
// the poller is wrapped so every poll asks for all the events still awaited, and writes go out one at a
// time in ~1 KiB chunks with the backlog queued and counted here (write-queue.ts).
import { SerialPort } from 'serialport';
import type { ByteLink } from '../../firmware/hal.ts';
import { installPollerUnion, type PollerLike, type PollerUnionStats } from './poller-union.ts';
import { ChunkedWriteQueue } from './write-queue.ts';

export interface SerialLinkStats {
  bytesWritten: number;
  bytesRead: number;
  /** Written by the caller, not yet handed to the port. */
  bytesQueued: number;
  peakQueued: number;
  /** Refused because the queue was full or the port had failed. */
  bytesDropped: number;
  /** Chunks handed to the port. */
  writes: number;
  /** Polls that went through the poller wrapper, and those it widened (0 and 0 without a poller). */
  polls: number;
  pollsWidened: number;
}

export interface SerialLink extends ByteLink {
  readonly path: string;
  readonly port: SerialPort;
  /** True when the poller fix is in place (false only where the binding has no unix poller). */
  readonly pollerPatched: boolean;
  readonly stats: SerialLinkStats;
  /** Called once when the port closes: by close(), or with the error when it fails or disappears. */
  onClose(listener: (err: Error | null) => void): void;
  close(): Promise<void>;
}

export interface SerialLinkOptions {
  /** Largest single write handed to the port (default 1024). */
  chunkBytes?: number;
  /** Backlog beyond which writes are refused and counted as dropped (default 16 MiB). */
  maxQueuedBytes?: number;
}

/** A port that cannot be opened or is gone: the environment, not the run (the CLI exits 3). */
export class SerialPortError extends Error {}

export async function openSerialLink(path: string, baud = 115200, options: SerialLinkOptions = {}): Promise<SerialLink> {
  let port: SerialPort;
  try {
    port = new SerialPort({ path, baudRate: baud, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  } catch (err) {
    throw new SerialPortError(`cannot open serial port ${path}: ${(err as Error).message}`);
  }
  return new OpenSerialLink(path, port, options);
}

class OpenSerialLink implements SerialLink {
  readonly pollerPatched: boolean;
  private readonly pollStats: PollerUnionStats;
  private readonly queue: ChunkedWriteQueue;
  private receiver: ((bytes: Uint8Array) => void) | undefined;
  private bytesRead = 0;
  private closeListeners: ((err: Error | null) => void)[] = [];
  private closedWith: { err: Error | null } | undefined;

  constructor(
    readonly path: string,
    readonly port: SerialPort,
    options: SerialLinkOptions,
  ) {
    // the opened binding port (LinuxPortBinding/DarwinPortBinding) owns the JS Poller
    const poller = (port.port as unknown as { poller?: PollerLike } | undefined)?.poller;
    const stats = poller ? installPollerUnion(poller) : undefined;
    this.pollerPatched = stats !== undefined;
    this.pollStats = stats ?? { polls: 0, widened: 0 };
    this.queue = new ChunkedWriteQueue(
      (chunk, done) => {
        this.port.write(chunk, (err) => done(err ?? null));
      },
      options.chunkBytes ?? 1024,
      options.maxQueuedBytes ?? 16 * 1024 * 1024,
    );
    // A failed write also surfaces as 'error' on the stream; listening keeps it from crashing the process.
    port.on('error', (err: Error) => this.ended(err));
    port.on('close', (err: Error | null) => this.ended(err ?? null));
  }

  get stats(): SerialLinkStats {
    return {
      bytesWritten: this.queue.bytesWritten,
      bytesRead: this.bytesRead,
      bytesQueued: this.queue.queuedBytes,
      peakQueued: this.queue.peakQueuedBytes,
      bytesDropped: this.queue.bytesDropped,
      writes: this.queue.writes,
      polls: this.pollStats.polls,
      pollsWidened: this.pollStats.widened,
    };
  }

  write(bytes: Uint8Array): void {
    this.queue.push(bytes);
  }

  onData(receiver: (bytes: Uint8Array) => void): void {
    const first = this.receiver === undefined;
    this.receiver = receiver;
    if (first) {
      this.port.on('data', (data: Buffer) => {
        this.bytesRead += data.length;
        this.receiver!(data);
      });
    }
  }

  onClose(listener: (err: Error | null) => void): void {
    if (this.closedWith) listener(this.closedWith.err);
    else this.closeListeners.push(listener);
  }

  async close(): Promise<void> {
    this.queue.fail(new Error(`serial port ${this.path} closed`));
    if (!this.port.isOpen) return;
    await new Promise<void>((resolve) => this.port.close(() => resolve()));
  }

  private ended(err: Error | null): void {
    if (this.closedWith) return;
    this.closedWith = { err };
    if (err) this.queue.fail(err);
    const listeners = this.closeListeners;
    this.closeListeners = [];
    for (const listener of listeners) listener(err);
  }
}
