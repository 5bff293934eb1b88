import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  BLANK_BOOT_RECORD,
  BOOT_RECORD_LENGTH,
  decodeBootRecord,
  encodeBootRecord,
  readBootRecord,
  writeBootRecord,
  type SlotState,
} from '../../../firmware/boot/flash-boot-record.ts';
import { MemoryFlash, PowerLoss } from '../../../sim/flash-memory.ts';
import { LAYOUT, SECTOR } from '../../support/flash.ts';

const STATES: SlotState[] = ['empty', 'writing', 'pending', 'testing', 'confirmed', 'rejected'];

describe('boot record', () => {
  it('round-trips every record', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 0xffffffff }), fc.constantFrom('A', 'B'), fc.constantFrom(...STATES), fc.constantFrom(...STATES), (seq, active, a, b) => {
        const r = { seq, active, states: { A: a, B: b } } as const;
        expect(decodeBootRecord(encodeBootRecord(r))).toEqual({ ok: true, record: r });
      }),
    );
  });

  it('never throws on garbage; erased flash and any single bit flip are invalid', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), (b) => void decodeBootRecord(b)));
    expect(decodeBootRecord(new Uint8Array(BOOT_RECORD_LENGTH).fill(0xff)).ok).toBe(false);
    const good = encodeBootRecord({ seq: 7, active: 'B', states: { A: 'confirmed', B: 'testing' } });
    for (let bit = 0; bit < BOOT_RECORD_LENGTH * 8; bit++) {
      const b = Buffer.from(good);
      b[bit >> 3] ^= 1 << (bit & 7);
      expect(decodeBootRecord(b).ok, `bit ${bit}`).toBe(false);
    }
  });

  it('alternates copies and the newest valid copy wins', () => {
    const flash = new MemoryFlash({ size: LAYOUT.totalSize, sectorSize: SECTOR });
    expect(readBootRecord(flash, LAYOUT)).toEqual({ record: BLANK_BOOT_RECORD, copy: undefined });
    let s = writeBootRecord(flash, LAYOUT, readBootRecord(flash, LAYOUT), { active: 'A', states: { A: 'confirmed', B: 'empty' } });
    expect(s.copy).toBe(0);
    s = writeBootRecord(flash, LAYOUT, s, { active: 'A', states: { A: 'confirmed', B: 'writing' } });
    expect(s.copy).toBe(1);
    expect(readBootRecord(flash, LAYOUT)).toEqual(s);
    s = writeBootRecord(flash, LAYOUT, s, { active: 'A', states: { A: 'confirmed', B: 'pending' } });
    expect(s).toMatchObject({ copy: 0, record: { seq: 3 } });
  });

  it('a cut at any write of an update leaves the old record or the new one, nothing else', () => {
    for (let seed = 1; seed <= 20; seed++) {
      for (const cutAt of [0, 1]) {
        const flash = new MemoryFlash({ size: LAYOUT.totalSize, sectorSize: SECTOR, seed });
        let s = readBootRecord(flash, LAYOUT);
        s = writeBootRecord(flash, LAYOUT, s, { active: 'A', states: { A: 'confirmed', B: 'empty' } });
        s = writeBootRecord(flash, LAYOUT, s, { active: 'A', states: { A: 'confirmed', B: 'pending' } });
        flash.failAfterWrites(cutAt);
        expect(() => writeBootRecord(flash, LAYOUT, s, { active: 'B', states: { A: 'confirmed', B: 'confirmed' } })).toThrow(PowerLoss);
        flash.powerOn();
        expect(readBootRecord(flash, LAYOUT).record).toEqual(s.record);
      }
    }
  });
});
