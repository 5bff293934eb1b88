import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DropReason } from '../../../firmware/link/drops.ts';
import { SLIP_END, SLIP_ESC, SlipDecoder, slipEncode } from '../../../firmware/link/slip.ts';

/** Bytes that are often the special ones, so stuffing is exercised on every run. */
const slipBytes = fc.array(fc.oneof(fc.constantFrom(0xc0, 0xdb, 0xdc, 0xdd), fc.integer({ min: 0, max: 255 })), {
  minLength: 1,
  maxLength: 200,
});

function collector(max = 2000) {
  const frames: number[][] = [];
  const drops: DropReason[] = [];
  const dec = new SlipDecoder(max, { frame: (b) => frames.push([...b]), drop: (r) => drops.push(r) });
  return { dec, frames, drops };
}

/** Feeds `bytes` in chunks cut at the given points. */
function feed(dec: SlipDecoder, bytes: Uint8Array, cuts: number[]): void {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  let from = 0;
  for (const p of [...points, bytes.length]) {
    dec.push(bytes.subarray(from, p));
    from = p;
  }
}

describe('SLIP', () => {
  it('starts and ends every frame with END and escapes END and ESC', () => {
    const out = slipEncode(Uint8Array.from([1, 0xc0, 2, 0xdb, 3]));
    expect([...out]).toEqual([0xc0, 1, 0xdb, 0xdc, 2, 0xdb, 0xdd, 3, 0xc0]);
  });

  it('round-trips any frames through any chunking', () => {
    fc.assert(
      fc.property(fc.array(slipBytes, { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 8 }), (frames, cuts) => {
        const wire = Buffer.concat(frames.map((f) => slipEncode(Uint8Array.from(f))));
        const c = collector();
        feed(c.dec, wire, cuts);
        expect(c.frames).toEqual(frames);
        expect(c.drops).toEqual([]);
      }),
    );
  });

  it('never carries END inside an encoded frame', () => {
    fc.assert(
      fc.property(slipBytes, (frame) => {
        const inner = slipEncode(Uint8Array.from(frame)).subarray(1, -1);
        expect(inner.includes(SLIP_END)).toBe(false);
      }),
    );
  });

  it('drops a bad escape as slip-escape and delivers the next frame', () => {
    const c = collector();
    c.dec.push(Uint8Array.from([0xc0, 1, 2, SLIP_ESC, 0x41, 3, 4]));
    c.dec.push(slipEncode(Uint8Array.from([9, 9])));
    expect(c.drops).toEqual(['slip-escape']);
    expect(c.frames).toEqual([[9, 9]]);
  });

  it('drops a frame cut inside an escape (ESC END) as slip-escape', () => {
    const c = collector();
    c.dec.push(Uint8Array.from([0xc0, 1, SLIP_ESC, 0xc0, 5, 0xc0]));
    expect(c.drops).toEqual(['slip-escape']);
    expect(c.frames).toEqual([[5]]);
  });

  it('drops an oversize frame once and resynchronizes on the next END', () => {
    const c = collector(8);
    c.dec.push(slipEncode(new Uint8Array(8).fill(7))); // exactly max: fine
    c.dec.push(slipEncode(new Uint8Array(30).fill(1)));
    c.dec.push(slipEncode(Uint8Array.from([2])));
    expect(c.drops).toEqual(['slip-oversize']);
    expect(c.frames).toEqual([new Array(8).fill(7), [2]]);
  });

  it('ignores empty frames (END END)', () => {
    const c = collector();
    c.dec.push(Uint8Array.from([0xc0, 0xc0, 0xc0]));
    expect(c.frames).toEqual([]);
    expect(c.drops).toEqual([]);
  });

  it('survives any byte soup, then delivers the next good frame', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), slipBytes, (soup, good) => {
        const c = collector(64);
        c.dec.push(soup);
        const before = c.frames.length;
        c.dec.push(slipEncode(Uint8Array.from(good)));
        // the soup's unterminated tail comes out as one garbage frame at the leading END (the FCS
        // drops it); the good frame is always the last one
        const after = c.frames.slice(before);
        if (good.length <= 64) expect(after.at(-1)).toEqual(good);
        else expect(c.drops.at(-1)).toBe('slip-oversize');
        expect(after.length).toBeLessThanOrEqual(2);
      }),
    );
  });

  it('hands out frames the receiver may keep (not views of its buffer)', () => {
    const kept: Uint8Array[] = [];
    const dec = new SlipDecoder(100, { frame: (b) => kept.push(b), drop: () => {} });
    dec.push(slipEncode(Uint8Array.from([1, 2, 3])));
    dec.push(slipEncode(Uint8Array.from([4, 5, 6])));
    expect(kept.map((k) => [...k])).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });

  it('decodes exactly like the byte-at-a-time RFC 1055 state machine, on any input and chunking', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(0xc0, 0xdb, 0xdc, 0xdd), fc.integer({ min: 0, max: 255 })), { maxLength: 300 }), fc.array(fc.nat(), { maxLength: 6 }), fc.integer({ min: 1, max: 40 }), (arr, cuts, max) => {
        const bytes = Uint8Array.from(arr);
        const got: unknown[] = [];
        const dec = new SlipDecoder(max, { frame: (f) => got.push([...f]), drop: (r) => got.push(r) });
        feed(dec, bytes, cuts);
        expect(got).toEqual(referenceDecode(bytes, max));
      }),
      { numRuns: 1000 },
    );
  });
});

/** The obvious decoder the fast one (indexOf + block copies) must agree with. */
function referenceDecode(bytes: Uint8Array, max: number): unknown[] {
  const out: unknown[] = [];
  let buf: number[] = [];
  let escaped = false;
  let discarding = false;
  for (const b of bytes) {
    if (b === 0xc0) {
      if (escaped && !discarding) out.push('slip-escape');
      else if (!discarding && buf.length > 0) out.push(buf);
      buf = [];
      escaped = false;
      discarding = false;
      continue;
    }
    if (discarding) continue;
    let v = b;
    if (escaped) {
      escaped = false;
      if (b === 0xdc) v = 0xc0;
      else if (b === 0xdd) v = 0xdb;
      else {
        discarding = true;
        out.push('slip-escape');
        continue;
      }
    } else if (b === 0xdb) {
      escaped = true;
      continue;
    }
    if (buf.length === max) {
      discarding = true;
      out.push('slip-oversize');
      continue;
    }
    buf.push(v);
  }
  return out;
}
