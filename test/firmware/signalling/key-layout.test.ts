import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../../../firmware/link/crc32.ts';
import { KEY_LAYOUT_FORMAT, decodeKeyLayout, encodeKeyLayout } from '../../../firmware/signalling/key-layout.ts';
import type { KeyEntry } from '../../../firmware/signalling/key-layout.ts';
import { KEY_LAYOUT_BLOCK_BYTES, KeyLayoutAssembler, splitKeyLayout } from '../../../firmware/signalling/key-layout-transfer.ts';
import { decodeMessage, encodeMessage } from '../../../firmware/signalling/messages.ts';
import { keyLayout } from './arbitraries.ts';

const alice: KeyEntry[] = [
  { key: 1, type: 'line', dn: '5123', label: 'Alice' },
  { key: 2, type: 'blf', dn: '5124', label: 'Bob' },
  { key: 3, type: 'speed-dial', dn: '0015551234', label: 'Home' },
  { key: 4, type: 'empty', dn: '', label: '' },
];

describe('CRC-32', () => {
  it('matches the IEEE check value', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });
});

describe('key-layout payload codec', () => {
  it('round-trips any layout with distinct keys', () => {
    fc.assert(
      fc.property(keyLayout, (entries) => {
        expect(decodeKeyLayout(encodeKeyLayout(entries))).toEqual({ ok: true, entries });
      }),
    );
  });

  it('encodes a layout byte by byte as documented', () => {
    const bytes = encodeKeyLayout(alice.slice(0, 2));
    expect(Buffer.from(bytes).toString('hex')).toBe('01' + '02' + '01' + '01' + '0435313233' + '05416c696365' + '02' + '03' + '0435313234' + '03426f62');
  });

  it('refuses, with a reason, what a phone must not apply', () => {
    const good = encodeKeyLayout(alice);
    const reason = (b: Uint8Array) => {
      const r = decodeKeyLayout(b);
      return r.ok ? 'ok' : r.reason;
    };
    expect(reason(new Uint8Array(0))).toBe('truncated');
    expect(reason(Uint8Array.of(KEY_LAYOUT_FORMAT + 1, 0))).toBe('bad-format');
    expect(reason(good.subarray(0, good.length - 1))).toBe('truncated');
    expect(reason(Uint8Array.from([...good, 0]))).toBe('trailing-bytes');
    expect(reason(Uint8Array.of(1, 1, 0, 1, 0, 0))).toBe('bad-key'); // key 0
    expect(reason(Uint8Array.of(1, 2, 5, 1, 0, 0, 5, 1, 0, 0))).toBe('duplicate-key');
    expect(reason(Uint8Array.of(1, 1, 5, 6, 0, 0))).toBe('bad-enum'); // type 6 does not exist
    expect(reason(Uint8Array.of(1, 1, 5, 1, 1, 0xff, 0))).toBe('bad-utf8');
  });

  it('never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        expect(typeof decodeKeyLayout(Uint8Array.of(1, ...b)).ok).toBe('boolean');
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses to encode key 0, a duplicate key or more than 255 entries', () => {
    expect(() => encodeKeyLayout([{ key: 0, type: 'line', dn: '1', label: '' }])).toThrow(RangeError);
    expect(() => encodeKeyLayout([alice[0], alice[0]])).toThrow(RangeError);
    const many = Array.from({ length: 256 }, (_, i) => ({ key: (i % 255) + 1, type: 'empty' as const, dn: '', label: '' }));
    expect(() => encodeKeyLayout(many)).toThrow(RangeError);
  });
});

describe('key-layout transfer', () => {
  const bigLayout = fc.uniqueArray(
    fc.record({
      key: fc.integer({ min: 1, max: 255 }),
      type: fc.constantFrom('line' as const, 'blf' as const),
      dn: fc.stringMatching(/^[0-9]{4,10}$/),
      label: fc.string({ unit: 'binary', maxLength: 24 }),
    }),
    { minLength: 0, maxLength: 120, selector: (e) => e.key },
  );

  it('reassembles any layout from its blocks in any order, through the wire messages', () => {
    fc.assert(
      fc.property(bigLayout, fc.integer({ min: 16, max: KEY_LAYOUT_BLOCK_BYTES }), fc.infiniteStream(fc.nat()), (entries, size, order) => {
        const payload = encodeKeyLayout(entries);
        const { begin, blocks } = splitKeyLayout(payload, size);
        const wireBegin = decodeMessage(encodeMessage(begin));
        expect(wireBegin.ok).toBe(true);
        const asm = new KeyLayoutAssembler(begin);
        const shuffled = [...blocks];
        const it = order[Symbol.iterator]();
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = (it.next().value as number) % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
        }
        for (const block of shuffled) {
          const r = decodeMessage(encodeMessage(block));
          if (!r.ok || r.msg.type !== 'key-layout-block') throw new Error('block did not survive the wire');
          expect(asm.accept(r.msg)).toBe('stored');
        }
        const done = asm.finish();
        expect(done.ok && decodeKeyLayout(done.payload)).toEqual({ ok: true, entries });
      }),
      { numRuns: 60 },
    );
  });

  it('waits for every block, ignores repeats and blocks beyond the announced count', () => {
    const { begin, blocks } = splitKeyLayout(encodeKeyLayout(alice), 8);
    expect(blocks.length).toBeGreaterThan(3);
    const asm = new KeyLayoutAssembler(begin);
    for (const b of blocks.slice(1)) asm.accept(b);
    expect(asm.finish()).toMatchObject({ ok: false, reason: 'incomplete' });
    expect(asm.accept(blocks[1])).toBe('duplicate');
    expect(asm.accept({ type: 'key-layout-block', index: blocks.length, bytes: new Uint8Array(1) })).toBe('out-of-range');
    asm.accept(blocks[0]);
    expect(asm.finish()).toMatchObject({ ok: true });
  });

  it('refuses a payload whose CRC or length does not match the announcement', () => {
    const { begin, blocks } = splitKeyLayout(encodeKeyLayout(alice), 8);
    const corrupt = new KeyLayoutAssembler(begin);
    blocks.forEach((b, i) => corrupt.accept(i === 2 ? { ...b, bytes: b.bytes.map((x, j) => (j === 0 ? x ^ 1 : x)) } : b));
    expect(corrupt.finish()).toMatchObject({ ok: false, reason: 'bad-crc' });

    const short = new KeyLayoutAssembler(begin);
    blocks.forEach((b, i) => short.accept(i === blocks.length - 1 ? { ...b, bytes: b.bytes.subarray(1) } : b));
    expect(short.finish()).toMatchObject({ ok: false, reason: 'bad-length' });
  });
});
