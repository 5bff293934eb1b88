import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHash, sign } from 'node:crypto';
import {
  encodeImageHeader,
  IMAGE_HEADER_LENGTH,
  parseImageHeader,
  SIGNED_LENGTH,
  verifyImage,
} from '../../../firmware/boot/image.ts';
import { parseVersion, formatVersion, compareVersions } from '../../../firmware/boot/image-version.ts';
import { trustedKeyFromPem } from '../../../firmware/boot/image-keys.ts';
import { DEV_PUBLIC_KEY_PEM } from '../../../sim/controller/dev-keys/index.ts';
import { DEV_KEYS, headerOf, image, rogueKey } from '../../support/flash.ts';
import { buildImage } from '../../../sim/controller/firmware-store/signing.ts';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest();

describe('image header', () => {
  it('round-trips every field through encode and parse', () => {
    const field = fc.record({
      family: fc.stringMatching(/^[0-9A-Za-z]{4}$/),
      version: fc.tuple(fc.nat(0xffff), fc.nat(0xffff), fc.nat(0xffff), fc.nat(0xffff)),
      payloadLength: fc.nat(0xffffffff),
      payloadSha256: fc.uint8Array({ minLength: 32, maxLength: 32 }),
      keyId: fc.uint8Array({ minLength: 8, maxLength: 8 }),
      signature: fc.uint8Array({ minLength: 64, maxLength: 64 }),
    });
    fc.assert(
      fc.property(field, (f) => {
        const bytes = encodeImageHeader(f);
        expect(bytes.length).toBe(IMAGE_HEADER_LENGTH);
        // the version check sees a whole TFTP block: trailing payload bytes must not matter
        const block = Buffer.concat([bytes, Buffer.alloc(512 - bytes.length, 0xa5)]);
        const p = parseImageHeader(block);
        expect(p.ok).toBe(true);
        if (!p.ok) return;
        expect(p.header.family).toBe(f.family);
        expect([...p.header.version]).toEqual(f.version);
        expect(p.header.payloadLength).toBe(f.payloadLength);
        expect([...p.header.payloadSha256]).toEqual([...f.payloadSha256]);
        expect([...p.header.keyId]).toEqual([...f.keyId]);
        expect([...p.header.signature]).toEqual([...f.signature]);
        expect([...p.header.signedBytes]).toEqual([...bytes.subarray(0, SIGNED_LENGTH)]);
      }),
    );
  });

  it('never throws on garbage, and says why it refuses', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const p = parseImageHeader(bytes);
        if (!p.ok) expect(typeof p.message).toBe('string');
      }),
    );
    // garbage behind a good magic still never throws
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 124, maxLength: 200 }), (tail) => {
        parseImageHeader(Buffer.concat([Buffer.from('HDFW'), tail]));
      }),
    );
  });

  it('names each kind of malformed header', () => {
    const good = Buffer.from(image([1, 2, 3, 4], 1, '53xx', 100).subarray(0, 512));
    const broken = (off: number, v: number) => {
      const b = Buffer.from(good);
      b[off] = v;
      return parseImageHeader(b);
    };
    expect(parseImageHeader(good.subarray(0, 127))).toMatchObject({ ok: false, reason: 'short' });
    expect(broken(0, 0x58)).toMatchObject({ ok: false, reason: 'bad-magic' });
    expect(broken(4, 2)).toMatchObject({ ok: false, reason: 'unsupported-version' });
    expect(broken(5, 1)).toMatchObject({ ok: false, reason: 'bad-flags' });
    expect(broken(7, 64)).toMatchObject({ ok: false, reason: 'bad-header-length' });
    expect(broken(8, 0x2e)).toMatchObject({ ok: false, reason: 'bad-family' });
    expect(parseImageHeader(good)).toMatchObject({ ok: true, header: { family: '53xx', version: [1, 2, 3, 4], payloadLength: 100 } });
  });
});

