import { describe, expect, it } from 'vitest';
import { FlashProgramError, MemoryFlash, PowerLoss } from '../../sim/flash-memory.ts';

const mk = (seed = 1) => new MemoryFlash({ size: 4 * 256, sectorSize: 256, seed });

describe('MemoryFlash', () => {
  it('behaves like NOR: blank is 0xff, writes only clear bits, erase sets a whole sector', () => {
    const f = mk();
    expect([...f.read(0, 4)]).toEqual([0xff, 0xff, 0xff, 0xff]);
    f.write(10, new Uint8Array([0xf0, 0x0f]));
    f.write(10, new Uint8Array([0xf0, 0x0f])); // the same bytes again: nothing to change
    expect(() => f.write(10, new Uint8Array([0xff]))).toThrow(FlashProgramError);
    f.erase(0);
    expect([...f.read(10, 2)]).toEqual([0xff, 0xff]);
    const loose = new MemoryFlash({ size: 256, sectorSize: 256, strict: false });
    loose.write(0, new Uint8Array([0xf0]));
    loose.write(0, new Uint8Array([0x3c]));
    expect(loose.read(0, 1)[0]).toBe(0x30); // bits AND, as on the chip
    expect(() => f.read(1020, 8)).toThrow(RangeError);
    expect(() => f.erase(4)).toThrow(RangeError);
  });

  it('counts program and erase operations and cuts the one after n', () => {
    const f = mk();
    f.write(0, new Uint8Array([1]));
    f.erase(1);
    expect(f.operations).toBe(2);
    f.failAfterWrites(2);
    f.write(1, new Uint8Array([2]));
    f.write(2, new Uint8Array([3]));
    expect(() => f.write(256, new Uint8Array(100).fill(0))).toThrow(PowerLoss);
    expect(f.operations).toBe(5);
    // dead until power comes back: the firmware cannot carry on after the cut
    expect(f.poweredOn).toBe(false);
    expect(() => f.read(0, 1)).toThrow(PowerLoss);
    expect(() => f.write(3, new Uint8Array([0]))).toThrow(PowerLoss);
    f.powerOn();
    expect([...f.read(0, 3)]).toEqual([1, 2, 3]);
  });

  it('a cut write programs a prefix, maybe one partial byte, and nothing after', () => {
    let incomplete = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const f = mk(seed);
      f.failAfterWrites(0);
      expect(() => f.write(0, new Uint8Array(200).fill(0))).toThrow(PowerLoss);
      f.powerOn();
      const got = f.read(0, 200);
      const firstNonZero = got.findIndex((b) => b !== 0);
      if (firstNonZero >= 0) {
        incomplete++;
        expect(got.subarray(firstNonZero + 1).every((b) => b === 0xff)).toBe(true);
      }
    }
    expect(incomplete).toBeGreaterThan(25);
  });

  it('a cut erase leaves the sector partly erased (not blank, not intact)', () => {
    let mixed = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const f = mk(seed);
      f.write(0, new Uint8Array(256).fill(0));
      f.failAfterWrites(0);
      expect(() => f.erase(0)).toThrow(PowerLoss);
      f.powerOn();
      const got = f.read(0, 256);
      if (got.some((b) => b !== 0xff) && got.some((b) => b !== 0)) mixed++;
    }
    expect(mixed).toBeGreaterThan(20);
  });
});
