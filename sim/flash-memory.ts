// An in-memory NOR flash with power-loss injection. Every program and erase is counted; failAfterWrites(n)
// lets n more operations finish and cuts the next one half-way (a prefix programmed, one byte with only
// some of its bits, or a sector only partly erased) and throws PowerLoss, as pulling the plug would.
// After the cut the chip is dead until powerOn(): code that catches the error cannot keep writing.
import type { Flash } from '../firmware/hal.ts';
import { SeededRandom } from '../firmware/random.ts';

/** The plug was pulled during (or before) this flash operation. */
export class PowerLoss extends Error {
  constructor(message = 'power lost') {
    super(message);
    this.name = 'PowerLoss';
  }
}

/** A write asked a programmed (0) bit to become 1 without an erase: a firmware bug, not a power cut. */
export class FlashProgramError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FlashProgramError';
  }
}

export interface MemoryFlashOptions {
  size: number;
  sectorSize: number;
  /** Seeds the shape of each cut (where a write stops, which bits survive an erase). */
  seed?: number;
  /** Throw FlashProgramError on a 0->1 write (default true). Off: bits AND silently, like the chip. */
  strict?: boolean;
}

/** NOR programming: bits only go 1 -> 0. Shared by the file-backed flash. */
export function programNor(mem: Uint8Array, offset: number, bytes: Uint8Array, strict: boolean): void {
  for (let i = 0; i < bytes.length; i++) {
    const old = mem[offset + i];
    const want = bytes[i];
    if (strict && (old & want) !== want) {
      throw new FlashProgramError(`write at 0x${(offset + i).toString(16)} needs an erase (0x${old.toString(16)} -> 0x${want.toString(16)})`);
    }
    mem[offset + i] = old & want;
  }
}

export function checkGeometry(size: number, sectorSize: number): void {
  if (!Number.isInteger(sectorSize) || sectorSize <= 0) throw new RangeError(`bad sector size ${sectorSize}`);
  if (!Number.isInteger(size) || size <= 0 || size % sectorSize !== 0) {
    throw new RangeError(`flash size ${size} is not a whole number of ${sectorSize}-byte sectors`);
  }
}

export function checkRange(flash: Flash, offset: number, length: number): void {
  if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > flash.size) {
    throw new RangeError(`flash access ${offset}+${length} outside 0..${flash.size}`);
  }
}

export function checkSector(flash: Flash, sectorIndex: number): void {
  if (!Number.isInteger(sectorIndex) || sectorIndex < 0 || sectorIndex >= flash.size / flash.sectorSize) {
    throw new RangeError(`no sector ${sectorIndex}`);
  }
}

export class MemoryFlash implements Flash {
  readonly size: number;
  readonly sectorSize: number;
  private readonly mem: Uint8Array;
  private readonly strict: boolean;
  private readonly random: SeededRandom;
  private ops = 0;
  private cutAt: number | undefined;
  private powered = true;

  constructor(options: MemoryFlashOptions) {
    checkGeometry(options.size, options.sectorSize);
    this.size = options.size;
    this.sectorSize = options.sectorSize;
    this.mem = new Uint8Array(options.size).fill(0xff);
    this.strict = options.strict ?? true;
    this.random = new SeededRandom(options.seed ?? 1);
  }

  /** A copy of another flash's contents (a phone's flash at some moment), powered on. */
  static copyOf(bytes: Uint8Array, options: Omit<MemoryFlashOptions, 'size'>): MemoryFlash {
    const f = new MemoryFlash({ ...options, size: bytes.length });
    f.mem.set(bytes);
    return f;
  }

  /** Program + erase operations so far (a cut one included). */
  get operations(): number {
    return this.ops;
  }

  get poweredOn(): boolean {
    return this.powered;
  }

  /** n more operations complete; the one after them is cut. failAfterWrites(0) cuts the very next. */
  failAfterWrites(n: number): void {
    this.cutAt = this.ops + n + 1;
  }

  cancelFailure(): void {
    this.cutAt = undefined;
  }

  /** Power comes back: the contents are whatever the cut left. */
  powerOn(): void {
    this.powered = true;
  }

  /** A copy of the whole contents. */
  snapshot(): Uint8Array {
    return this.mem.slice();
  }

  read(offset: number, length: number): Uint8Array {
    this.requirePower();
    checkRange(this, offset, length);
    return this.mem.slice(offset, offset + length);
  }

  erase(sectorIndex: number): void {
    this.requirePower();
    checkSector(this, sectorIndex);
    const start = sectorIndex * this.sectorSize;
    if (this.countAndCut()) {
      // a partial erase: a prefix reached 0xff, the rest has only some bits set back to 1
      const done = this.random.int(0, this.sectorSize);
      this.mem.fill(0xff, start, start + done);
      for (let i = start + done; i < start + this.sectorSize; i++) this.mem[i] |= this.random.int(0, 255);
      this.cut(`erase of sector ${sectorIndex}`);
    }
    this.mem.fill(0xff, start, start + this.sectorSize);
  }

  write(offset: number, bytes: Uint8Array): void {
    this.requirePower();
    checkRange(this, offset, bytes.length);
    if (this.countAndCut()) {
      // a partial program: whole bytes up to k, then byte k with only some of its 0 bits, then nothing
      const k = this.random.int(0, Math.max(0, bytes.length - 1));
      programNor(this.mem, offset, bytes.subarray(0, k), this.strict);
      if (k < bytes.length) {
        const someZeros = bytes[k] | this.random.int(0, 255);
        this.mem[offset + k] &= someZeros;
      }
      this.cut(`write of ${bytes.length} bytes at 0x${offset.toString(16)}`);
    }
    programNor(this.mem, offset, bytes, this.strict);
  }

  private countAndCut(): boolean {
    this.ops++;
    return this.cutAt !== undefined && this.ops >= this.cutAt;
  }

  private cut(what: string): never {
    this.cutAt = undefined;
    this.powered = false;
    throw new PowerLoss(`power lost during ${what} (operation ${this.ops})`);
  }

  private requirePower(): void {
    if (!this.powered) throw new PowerLoss('flash has no power (call powerOn())');
  }
}
