// Writes to a real port, one at a time, in chunks of at most ~1 KiB, the rest queued here.
// Why: the serialport stream would otherwise glue every queued write into one big buffer (_writev) and
// hand it to the binding in one go; a big write on a pty lives through many EAGAIN/'writable' rounds,
// which is exactly the window where bindings-cpp's poller can lose its 'writable' interest (see
// poller-union.ts). Small chunks, one outstanding, keep each write short, the memory in flight bounded,
// and the backlog visible (queuedBytes) instead of hidden inside the stream.

/** Writes one chunk and calls `done` when the port has taken it all. */
export type ChunkSink = (chunk: Buffer, done: (err?: Error | null) => void) => void;

export class ChunkedWriteQueue {
  private readonly queue: Buffer[] = [];
  private headOffset = 0;
  private inFlight = false;
  private failed: Error | undefined;
  /** Bytes waiting here, not yet handed to the port. */
  queuedBytes = 0;
  peakQueuedBytes = 0;
  /** Bytes the port has taken. */
  bytesWritten = 0;
  /** Bytes refused: the queue was full, or the port had failed. */
  bytesDropped = 0;
  writes = 0;

  constructor(
    private readonly sink: ChunkSink,
    private readonly chunkBytes = 1024,
    private readonly maxQueuedBytes = 16 * 1024 * 1024,
  ) {}

  /** Queues a copy of `bytes`; false (and counted as dropped) when the queue is full or the port failed. */
  push(bytes: Uint8Array): boolean {
    if (bytes.length === 0) return true;
    if (this.failed || this.queuedBytes + bytes.length > this.maxQueuedBytes) {
      this.bytesDropped += bytes.length;
      return false;
    }
    this.queue.push(Buffer.from(bytes)); // a copy: the caller may reuse its buffer
    this.queuedBytes += bytes.length;
    if (this.queuedBytes > this.peakQueuedBytes) this.peakQueuedBytes = this.queuedBytes;
    this.pump();
    return true;
  }

  /** Stops writing; what is still queued is dropped. */
  fail(err: Error): void {
    this.failed ??= err;
    this.bytesDropped += this.queuedBytes;
    this.queue.length = 0;
    this.headOffset = 0;
    this.queuedBytes = 0;
  }

  get error(): Error | undefined {
    return this.failed;
  }

  private pump(): void {
    if (this.inFlight || this.queuedBytes === 0 || this.failed) return;
    const chunk = this.take();
    this.inFlight = true;
    this.writes++;
    this.sink(chunk, (err) => {
      this.inFlight = false;
      if (err) {
        this.fail(err);
        return;
      }
      this.bytesWritten += chunk.length;
      this.pump();
    });
  }

  /** Up to chunkBytes from the head of the queue; small writes are gathered into one chunk. */
  private take(): Buffer {
    const head = this.queue[0];
    const headLeft = head.length - this.headOffset;
    if (headLeft >= this.chunkBytes || this.queue.length === 1) {
      const n = Math.min(headLeft, this.chunkBytes);
      const chunk = head.subarray(this.headOffset, this.headOffset + n);
      this.advance(n);
      return chunk;
    }
    const chunk = Buffer.allocUnsafe(Math.min(this.queuedBytes, this.chunkBytes));
    let filled = 0;
    while (filled < chunk.length) {
      const buf = this.queue[0];
      const n = Math.min(buf.length - this.headOffset, chunk.length - filled);
      buf.copy(chunk, filled, this.headOffset, this.headOffset + n);
      filled += n;
      this.advance(n);
    }
    return chunk;
  }

  private advance(n: number): void {
    this.queuedBytes -= n;
    this.headOffset += n;
    if (this.headOffset === this.queue[0].length) {
      this.queue.shift();
      this.headOffset = 0;
    }
  }
}
