// Whole-frame loss and duplication on a SLIP byte stream. SLIP never lets END (0xC0) appear inside a
// frame (it is escaped), so END bytes are reliable frame boundaries even for a model that knows nothing
// else about the framing. A frame's fate is drawn when its first byte passes, so bytes stream through
// without waiting for the frame's end; only a duplicated frame is kept, to be sent again after its END.
import type { Random } from '../../firmware/hal.ts';

export const SLIP_END = 0xc0;
const END_ONLY = Uint8Array.of(SLIP_END);

type Fate = 'pass' | 'drop' | 'duplicate';

export class FrameFate {
  private inFrame = false;
  private fate: Fate = 'pass';
  private copy: Uint8Array[] = [];
  framesDropped = 0;
  framesDuplicated = 0;

  constructor(
    private dropRate: number,
    private duplicateRate: number,
    private readonly random: Random,
  ) {}

  setRates(dropRate: number, duplicateRate: number): void {
    this.dropRate = dropRate;
    this.duplicateRate = duplicateRate;
  }

  /** Forgets the frame in progress (the cable was pulled: its bytes are gone). */
  reset(): void {
    this.inFrame = false;
    this.fate = 'pass';
    this.copy = [];
  }

  /** The bytes that go on to the line for `bytes` offered by the sender. */
  filter(bytes: Uint8Array): Uint8Array {
    if (bytes.length === 0) return bytes;
    if (this.fate === 'pass' && !(this.dropRate > 0) && !(this.duplicateRate > 0)) {
      // fast path: nothing to decide, only remember whether a frame is still open
      this.inFrame = bytes[bytes.length - 1] !== SLIP_END;
      return bytes;
    }
    const out: Uint8Array[] = [];
    let i = 0;
    while (i < bytes.length) {
      const end = bytes.indexOf(SLIP_END, i);
      const stop = end < 0 ? bytes.length : end;
      if (stop > i) {
        if (!this.inFrame) this.startFrame();
        const body = bytes.subarray(i, stop);
        if (this.fate !== 'drop') out.push(body);
        if (this.fate === 'duplicate') this.copy.push(body.slice());
      }
      if (end < 0) break;
      out.push(END_ONLY); // END bytes always pass: an empty frame is harmless to any SLIP receiver
      if (this.inFrame) this.endFrame(out);
      i = end + 1;
    }
    return concat(out);
  }

  private startFrame(): void {
    this.inFrame = true;
    const r = this.random.next();
    this.fate = r < this.dropRate ? 'drop' : r < this.dropRate + this.duplicateRate ? 'duplicate' : 'pass';
  }

  private endFrame(out: Uint8Array[]): void {
    if (this.fate === 'drop') this.framesDropped++;
    if (this.fate === 'duplicate') {
      this.framesDuplicated++;
      out.push(...this.copy, END_ONLY);
      this.copy = [];
    }
    this.inFrame = false;
    this.fate = 'pass';
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
