// Bit errors on a line, at a given rate per bit. Drawing one random number per bit would cost eight per
// byte even when the rate is tiny; instead we draw the gap to the next flipped bit from the geometric
// distribution (the exact law of "bits until the first error"), so clean bytes cost nothing.
import type { Random } from '../../firmware/hal.ts';

export class BitNoise {
  /** Clean bits still to pass before the next flipped one. */
  private gap: number;
  flipped = 0;

  constructor(
    private rate: number,
    private readonly random: Random,
  ) {
    this.gap = this.drawGap();
  }

  setRate(rate: number): void {
    if (rate === this.rate) return;
    this.rate = rate;
    this.gap = this.drawGap();
  }

  /** Returns the bytes as they arrive: the input itself when no bit flips, else a flipped copy. */
  apply(bytes: Uint8Array): Uint8Array {
    const bits = bytes.length * 8;
    if (this.gap >= bits) {
      this.gap -= bits;
      return bytes;
    }
    const out = new Uint8Array(bytes); // never flip the sender's buffer
    let pos = this.gap;
    while (pos < bits) {
      // bit 0 is the first on the wire: a UART sends the least significant bit first
      out[pos >> 3] ^= 1 << (pos & 7);
      this.flipped++;
      pos += 1 + this.drawGap();
    }
    this.gap = pos - bits;
    return out;
  }

  private drawGap(): number {
    const p = this.rate;
    if (!(p > 0)) return Infinity;
    if (p >= 1) return 0;
    // inverse CDF of the geometric law: floor(ln(U) / ln(1 - p)), U in (0, 1]
    const u = 1 - this.random.next();
    return Math.floor(Math.log(u) / Math.log1p(-p));
  }
}
