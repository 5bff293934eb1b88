import { describe, expect, it } from 'vitest';
import { Bootloader } from '../../../firmware/boot/bootloader.ts';
import { IMAGE_HEADER_LENGTH } from '../../../firmware/boot/image.ts';
import { MemoryFlash } from '../../../sim/flash-memory.ts';
import { buildImage } from '../../../sim/controller/firmware-store/signing.ts';
import { generatePayload } from '../../../sim/controller/firmware-store/payload.ts';
import {
  bootloader, DEV_KEYS, factoryFlash, headerOf, image, LAYOUT, NEW, RecordingTracer, rogueKey, SECTOR, writeImage,
} from '../../support/flash.ts';

/** Runs an upgrade to `img` on a freshly booted phone; returns finishUpgrade's result. */
function upgrade(flash: MemoryFlash, img: Uint8Array, tracer?: RecordingTracer) {
  const bl = bootloader(flash, tracer);
  expect(bl.boot().ok).toBe(true);
  const begun = bl.beginUpgrade(headerOf(img));
  if (!begun.ok) return begun;
  writeImage(bl, img);
  return bl.finishUpgrade();
}

describe('bootloader', () => {
  it('boots the factory image from slot A', () => {
    const bl = bootloader(factoryFlash());
    expect(bl.boot()).toMatchObject({ ok: true, slot: 'A', mode: 'normal', header: { version: [1, 0, 0, 1] } });
    expect(bl.inspect()).toMatchObject({ active: 'A', running: 'A', slots: { A: { state: 'confirmed', version: '1.0.0.1' }, B: { state: 'empty' } } });
  });

  it('upgrades, boots the new image once in test mode, then keeps it once confirmed', () => {
    const flash = factoryFlash();
    const tracer = new RecordingTracer();
    expect(upgrade(flash, NEW, tracer)).toMatchObject({ ok: true, slot: 'B' });
    const bl = bootloader(flash, tracer);
    expect(bl.inspect().slots.B).toMatchObject({ state: 'pending', version: '1.0.0.2' });
    expect(bl.boot()).toMatchObject({ ok: true, slot: 'B', mode: 'test' });
    expect(bl.inspect().slots.B.state).toBe('testing');
    expect(bl.confirm()).toEqual({ ok: true });
    expect(bl.inspect()).toMatchObject({ active: 'B', slots: { A: { state: 'confirmed' }, B: { state: 'confirmed' } } });
    // and it stays: the next boots run B normally
    const again = bootloader(flash, tracer);
    expect(again.boot()).toMatchObject({ ok: true, slot: 'B', mode: 'normal' });
    expect(again.confirm()).toEqual({ ok: true });
    expect(tracer.flashOps()).toEqual([
      'A:boot', 'B:erase', 'B:write', 'B:verify-ok', 'B:pending', 'B:boot', 'B:confirm', 'B:boot',
    ]);
    // the next upgrade goes to A, the slot no longer running
    expect(upgrade(flash, image([1, 0, 0, 3], 3))).toMatchObject({ ok: true, slot: 'A' });
  });

  it('reverts to the old image when the test boot was not confirmed', () => {
    const flash = factoryFlash();
    upgrade(flash, NEW);
    expect(bootloader(flash).boot()).toMatchObject({ slot: 'B', mode: 'test' }); // ... and it dies before idle
    const tracer = new RecordingTracer();
    const bl = bootloader(flash, tracer);
    expect(bl.boot()).toMatchObject({ ok: true, slot: 'A', mode: 'normal' });
    expect(tracer.flashOps()).toEqual(['B:revert', 'A:boot']);
    expect(bl.inspect()).toMatchObject({ active: 'A', slots: { B: { state: 'rejected' } } });
    expect(bootloader(flash).boot()).toMatchObject({ slot: 'A', mode: 'normal' });
  });

  it('refuses a tampered payload after the write, and keeps the old image', () => {
    const flash = factoryFlash();
    const tracer = new RecordingTracer();
    const bad = new Uint8Array(NEW);
    bad[IMAGE_HEADER_LENGTH + 30_000] ^= 0x04;
    expect(upgrade(flash, bad, tracer)).toMatchObject({ ok: false, reason: 'hash-mismatch' });
    expect(tracer.flashOps()).toContain('B:verify-fail');
    expect(bootloader(flash).boot()).toMatchObject({ ok: true, slot: 'A', header: { version: [1, 0, 0, 1] } });
  });

  it('refuses a tampered header or a wrong key before erasing anything', () => {
    const flash = factoryFlash();
    const before = flash.operations;
    const tamperedHeader = new Uint8Array(NEW);
    tamperedHeader[19] ^= 0x01; // version part d
    expect(upgrade(flash, tamperedHeader)).toMatchObject({ ok: false, reason: 'bad-signature' });
    const rogue = rogueKey();
    const foreign = buildImage({ family: '53xx', version: [9, 9, 9, 9], payload: generatePayload(5000), key: rogue.privateKey });
    expect(upgrade(flash, foreign)).toMatchObject({ ok: false, reason: 'untrusted-key' });
    expect(flash.operations).toBe(before);
    expect(bootloader(flash).boot()).toMatchObject({ ok: true, slot: 'A', header: { version: [1, 0, 0, 1] } });
  });

  it('refuses an image whose bytes in flash differ from what was announced', () => {
    // the header we began with is good, but the bytes written are another good image: caught on read-back
    const flash = factoryFlash();
    const bl = bootloader(flash);
    bl.boot();
    expect(bl.beginUpgrade(headerOf(NEW)).ok).toBe(true);
    const other = image([1, 0, 0, 2], 99);
    writeImage(bl, other);
    expect(bl.finishUpgrade()).toMatchObject({ ok: false, reason: 'header-changed' });
    expect(bootloader(flash).boot()).toMatchObject({ slot: 'A' });
  });

  it('refuses another family, oversize images, and upgrades while unconfirmed', () => {
    const flash = factoryFlash();
    const bl = new Bootloader({ flash, layout: LAYOUT, trustedKeys: DEV_KEYS, family: '53xx' });
    bl.boot();
    expect(bl.beginUpgrade(headerOf(image([1, 0, 0, 2], 2, '69xx', 100)))).toMatchObject({ ok: false, reason: 'wrong-family' });
    expect(bl.beginUpgrade(headerOf(image([1, 0, 0, 2], 2, '53xx', 80 * SECTOR)))).toMatchObject({ ok: false, reason: 'too-large' });
    expect(bl.writeChunk(0, new Uint8Array(1))).toMatchObject({ ok: false, reason: 'no-upgrade' });
    expect(bl.beginUpgrade(headerOf(NEW)).ok).toBe(true);
    expect(bl.writeChunk(NEW.length - 1, new Uint8Array(2))).toMatchObject({ ok: false, reason: 'out-of-range' });
    writeImage(bl, NEW);
    expect(bl.finishUpgrade().ok).toBe(true);
    const test = bootloader(flash);
    expect(test.boot()).toMatchObject({ slot: 'B', mode: 'test' });
    expect(test.beginUpgrade(headerOf(image([1, 0, 0, 3], 3)))).toMatchObject({ ok: false, reason: 'unconfirmed' });
  });

  it('never boots a damaged image: falls back to the other valid slot, or reports none', () => {
    const flash = factoryFlash();
    upgrade(flash, NEW);
    const bl = bootloader(flash);
    bl.boot();
    bl.confirm(); // B active, A (old) is the fallback
    // rot one bit of B's payload in place (a 1 -> 0 program, as a worn cell would read)
    const at = LAYOUT.slots.B.offset + IMAGE_HEADER_LENGTH + 40_000;
    const byte = flash.read(at, 1)[0];
    const bit = [0, 1, 2, 3, 4, 5, 6, 7].find((b) => byte & (1 << b))!;
    flash.write(at, new Uint8Array([byte & ~(1 << bit)]));
    const tracer = new RecordingTracer();
    const after = bootloader(flash, tracer);
    expect(after.boot()).toMatchObject({ ok: true, slot: 'A', header: { version: [1, 0, 0, 1] } });
    expect(tracer.flashOps()).toEqual(['B:verify-fail', 'A:revert', 'A:boot']);
    expect(after.inspect()).toMatchObject({ active: 'A', slots: { B: { state: 'rejected' } } });
    // and with both slots damaged, nothing runs
    flash.erase(LAYOUT.slots.A.firstSector + 3);
    expect(bootloader(flash).boot()).toMatchObject({ ok: false, reason: 'no-valid-image' });
  });

  it('boots nothing from a blank flash', () => {
    const flash = new MemoryFlash({ size: LAYOUT.totalSize, sectorSize: SECTOR });
    expect(bootloader(flash).boot()).toMatchObject({ ok: false, reason: 'no-valid-image' });
  });
});
