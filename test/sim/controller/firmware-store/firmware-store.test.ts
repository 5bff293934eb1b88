import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { parseImageHeader, verifyImage, IMAGE_HEADER_LENGTH } from '../../../../firmware/boot/image.ts';
import { FirmwareStore } from '../../../../sim/controller/firmware-store/firmware-store.ts';
import { generatePayload, parseSize } from '../../../../sim/controller/firmware-store/payload.ts';
import { resignImage } from '../../../../sim/controller/firmware-store/signing.ts';
import { DEV_KEYS, rogueKey } from '../../../support/flash.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('payload generator', () => {
  it('is deterministic per seed, differs across seeds, and makes 2 MiB quickly', () => {
    expect(generatePayload(1000, 7)).toEqual(generatePayload(1000, 7));
    expect(Buffer.from(generatePayload(1000, 7)).equals(Buffer.from(generatePayload(1000, 8)))).toBe(false);
    expect(Buffer.from(generatePayload(1000, 0)).equals(Buffer.from(generatePayload(1000, 1)))).toBe(false);
    const big = generatePayload(2 * 1024 * 1024);
    expect(big.length).toBe(2 * 1024 * 1024);
    // looks random: every byte value shows up, none dominates
    const counts = new Array(256).fill(0);
    for (const b of big) counts[b]++;
    expect(Math.min(...counts)).toBeGreaterThan(7000);
    expect(generatePayload(5, 3)).toEqual(generatePayload(8, 3).subarray(0, 5));
  });

  it('reads sizes as people write them', () => {
    expect(parseSize('2MiB')).toBe(2 * 1024 * 1024);
    expect(parseSize('64KiB')).toBe(65536);
    expect(parseSize('4k')).toBe(4096);
    expect(parseSize('100')).toBe(100);
    expect(parseSize('2 GB')).toBeUndefined();
    expect(parseSize('-1')).toBeUndefined();
  });
});

describe('FirmwareStore', () => {
  it('builds signed images by TFTP name and serves them', () => {
    const store = new FirmwareStore();
    const img = store.putGenerated('53xx.bin', { family: '53xx', version: [1, 2, 3, 4], payloadSize: 3000, seed: 5 });
    expect(store.get('53xx.bin')).toBe(img);
    expect(store.get('69xx.bin')).toBeUndefined();
    expect(store.names()).toEqual(['53xx.bin']);
    const h = parseImageHeader(img);
    if (!h.ok) throw new Error(h.message);
    const hash = createHash('sha256').update(img.subarray(IMAGE_HEADER_LENGTH)).digest();
    expect(verifyImage(h.header, hash, DEV_KEYS)).toMatchObject({ ok: true });
    expect(() => store.put('../etc/passwd', img)).toThrow();
  });

  it('loads a directory of images by file name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotdesk-fw-'));
    dirs.push(dir);
    writeFileSync(join(dir, '5340.bin'), Buffer.from([1, 2, 3]));
    mkdirSync(join(dir, 'sub'));
    const store = FirmwareStore.fromDirectory(dir);
    expect(store.names()).toEqual(['5340.bin']);
    expect(store.get('5340.bin')).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('re-signs an image with another key, which only that key then verifies', () => {
    const store = new FirmwareStore();
    const img = store.putGenerated('x', { family: '56xx', version: [5, 0, 0, 0], payloadSize: 100 });
    const rogue = rogueKey();
    const r = resignImage(img, rogue.privateKey);
    if (!r.ok) throw new Error(r.reason);
    const h = parseImageHeader(r.image);
    if (!h.ok) throw new Error(h.message);
    const hash = createHash('sha256').update(r.image.subarray(IMAGE_HEADER_LENGTH)).digest();
    expect(verifyImage(h.header, hash, DEV_KEYS)).toMatchObject({ ok: false, reason: 'untrusted-key' });
    expect(verifyImage(h.header, hash, [rogue.trusted])).toMatchObject({ ok: true });
    expect(resignImage(new Uint8Array(10))).toMatchObject({ ok: false });
  });
});
