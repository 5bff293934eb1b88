import { describe, expect, it } from 'vitest';
import { FlashProgramError, MemoryFlash, PowerLoss } from '../../sim/flash-memory.ts';
import { SeededRandom } from '../../firmware/random.ts';

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

describe('MemoryFlash is sparse: it stores only the sectors that hold something', () => {
  const SECTOR = 256;
  const big = (options: { seed?: number } = {}) => new MemoryFlash({ size: 8 * 1024 * 1024, sectorSize: 4096, ...options });

  it('a blank 8 MiB flash stores nothing; a write stores its sectors; an erase gives them back', () => {
    const f = big();
    expect(f.storedBytes).toBe(0);
    expect([...f.read(5 * 1024 * 1024, 4)]).toEqual([0xff, 0xff, 0xff, 0xff]);
    expect(f.storedBytes).toBe(0); // reading blank allocates nothing
    f.write(100, new Uint8Array([1, 2, 3]));
    expect(f.storedBytes).toBe(4096);
    f.write(2 * 4096 - 2, new Uint8Array([4, 5, 6, 7])); // across sectors 1 and 2
    expect(f.storedBytes).toBe(3 * 4096);
    expect([...f.read(2 * 4096 - 3, 6)]).toEqual([0xff, 4, 5, 6, 7, 0xff]);
    f.erase(1);
    expect(f.storedBytes).toBe(2 * 4096);
    expect([...f.read(2 * 4096 - 3, 6)]).toEqual([0xff, 0xff, 0xff, 6, 7, 0xff]);
    f.erase(0);
    f.erase(2);
    expect(f.storedBytes).toBe(0);
  });

  it('reads, writes and erases exactly as a dense NOR array would (random operations against a model)', () => {
    const size = 16 * SECTOR;
    for (let seed = 1; seed <= 20; seed++) {
      const rnd = new SeededRandom(seed);
      const f = new MemoryFlash({ size, sectorSize: SECTOR, strict: false });
      const model = new Uint8Array(size).fill(0xff);
      for (let op = 0; op < 200; op++) {
        const kind = rnd.int(0, 9);
        if (kind === 0) {
          const s = rnd.int(0, 15);
          f.erase(s);
          model.fill(0xff, s * SECTOR, (s + 1) * SECTOR);
        } else {
          const offset = rnd.int(0, size - 1);
          const bytes = rnd.bytes(rnd.int(0, Math.min(3 * SECTOR, size - offset)));
          f.write(offset, bytes);
          for (let i = 0; i < bytes.length; i++) model[offset + i] &= bytes[i];
        }
        const at = rnd.int(0, size - 1);
        const n = rnd.int(0, size - at);
        expect(Buffer.from(f.read(at, n)).equals(Buffer.from(model.subarray(at, at + n)))).toBe(true);
      }
      expect(Buffer.from(f.snapshot()).equals(Buffer.from(model))).toBe(true);
    }
  });

  it('a refused write names the address on the chip, with the bytes before it programmed', () => {
    const f = mk();
    f.write(257, new Uint8Array([0]));
    expect(() => f.write(254, new Uint8Array([0, 0, 0, 0xff, 0]))).toThrow(/write at 0x101 needs an erase/);
    expect([...f.read(254, 5)]).toEqual([0, 0, 0, 0, 0xff]);
  });

  it('copyOf keeps only the sectors that are not blank', () => {
    const bytes = new Uint8Array(4 * SECTOR).fill(0xff);
    bytes[SECTOR + 7] = 0x12;
    const f = MemoryFlash.copyOf(bytes, { sectorSize: SECTOR });
    expect(f.storedBytes).toBe(SECTOR);
    expect(Buffer.from(f.snapshot()).equals(Buffer.from(bytes))).toBe(true);
  });

  it('flashes built on one frozen base share its sectors: a write copies only the sector it touches', () => {
    const factory = big();
    factory.write(8192, new Uint8Array(10_000).fill(0x5a)); // sectors 2, 3 and 4
    const base = factory.freeze();
    const a = big({ seed: 2 });
    const b = new MemoryFlash({ size: 8 * 1024 * 1024, sectorSize: 4096, base });
    const c = new MemoryFlash({ size: 8 * 1024 * 1024, sectorSize: 4096, base });
    expect(a.storedBytes).toBe(0);
    expect(b.storedBytes).toBe(0);
    expect([...b.read(8190, 4)]).toEqual([0xff, 0xff, 0x5a, 0x5a]);
    b.write(4 * 4096, new Uint8Array([0x00])); // inside the base's sector 4: b copies it, c does not see it
    expect(b.storedBytes).toBe(4096);
    expect(b.read(4 * 4096, 2)).toEqual(new Uint8Array([0x00, 0x5a]));
    expect(c.read(4 * 4096, 2)).toEqual(new Uint8Array([0x5a, 0x5a]));
    expect(factory.read(4 * 4096, 1)[0]).toBe(0x5a);
    c.erase(2); // erased over the base: blank, and nothing stored
    expect(c.storedBytes).toBe(0);
    expect([...c.read(2 * 4096, 2)]).toEqual([0xff, 0xff]);
    c.write(2 * 4096, new Uint8Array([0x01])); // a write after the erase starts from blank, not the base
    expect([...c.read(2 * 4096, 2)]).toEqual([0x01, 0xff]);
    expect(b.read(2 * 4096, 1)[0]).toBe(0x5a);
    expect(() => new MemoryFlash({ size: 4096 * 4, sectorSize: 4096, base })).toThrow(RangeError);
  });

  it('a cut erase of a shared sector damages only this flash', () => {
    const factory = mk();
    factory.write(0, new Uint8Array(SECTOR).fill(0));
    const base = factory.freeze();
    const f = new MemoryFlash({ size: 4 * SECTOR, sectorSize: SECTOR, base, seed: 3 });
    f.failAfterWrites(0);
    expect(() => f.erase(0)).toThrow(PowerLoss);
    f.powerOn();
    expect(f.read(0, SECTOR).some((b) => b !== 0)).toBe(true);
    expect(new MemoryFlash({ size: 4 * SECTOR, sectorSize: SECTOR, base }).read(0, SECTOR).every((b) => b === 0)).toBe(true);
  });
});
