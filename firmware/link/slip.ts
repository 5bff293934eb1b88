// SLIP framing (RFC 1055) on the serial byte stream. The encoder opens EVERY frame with END, so line
// noise before it becomes a (dropped) garbage frame rather than a corrupt prefix of the good one; the
// decoder takes arbitrary chunks, exactly as a UART delivers them.
import type { DropReason } from './drops.ts';

export const SLIP_END = 0xc0;
export const SLIP_ESC = 0xdb;
export const SLIP_ESC_END = 0xdc;
export const SLIP_ESC_ESC = 0xdd;

/** Index of the next END or ESC at or after `from` (given the cached next of each), or -1. */
function nextSpecial(nextEnd: number, nextEsc: number): number {
  if (nextEnd < 0) return nextEsc;
  if (nextEsc < 0) return nextEnd;
  return nextEnd < nextEsc ? nextEnd : nextEsc;
}

/**
 * END + stuffed frame + END, in one pass into a worst-case buffer, returned as a view of it. The
 * special bytes are found with native indexOf and the runs between them block-copied; the buffer
 * comes from Node's pool (no zero fill, no own ArrayBuffer), since the writer only reads it.
 */
export function slipEncode(frame: Uint8Array): Uint8Array {
  const n = frame.length;
  const out = Buffer.allocUnsafe(n * 2 + 2);
  let o = 0;
  out[o++] = SLIP_END;
  let i = 0;
  let nextEnd = frame.indexOf(SLIP_END);
  let nextEsc = frame.indexOf(SLIP_ESC);
  while (i < n) {
    const special = nextSpecial(nextEnd, nextEsc);
    const stop = special < 0 ? n : special;
    if (stop > i) {
      out.set(frame.subarray(i, stop), o);
      o += stop - i;
      i = stop;
      continue;
    }
    out[o++] = SLIP_ESC;
    if (frame[i] === SLIP_END) {
      out[o++] = SLIP_ESC_END;
      nextEnd = frame.indexOf(SLIP_END, i + 1);
    } else {
      out[o++] = SLIP_ESC_ESC;
      nextEsc = frame.indexOf(SLIP_ESC, i + 1);
    }
    i++;
  }
  out[o++] = SLIP_END;
  return out.subarray(0, o);
}

export interface SlipSink {
  /** A complete frame, in a fresh array the receiver may keep. */
  frame(bytes: Uint8Array): void;
  drop(reason: DropReason): void;
}

/**
 * Streaming SLIP decoder. It owns one buffer of `maxBytes` and nothing else; a bad escape or an
 * oversize frame is reported once and everything up to the next END is discarded (resync).
 * Empty frames (END END, the leading END) are not frames and are ignored silently.
 */
export class SlipDecoder {
  private readonly buf: Uint8Array;
  private len = 0;
  private escaped = false;
  /** Set after a reported error: swallow bytes until END. */
  private discarding = false;

  constructor(
    readonly maxBytes: number,
    private readonly sink: SlipSink,
  ) {
    this.buf = new Uint8Array(maxBytes);
  }

  push(chunk: Uint8Array): void {
    const n = chunk.length;
    let i = 0;
    // positions of the next END / ESC, found natively and reused until passed (-1: none left)
    let nextEnd = chunk.indexOf(SLIP_END);
    let nextEsc = chunk.indexOf(SLIP_ESC);
    while (i < n) {
      if (nextEnd >= 0 && nextEnd < i) nextEnd = chunk.indexOf(SLIP_END, i);
      if (nextEsc >= 0 && nextEsc < i) nextEsc = chunk.indexOf(SLIP_ESC, i);
      if (this.discarding) {
        if (nextEnd < 0) return;
        i = nextEnd + 1;
        this.reset();
        continue;
      }
      if (this.escaped) {
        const b = chunk[i];
        if (b === SLIP_END) {
          this.endFrame(); // reports the cut escape
        } else {
          this.escaped = false;
          if (b === SLIP_ESC_END) this.append(SLIP_END);
          else if (b === SLIP_ESC_ESC) this.append(SLIP_ESC);
          else this.fail('slip-escape');
        }
        i++;
        continue;
      }
      const special = nextSpecial(nextEnd, nextEsc);
      const stop = special < 0 ? n : special;
      if (stop > i) {
        this.appendRun(chunk, i, stop);
        i = stop;
        continue;
      }
      if (chunk[i] === SLIP_END) this.endFrame();
      else this.escaped = true;
      i++;
    }
  }

  private append(value: number): void {
    if (this.len === this.buf.length) this.fail('slip-oversize');
    else this.buf[this.len++] = value;
  }

  /** Bytes that need no unescaping, block-copied. */
  private appendRun(chunk: Uint8Array, from: number, to: number): void {
    if (this.len + (to - from) > this.buf.length) {
      this.fail('slip-oversize');
      return;
    }
    this.buf.set(chunk.subarray(from, to), this.len);
    this.len += to - from;
  }

  private endFrame(): void {
    if (this.escaped && !this.discarding) {
      // ESC END: the frame was cut inside an escape sequence
      this.sink.drop('slip-escape');
    } else if (!this.discarding && this.len > 0) {
      const frame = this.buf.slice(0, this.len);
      this.reset();
      this.sink.frame(frame);
      return;
    }
    this.reset();
  }

  private fail(reason: DropReason): void {
    this.discarding = true;
    this.escaped = false;
    this.len = 0;
    this.sink.drop(reason);
  }

  private reset(): void {
    this.len = 0;
    this.escaped = false;
    this.discarding = false;
  }
}
