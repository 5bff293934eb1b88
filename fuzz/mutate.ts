// Byte mutators (AFL's havoc, in small): bit flips, interesting values, random bytes, truncation,
// extension, splices. Every choice is drawn from the run's SeededRandom, so a seed replays a run.
import type { SeededRandom } from '../firmware/random.ts';

const INTERESTING = [0x00, 0x01, 0x02, 0x07, 0x10, 0x20, 0x3f, 0x40, 0x7f, 0x80, 0x81, 0xc0, 0xdb, 0xfe, 0xff];

export function pick<T>(r: SeededRandom, items: readonly T[]): T {
  return items[r.int(0, items.length - 1)];
}

export function chance(r: SeededRandom, p: number): boolean {
  return r.next() < p;
}

/** A mutated copy of `input`; `from` keeps a prefix (headers the caller fixes up afterwards) intact. */
export function mutate(r: SeededRandom, input: Uint8Array, from = 0, maxLen = 1600): Uint8Array {
  let b = new Uint8Array(input);
  const rounds = r.int(1, 4);
  for (let k = 0; k < rounds; k++) {
    const span = b.length - from;
    const at = span > 0 ? from + r.int(0, span - 1) : from;
    switch (r.int(0, 9)) {
      case 0:
      case 1:
        if (span > 0) b[at] ^= 1 << r.int(0, 7);
        break;
      case 2:
        if (span > 0) b[at] = pick(r, INTERESTING);
        break;
      case 3:
        if (span > 0) b[at] = r.int(0, 255);
        break;
      case 4:
        if (span > 1) {
          // a u16 set to an edge value, big endian as every header here is
          const v = pick(r, [0, 1, 0x7fff, 0x8000, 0xffff, r.int(0, 0xffff)]);
          b[at] = v >> 8;
          if (at + 1 < b.length) b[at + 1] = v & 0xff;
        }
        break;
      case 5:
        b = b.slice(0, from + (span > 0 ? r.int(0, span) : 0)); // truncate
        break;
      case 6: {
        const extra = r.bytes(r.int(1, 64));
        const out = new Uint8Array(b.length + extra.length);
        out.set(b.subarray(0, at));
        out.set(extra, at);
        out.set(b.subarray(at), at + extra.length);
        b = out;
        break;
      }
      case 7:
        if (span > 1) {
          const n = r.int(1, Math.min(32, b.length - at));
          b = new Uint8Array([...b.subarray(0, at), ...b.subarray(at + n)]); // delete
        }
        break;
      case 8:
        if (span > 0) b.fill(pick(r, [0x00, 0xff]), at, Math.min(b.length, at + r.int(1, 16)));
        break;
      default:
        if (span > 2) {
          // copy a chunk of the packet over another place (repeated fields, option storms)
          const src = from + r.int(0, span - 1);
          const n = r.int(1, Math.min(16, b.length - src));
          b.copyWithin(at, src, src + n);
        }
    }
  }
  return b.length > maxLen ? b.slice(0, maxLen) : b;
}

/** Random bytes biased towards the SLIP specials, for the framing layer. */
export function slipNoise(r: SeededRandom, n: number): Uint8Array {
  const b = r.bytes(n);
  for (let i = 0; i < n; i++) if (chance(r, 0.15)) b[i] = pick(r, [0xc0, 0xdb, 0xdc, 0xdd]);
  return b;
}
