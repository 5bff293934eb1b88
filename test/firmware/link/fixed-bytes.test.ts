// fixedBytes: buffer-layout's blob with a copy in place of its hex round trip on encode. It must write
// and read exactly what blob does, and refuse what blob refuses.
import fc from 'fast-check';
import { blob, struct } from 'buffer-layout';
import { describe, expect, it } from 'vitest';
import { fixedBytes } from '../../../firmware/link/bytes.ts';

describe('fixedBytes', () => {
  it('encodes and decodes as blob does, inside a struct, at any offset', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 7, maxLength: 7 }), fc.uint8Array({ minLength: 3, maxLength: 3 }), fc.nat(5), (a, b, offset) => {
        const ours = struct([fixedBytes(7, 'a'), fixedBytes(3, 'b')]);
        const theirs = struct([blob(7, 'a'), blob(3, 'b')]);
        const value = { a: Buffer.from(a), b: Buffer.from(b) };
        const x = Buffer.alloc(offset + 10, 0xee);
        const y = Buffer.alloc(offset + 10, 0xee);
        expect(ours.encode(value, x, offset)).toBe(theirs.encode(value, y, offset));
        expect(x).toEqual(y);
        expect(ours.decode(x, offset)).toEqual(theirs.decode(y, offset));
      }),
    );
  });

  it('refuses what blob refuses: a source of another length, not a Buffer, or one that overruns', () => {
    for (const layout of [fixedBytes(4, 'f'), blob(4, 'f')]) {
      expect(() => layout.encode(Buffer.alloc(3), Buffer.alloc(8), 0)).toThrow(TypeError);
      expect(() => layout.encode(new Uint8Array(4) as Buffer, Buffer.alloc(8), 0)).toThrow(TypeError);
      expect(() => layout.encode(Buffer.alloc(4), Buffer.alloc(8), 5)).toThrow(RangeError);
    }
  });
});
