// Shared pieces of the wire tests: a virtual clock that lets mock-port I/O settle, and a receiver that
// keeps every arrival with the virtual time it happened at.
import type { ByteLink } from '../../../firmware/hal.ts';
import { VirtualClock } from '../../../firmware/clock.ts';
import { settleIo } from '../../../sim/wire/settle.ts';

export function ioClock(): VirtualClock {
  return new VirtualClock(settleIo);
}

export interface Arrivals {
  chunks: { t: number; bytes: Uint8Array }[];
  total(): number;
  all(): Uint8Array;
  /** Arrivals merged per instant: the port stream may split one delivery across two reads. */
  instants(): { t: number; length: number }[];
}

export function collect(end: ByteLink, clock: VirtualClock): Arrivals {
  const chunks: { t: number; bytes: Uint8Array }[] = [];
  end.onData((bytes) => chunks.push({ t: clock.now(), bytes: new Uint8Array(bytes) }));
  return {
    chunks,
    total: () => chunks.reduce((n, c) => n + c.bytes.length, 0),
    all: () => Buffer.concat(chunks.map((c) => c.bytes)),
    instants: () => {
      const out: { t: number; length: number }[] = [];
      for (const c of chunks) {
        const last = out.at(-1);
        if (last && last.t === c.t) last.length += c.bytes.length;
        else out.push({ t: c.t, length: c.bytes.length });
      }
      return out;
    },
  };
}

/** Bits that differ between two equal-length byte arrays. */
export function bitDistance(a: Uint8Array, b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    let x = a[i] ^ b[i];
    while (x) {
      n += x & 1;
      x >>= 1;
    }
  }
  return n;
}