describe('verifyImage', () => {
  const img = image([2, 0, 0, 7], 3, '69xx', 4096);
  const header = headerOf(img);
  const payload = img.subarray(IMAGE_HEADER_LENGTH);

  it('accepts a good image signed by a trusted key', () => {
    expect(verifyImage(header, sha(payload), DEV_KEYS)).toMatchObject({ ok: true });
  });

  it('refuses a tampered payload', () => {
    const bad = Buffer.from(payload);
    bad[1000] ^= 0x01;
    expect(verifyImage(header, sha(bad), DEV_KEYS)).toMatchObject({ ok: false, reason: 'hash-mismatch' });
  });

  it('refuses a tampered header (the version changed after signing)', () => {
    const bad = Buffer.from(img.subarray(0, 512));
    bad[15] ^= 0x01; // the low byte of version part b
    const h = parseImageHeader(bad);
    expect(h.ok).toBe(true);
    if (h.ok) expect(verifyImage(h.header, sha(payload), DEV_KEYS)).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it('refuses a hash swapped in the header along with a matching payload', () => {
    // an attacker rewrites the payload AND the hash field: the signature no longer covers the header
    const evil = Buffer.from(payload).fill(0x42);
    const bytes = Buffer.from(img.subarray(0, IMAGE_HEADER_LENGTH));
    bytes.set(sha(evil), 24);
    const h = parseImageHeader(bytes);
    if (!h.ok) throw new Error('parse');
    expect(verifyImage(h.header, sha(evil), DEV_KEYS)).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it('refuses an image signed by a key the phone does not trust', () => {
    const rogue = rogueKey();
    const signedByRogue = buildImage({ family: '69xx', version: [2, 0, 0, 7], payload, key: rogue.privateKey });
    const h = headerOf(signedByRogue);
    expect(verifyImage(h, sha(payload), DEV_KEYS)).toMatchObject({ ok: false, reason: 'untrusted-key' });
    expect(verifyImage(h, sha(payload), [rogue.trusted])).toMatchObject({ ok: true });
  });

  it('remembers a good verdict for the exact bytes only: a header or signature changed after it is checked afresh', () => {
    // the first call verifies and remembers; everything below differs from it in one bit
    expect(verifyImage(header, sha(payload), DEV_KEYS)).toMatchObject({ ok: true });
    for (const at of [15, 30, SIGNED_LENGTH + 5, IMAGE_HEADER_LENGTH - 1]) {
      const bytes = Buffer.from(img.subarray(0, IMAGE_HEADER_LENGTH));
      bytes[at] ^= 0x01;
      const h = parseImageHeader(bytes);
      if (!h.ok) continue; // a bit that breaks the form is refused before any signature
      expect(verifyImage(h.header, sha(payload), DEV_KEYS), `bit flipped at ${at}`).toMatchObject({ ok: false, reason: 'bad-signature' });
    }
    // the remembered one still verifies, and another key id is still untrusted
    expect(verifyImage(header, sha(payload), DEV_KEYS)).toMatchObject({ ok: true });
    expect(verifyImage(header, sha(payload), [rogueKey().trusted])).toMatchObject({ ok: false, reason: 'untrusted-key' });
  });

  it('refuses a rogue signature that claims the trusted key id', () => {
    const rogue = rogueKey();
    const bytes = Buffer.from(img.subarray(0, IMAGE_HEADER_LENGTH));
    bytes.set(sign(null, bytes.subarray(0, SIGNED_LENGTH), rogue.privateKey), SIGNED_LENGTH);
    const h = headerOf(bytes);
    expect(verifyImage(h, sha(payload), DEV_KEYS)).toMatchObject({ ok: false, reason: 'bad-signature' });
  });
});

describe('versions and keys', () => {
  it('parses and formats a.b.c.d, refusing anything else', () => {
    expect(parseVersion('6.4.0.136')).toEqual({ ok: true, version: [6, 4, 0, 136] });
    for (const bad of ['1.2.3', '1.2.3.4.5', '1.2.3.x', '1.2.3.65536', '01.2.3.4', '', '1..2.3']) {
      expect(parseVersion(bad).ok, bad).toBe(false);
    }
    expect(formatVersion([1, 2, 3, 4])).toBe('1.2.3.4');
    expect(compareVersions([1, 2, 3, 4], [1, 2, 4, 0])).toBeLessThan(0);
  });

  it('loads the dev public key and refuses non-keys without throwing', () => {
    const k = trustedKeyFromPem(DEV_PUBLIC_KEY_PEM);
    expect(k.ok && Buffer.from(k.key.keyId).equals(Buffer.from(DEV_KEYS[0].keyId))).toBe(true);
    expect(trustedKeyFromPem('not a pem').ok).toBe(false);
  });
});
