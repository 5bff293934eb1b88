import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ImageStreamVerifier } from '../../../firmware/boot/image-verifier.ts';
import { DEV_KEYS, image, rogueKey } from '../../support/flash.ts';
import { buildImage } from '../../../sim/controller/firmware-store/signing.ts';
import { generatePayload } from '../../../sim/controller/firmware-store/payload.ts';

const IMG = image([3, 1, 0, 9], 5, '56xx', 20_000);

function feed(v: ImageStreamVerifier, bytes: Uint8Array, cuts: number[]) {
  let at = 0;
  for (const c of [...cuts].sort((a, b) => a - b).concat(bytes.length)) {
    v.push(bytes.subarray(at, c));
    at = c;
  }
}

describe('ImageStreamVerifier', () => {
  it('verifies an image however the stream is cut into chunks', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(IMG.length), { maxLength: 50 }), (cuts) => {
        const v = new ImageStreamVerifier(DEV_KEYS);
        feed(v, IMG, cuts);
        const r = v.finish();
        expect(r.ok).toBe(true);
        if (r.ok) expect(r.header.family).toBe('56xx');
      }),
      { numRuns: 40 },
    );
  });

  it('knows the header after the first TFTP block, before the payload', () => {
    const v = new ImageStreamVerifier(DEV_KEYS);
    expect(v.push(IMG.subarray(0, 100)).state).toBe('need-header');
    const s = v.push(IMG.subarray(100, 512));
    expect(s).toMatchObject({ state: 'receiving', received: 512, total: IMG.length });
    expect(v.header?.version).toEqual([3, 1, 0, 9]);
  });

  it('refuses an untrusted signer at the header, before any payload', () => {
    const rogue = rogueKey();
    const img = buildImage({ family: '56xx', version: [1, 1, 1, 1], payload: generatePayload(5000), key: rogue.privateKey });
    const v = new ImageStreamVerifier(DEV_KEYS);
    expect(v.push(img.subarray(0, 512))).toMatchObject({ state: 'failed', reason: 'untrusted-key' });
    // sticky: more bytes do not resurrect it
    expect(v.push(img.subarray(512))).toMatchObject({ state: 'failed', reason: 'untrusted-key' });
    expect(v.finish()).toMatchObject({ ok: false, reason: 'untrusted-key' });
  });

  it('refuses another family and an image too big for the slot at the header', () => {
    expect(new ImageStreamVerifier(DEV_KEYS, { family: '53xx' }).push(IMG.subarray(0, 512))).toMatchObject({ state: 'failed', reason: 'wrong-family' });
    expect(new ImageStreamVerifier(DEV_KEYS, { maxImageLength: 10_000 }).push(IMG.subarray(0, 512))).toMatchObject({ state: 'failed', reason: 'too-large' });
  });

  it('refuses a tampered payload at the end, a truncated and an overlong stream', () => {
    const bad = new Uint8Array(IMG);
    bad[15_000] ^= 0x80;
    const v1 = new ImageStreamVerifier(DEV_KEYS);
    v1.push(bad);
    expect(v1.finish()).toMatchObject({ ok: false, reason: 'hash-mismatch' });

    const v2 = new ImageStreamVerifier(DEV_KEYS);
    v2.push(IMG.subarray(0, IMG.length - 1));
    expect(v2.finish()).toMatchObject({ ok: false, reason: 'truncated' });

    const v3 = new ImageStreamVerifier(DEV_KEYS);
    v3.push(IMG);
    expect(v3.push(new Uint8Array([0]))).toMatchObject({ state: 'failed', reason: 'too-long' });

    const v4 = new ImageStreamVerifier(DEV_KEYS);
    v4.push(IMG.subarray(0, 50));
    expect(v4.finish()).toMatchObject({ ok: false, reason: 'truncated' });
  });

  it('never throws on a garbage stream', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 6 }), (chunks) => {
        const v = new ImageStreamVerifier(DEV_KEYS);
        for (const c of chunks) v.push(c);
        expect(v.finish().ok).toBe(false);
      }),
    );
  });
});
