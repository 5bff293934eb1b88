// One direction of the mock cable: a serial line with its own transmitter. Bytes go through whole-frame
// loss/duplication, then bit noise, are cut into random chunks, and each chunk arrives when its last
// byte is out (line rate) plus the latency. The transmitter is busy until its last byte is out, so
// bytes queue behind each other exactly as on a UART: N bytes take N * 10 bit-times (8N1).
import type { Clock, Random, TimerId } from '../../firmware/hal.ts';
import { BitNoise } from './bit-noise.ts';
import { FrameFate } from './frame-fate.ts';

export interface LineOptions {
  /** Bits per second; a byte costs 10 bit-times (start, 8 data, stop). */
  baud: number;
  /** false: deliver with only the latency, as fast as the host can (benchmarks). */
  lineRate: boolean;
  latencyMs: number;
  /** Writes are cut into random chunks of 1..maxChunk bytes, each delivered on its own. */
  maxChunk: number;
  /** Probability that any one bit arrives flipped. */
  bitErrorRate: number;
  /** Probability, per SLIP frame, that the whole frame is lost. */
  dropRate: number;
  /** Probability, per SLIP frame, that the frame arrives twice. */
  duplicateRate: number;
}

export const defaultLineOptions: LineOptions = {
  baud: 115200,
  lineRate: true,
  latencyMs: 0,
  maxChunk: Infinity,
  bitErrorRate: 0,
  dropRate: 0,
  duplicateRate: 0,
};

export interface LineStats {
  /** Bytes the sender wrote. */
  bytesWritten: number;
  /** Bytes handed to the receiving port (duplicates included, losses excluded). */
  bytesDelivered: number;
  /** Bytes lost to a pulled cable: in flight when it was pulled or written while it was out. */
  bytesLost: number;
  chunks: number;
  framesDropped: number;
  framesDuplicated: number;
  bitsFlipped: number;
}

export class CableLine {
  private opts: LineOptions;
  private readonly fate: FrameFate;
  private readonly noise: BitNoise;
  private plugged = true;
  // Exact line-rate accounting: while the transmitter stays busy, the end of byte k is
  // burstStart + k * 10 bit-times, computed from a count rather than summed, so no rounding piles up.
  private burstStart = 0;
  private burstBytes = 0;
  private busyUntil = 0;
  // chunks on the wire, in order of arrival (FIFO with a moving head: no per-chunk shifting)
  private readonly dueAt: number[] = [];
  private readonly due: Uint8Array[] = [];
  private head = 0;
  private timer: TimerId | undefined;
  private written = 0;
  private delivered = 0;
  private lost = 0;
  private chunkCount = 0;

  constructor(
    private readonly clock: Clock,
    private readonly random: Random,
    options: LineOptions,
    private readonly deliver: (bytes: Uint8Array) => void,
  ) {
    this.opts = checkLineOptions({ ...options });
    this.fate = new FrameFate(options.dropRate, options.duplicateRate, random);
    this.noise = new BitNoise(options.bitErrorRate, random);
  }

  configure(options: Partial<LineOptions>): void {
    this.opts = checkLineOptions({ ...this.opts, ...options });
    this.fate.setRates(this.opts.dropRate, this.opts.duplicateRate);
    this.noise.setRate(this.opts.bitErrorRate);
  }

  get stats(): LineStats {
    return {
      bytesWritten: this.written,
      bytesDelivered: this.delivered,
      bytesLost: this.lost,
      chunks: this.chunkCount,
      framesDropped: this.fate.framesDropped,
      framesDuplicated: this.fate.framesDuplicated,
      bitsFlipped: this.noise.flipped,
    };
  }

  /** The sender wrote `bytes` (the line keeps a reference: the caller must not reuse the buffer). */
  send(bytes: Uint8Array): void {
    this.written += bytes.length;
    if (!this.plugged) {
      this.lost += bytes.length;
      return;
    }
    const onLine = this.noise.apply(this.fate.filter(bytes));
    const max = this.opts.maxChunk;
    if (!(max < onLine.length)) {
      this.transmit(onLine);
      return;
    }
    for (let at = 0; at < onLine.length; ) {
      const n = Math.min(this.random.int(1, Math.max(1, Math.floor(max))), onLine.length - at);
      this.transmit(onLine.subarray(at, at + n));
      at += n;
    }
  }

  /** The cable is pulled: everything on the wire is lost, and so is whatever is written until replug. */
  unplug(): void {
    this.plugged = false;
    for (let i = this.head; i < this.due.length; i++) this.lost += this.due[i].length;
    this.dueAt.length = 0;
    this.due.length = 0;
    this.head = 0;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.fate.reset();
    this.busyUntil = this.clock.now(); // the transmitter clocked its bytes out into nothing
    this.burstBytes = 0;
  }

  replug(): void {
    this.plugged = true;
  }

  private transmit(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunkCount++;
    const now = this.clock.now();
    let at = now + this.opts.latencyMs;
    if (this.opts.lineRate) {
      if (now >= this.busyUntil) {
        // the line was idle: a new burst starts now
        this.burstStart = now;
        this.burstBytes = 0;
      }
      this.burstBytes += chunk.length;
      this.busyUntil = this.burstStart + (this.burstBytes * 10_000) / this.opts.baud;
      at = this.busyUntil + this.opts.latencyMs;
    }
    if (this.head === this.due.length && at <= now) {
      // nothing ahead of it and already due: hand it over now, no alarm (the fast path for benchmarks)
      this.hand(chunk);
      return;
    }
    this.dueAt.push(at);
    this.due.push(chunk);
    if (this.timer === undefined) this.arm();
  }

  private arm(): void {
    const delay = this.dueAt[this.head] - this.clock.now();
    this.timer = this.clock.setTimeout(() => this.fire(), delay);
  }

  private fire(): void {
    this.timer = undefined;
    // The alarm was set for the head chunk: deliver it even if float rounding made "now" a hair early,
    // then everything else already due, in order.
    const now = this.clock.now();
    do {
      const chunk = this.due[this.head];
      this.head++;
      this.hand(chunk);
    } while (this.head < this.due.length && this.dueAt[this.head] <= now);
    if (this.head === this.due.length) {
      this.dueAt.length = 0;
      this.due.length = 0;
      this.head = 0;
    } else {
      if (this.head > 1024) {
        this.dueAt.splice(0, this.head);
        this.due.splice(0, this.head);
        this.head = 0;
      }
      this.arm();
    }
  }

  private hand(chunk: Uint8Array): void {
    this.delivered += chunk.length;
    this.deliver(chunk);
  }
}

/** A cable that cannot exist is a programming error: say so at construction, not as NaN timings later. */
export function checkLineOptions(o: LineOptions): LineOptions {
  if (!(o.baud > 0)) throw new RangeError(`mock wire: baud must be > 0, got ${o.baud}`);
  if (!(o.latencyMs >= 0)) throw new RangeError(`mock wire: latencyMs must be >= 0, got ${o.latencyMs}`);
  if (!(o.maxChunk >= 1)) throw new RangeError(`mock wire: maxChunk must be >= 1, got ${o.maxChunk}`);
  return o;
}
