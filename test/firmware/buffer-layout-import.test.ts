import { describe, expect, it } from 'vitest';
import { struct, u8, u16be, blob } from 'buffer-layout';

// Guards the ESM named-import path of the CJS buffer-layout package that every codec relies on.
describe('buffer-layout under ESM', () => {
  it('encodes and decodes a struct through named imports', () => {
    const layout = struct<{ a: number; b: number; c: Buffer }>([u8('a'), u16be('b'), blob(2, 'c')]);
    const buf = Buffer.alloc(layout.span);
    layout.encode({ a: 1, b: 0x0203, c: Buffer.from([4, 5]) }, buf);
    expect([...buf]).toEqual([1, 2, 3, 4, 5]);
    const back = layout.decode(buf);
    expect(back.b).toBe(0x0203);
  });
});
