// Pulls the plug at EVERY flash program and erase of an upgrade (and of the boot, the confirm and the
// boot-record updates that follow it). After each cut the phone must boot the old image or the new one,
// byte for byte, never a corrupt one; and a plain retry must still take it to the new image.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Bootloader } from '../../../firmware/boot/bootloader.ts';
import { imageLength } from '../../../firmware/boot/image.ts';
import { MemoryFlash, PowerLoss } from '../../../sim/flash-memory.ts';
import { bootloader, factoryFlash, headerOf, NEW, OLD, sameBytes, SECTOR, slotBytes, writeImage } from '../../support/flash.ts';

const FACTORY = factoryFlash(OLD).snapshot();

/** The phone's life from power-on to a confirmed new image: boot, upgrade, reboot (test), confirm. */
function upgradeLife(flash: MemoryFlash): void {
  const bl = bootloader(flash);
  expect(bl.boot().ok).toBe(true);
  expect(bl.beginUpgrade(headerOf(NEW)).ok).toBe(true);
  writeImage(bl, NEW);
  expect(bl.finishUpgrade().ok).toBe(true);
  const rebooted = bootloader(flash);
  expect(rebooted.boot()).toMatchObject({ ok: true, slot: 'B', mode: 'test' });
  expect(rebooted.confirm().ok).toBe(true);
}

/** Boots after a cut and checks that what runs is exactly OLD or NEW. */
function bootsOldOrNew(flash: MemoryFlash): { bl: Bootloader; which: 'old' | 'new' } {
  const bl = bootloader(flash);
  const r = bl.boot();
  expect(r.ok).toBe(true);
  if (!r.ok) throw new Error(r.message);
  const bytes = slotBytes(flash, r.slot, imageLength(r.header));
  const which = sameBytes(bytes, OLD) ? 'old' : sameBytes(bytes, NEW) ? 'new' : undefined;
  expect(which, `slot ${r.slot} runs neither image`).toBeDefined();
  return { bl, which: which! };
}

function fresh(seed = 1): MemoryFlash {
  return MemoryFlash.copyOf(FACTORY, { sectorSize: SECTOR, seed });
}

function opsOf(life: (f: MemoryFlash) => void): number {
  const f = fresh();
  const before = f.operations;
  life(f);
  return f.operations - before;
}

/** Cuts `life` after `k` operations; the cut must happen (k is inside it). */
function cutAt(flash: MemoryFlash, k: number, life: (f: MemoryFlash) => void): void {
  flash.failAfterWrites(k);
  expect(() => life(flash)).toThrow(PowerLoss);
  flash.powerOn();
}

describe('power loss', () => {
  const TOTAL = opsOf(upgradeLife);

  it('an upgrade of a 64 KiB image in 1 KiB sectors is a few hundred operations', () => {
    // 65 erases + 129 writes of 512 bytes + 4 boot-record updates of 2 operations each
    expect(TOTAL).toBe(65 + 129 + 4 * 2);
  });

  it('at every program and erase of an upgrade, the phone boots the old or the new image', () => {
    const seen = { old: 0, new: 0 };
    for (let k = 0; k < TOTAL; k++) {
      const flash = fresh(k + 1);
      cutAt(flash, k, upgradeLife);
      const { bl, which } = bootsOldOrNew(flash);
      seen[which]++;
      // whatever runs reaches idle and confirms: from then on it is what boots
      bl.confirm();
      expect(bootsOldOrNew(flash).which).toBe(which);
      if (which === 'old') {
        // the phone retries the download: an unfaulted upgrade still takes it to the new image
        upgradeLife(flash);
        expect(bootsOldOrNew(flash).which).toBe('new');
        expect(bootloader(flash).inspect()).toMatchObject({ active: 'B', slots: { B: { state: 'confirmed', version: '1.0.0.2' } } });
      }
    }
    // a cut before the 'pending' record is whole boots old; a cut in the test boot's record update
    // leaves it pending, so new is tried; a torn confirm reverts to old
    expect(seen.old).toBeGreaterThan(190);
    expect(seen.new).toBeGreaterThan(0);
  });

  it('at every operation of the confirm and of the test boot, old or new; a torn confirm reverts', () => {
    const prepared = fresh();
    const bl = bootloader(prepared);
    bl.boot();
    bl.beginUpgrade(headerOf(NEW));
    writeImage(bl, NEW);
    bl.finishUpgrade();
    const PENDING = prepared.snapshot();
    const testBootThenConfirm = (f: MemoryFlash) => {
      const b = bootloader(f);
      expect(b.boot()).toMatchObject({ slot: 'B', mode: 'test' });
      b.confirm();
    };
    const probe = MemoryFlash.copyOf(PENDING, { sectorSize: SECTOR });
    testBootThenConfirm(probe);
    expect(probe.operations).toBe(4); // two boot-record updates of one erase and one write each
    for (let seed = 1; seed <= 10; seed++) {
      for (let k = 0; k < 4; k++) {
        const f = MemoryFlash.copyOf(PENDING, { sectorSize: SECTOR, seed });
        cutAt(f, k, testBootThenConfirm);
        // the test boot's record write (ops 0-1) torn: still pending, tried again; the confirm's (2-3)
        // torn: the image never confirmed, so the old one comes back
        expect(bootsOldOrNew(f).which).toBe(k < 2 ? 'new' : 'old');
      }
    }
    // the record update of a revert (an unconfirmed test boot, then a reboot) torn: it reverts again
    const testing = MemoryFlash.copyOf(PENDING, { sectorSize: SECTOR });
    bootloader(testing).boot();
    const TESTING = testing.snapshot();
    for (let k = 0; k < 2; k++) {
      const f = MemoryFlash.copyOf(TESTING, { sectorSize: SECTOR, seed: k + 5 });
      cutAt(f, k, (g) => void bootloader(g).boot());
      expect(bootloader(f).inspect().slots.B.state).toBe('testing');
      expect(bootsOldOrNew(f).which).toBe('old');
      expect(bootloader(f).inspect().slots.B.state).toBe('rejected');
    }
  });

  it('a second cut during the recovery boot still leaves old or new', () => {
    for (let k = 0; k < TOTAL; k += 7) {
      const flash = fresh(k);
      cutAt(flash, k, upgradeLife);
      for (let j = 0; j < 2; j++) {
        flash.failAfterWrites(j);
        try {
          bootloader(flash).boot();
        } catch (err) {
          expect(err).toBeInstanceOf(PowerLoss);
        }
        flash.cancelFailure();
        flash.powerOn();
        bootsOldOrNew(flash);
      }
    }
  });

  it('any cut, with any shape of torn byte or partial erase, boots old or new (property)', () => {
    fc.assert(
      fc.property(fc.nat(TOTAL - 1), fc.integer({ min: 1, max: 2 ** 31 }), (k, seed) => {
        const flash = fresh(seed);
        cutAt(flash, k, upgradeLife);
        bootsOldOrNew(flash);
      }),
      { numRuns: 60 },
    );
  });
});
