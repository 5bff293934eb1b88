// An in-memory NOR flash with power-loss injection. Every program and erase is counted; failAfterWrites(n)
// lets n more operations finish and cuts the next one half-way (a prefix programmed, one byte with only
// some of its bits, or a sector only partly erased) and throws PowerLoss, as pulling the plug would.
// After the cut the chip is dead until powerOn(): code that catches the error cannot keep writing.
// The bytes are sparse (SectorStore): only sectors holding something are stored, so an 8 MiB flash with
// a 16 KiB image costs a few sectors, and phones built from one shared factory base (a FlashBase) share
// its sectors until they write them.
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
  /** Start from these shared contents (a factory image laid down once): copied sector by sector on write. */
  base?: FlashBase;
}

/**
 * NOR programming: bits only go 1 -> 0. `address` is where `mem[offset]` sits on the chip (for the
 * error; `mem` may be one sector of it).
 */
export function programNor(mem: Uint8Array, offset: number, bytes: Uint8Array, strict: boolean, address = offset): void {
  for (let i = 0; i < bytes.length; i++) {
    const old = mem[offset + i];
    const want = bytes[i];
    if (strict && (old & want) !== want) {
      throw new FlashProgramError(`write at 0x${(address + i).toString(16)} needs an erase (0x${old.toString(16)} -> 0x${want.toString(16)})`);
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

/**
 * A flash's contents laid down once and shared read-only by every flash built on it (the factory image
 * of a fleet's phones): sector index -> its bytes. Nobody writes these arrays.
 */
export interface FlashBase {
  readonly size: number;
  readonly sectorSize: number;
  readonly sectors: ReadonlyMap<number, Uint8Array>;
}

/**
 * The bytes of a flash by sector. A sector never written, or erased since, holds nothing and reads 0xff.
 * A store may start from a shared base: a base sector is copied on the first write to it (copy on
 * write) and shadowed on erase, so what the store itself holds is only what its flash changed.
 */
export class SectorStore {
  /** This store's own sectors; null: erased over a base sector (reads blank). */
  private readonly own = new Map<number, Uint8Array | null>();

  constructor(
    readonly size: number,
    readonly sectorSize: number,
    private readonly base?: FlashBase,
  ) {
    checkGeometry(size, sectorSize);
    if (base && (base.size !== size || base.sectorSize !== sectorSize)) {
      throw new RangeError(`flash base is ${base.size} bytes in ${base.sectorSize}-byte sectors, not ${size} in ${sectorSize}`);
    }
  }

  /** Bytes this store holds itself (its own sectors; a shared base costs it nothing). */
  get storedBytes(): number {
    let n = 0;
    for (const bytes of this.own.values()) if (bytes) n += bytes.length;
    return n;
  }

  /** The sector's bytes as they read now (its own, the base's, or undefined for blank). Do not write. */
  private peek(sector: number): Uint8Array | undefined {
    const mine = this.own.get(sector);
    if (mine !== undefined) return mine ?? undefined;
    return this.base?.sectors.get(sector);
  }

  /** The sector as an array of its own, copied from the base or blank on first use: safe to write. */
  private writable(sector: number): Uint8Array {
    const mine = this.own.get(sector);
    if (mine) return mine;
    const from = mine === null ? undefined : this.base?.sectors.get(sector);
    const bytes = from ? from.slice() : new Uint8Array(this.sectorSize).fill(0xff);
    this.own.set(sector, bytes);
    return bytes;
  }

  read(offset: number, length: number): Uint8Array {
    const ss = this.sectorSize;
    const first = Math.floor(offset / ss);
    if (length > 0 && Math.floor((offset + length - 1) / ss) === first) {
      // the usual read, inside one sector: one copy
      const bytes = this.peek(first);
      const at = offset - first * ss;
      return bytes ? bytes.slice(at, at + length) : new Uint8Array(length).fill(0xff);
    }
    const out = new Uint8Array(length).fill(0xff);
    for (let at = offset; at < offset + length; ) {
      const sector = Math.floor(at / ss);
      const end = Math.min(offset + length, (sector + 1) * ss);
      const bytes = this.peek(sector);
      if (bytes) out.set(bytes.subarray(at - sector * ss, end - sector * ss), at - offset);
      at = end;
    }
    return out;
  }

  /** The whole sector back to 0xff: nothing stored for it any more. */
  erase(sector: number): void {
    if (this.base?.sectors.has(sector)) this.own.set(sector, null);
    else this.own.delete(sector);
  }

  /**
   * A cut erase: the first `done` bytes reach 0xff, every later byte gets the 1 bits `bitsBack(i)` gives
   * (called once per byte, in order, whatever the byte held, so a seeded cut stays the same).
   */
  partialErase(sector: number, done: number, bitsBack: () => number): void {
    const bytes = this.writable(sector);
    bytes.fill(0xff, 0, done);
    for (let i = done; i < bytes.length; i++) bytes[i] |= bitsBack();
  }

  /** NOR programming across sectors, in address order (a strict refusal leaves the bytes before it programmed). */
  program(offset: number, bytes: Uint8Array, strict: boolean): void {
    const ss = this.sectorSize;
    for (let at = offset; at < offset + bytes.length; ) {
      const sector = Math.floor(at / ss);
      const end = Math.min(offset + bytes.length, (sector + 1) * ss);
      programNor(this.writable(sector), at - sector * ss, bytes.subarray(at - offset, end - offset), strict, at);
      at = end;
    }
  }

  /** One byte keeps only the 0 bits of `mask` it gains (a byte cut half-way through programming). */
  andByte(offset: number, mask: number): void {
    const sector = Math.floor(offset / this.sectorSize);
    this.writable(sector)[offset - sector * this.sectorSize] &= mask;
  }

  /** Every byte, in one array. */
  snapshot(): Uint8Array {
    const out = new Uint8Array(this.size).fill(0xff);
    const sectors = this.size / this.sectorSize;
    for (let s = 0; s < sectors; s++) {
      const bytes = this.peek(s);
      if (bytes) out.set(bytes, s * this.sectorSize);
    }
    return out;
  }

  /** Takes `bytes` as the contents from `at` on (whole sectors), storing only the sectors that are not blank. */
  load(bytes: Uint8Array, at = 0): void {
    const ss = this.sectorSize;
    if (at % ss !== 0 || bytes.length % ss !== 0 || at + bytes.length > this.size) throw new RangeError(`load of ${bytes.length} bytes at ${at}: not whole sectors of the flash`);
    for (let i = 0; i < bytes.length; i += ss) {
      const s = (at + i) / ss;
      const sector = bytes.subarray(i, i + ss);
      if (!isBlank(sector)) this.own.set(s, sector.slice());
      else this.erase(s);
    }
  }

  /** The contents now, frozen as a base other stores can share (this store must not be written after). */
  freeze(): FlashBase {
    const sectors = new Map<number, Uint8Array>();
    const count = this.size / this.sectorSize;
    for (let s = 0; s < count; s++) {
      const bytes = this.peek(s);
      if (bytes && !isBlank(bytes)) sectors.set(s, bytes);
    }
    return { size: this.size, sectorSize: this.sectorSize, sectors };
  }
}

function isBlank(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0xff) return false;
  return true;
}

export class MemoryFlash implements Flash {
  readonly size: number;
  readonly sectorSize: number;
  private readonly mem: SectorStore;
  private readonly strict: boolean;
  private readonly random: SeededRandom;
  private ops = 0;
  private cutAt: number | undefined;
  private powered = true;

  constructor(options: MemoryFlashOptions) {
    checkGeometry(options.size, options.sectorSize);
    this.size = options.size;
    this.sectorSize = options.sectorSize;
    this.mem = new SectorStore(options.size, options.sectorSize, options.base);
    this.strict = options.strict ?? true;
    this.random = new SeededRandom(options.seed ?? 1);
  }

  /** A copy of another flash's contents (a phone's flash at some moment), powered on. */
  static copyOf(bytes: Uint8Array, options: Omit<MemoryFlashOptions, 'size' | 'base'>): MemoryFlash {
    const f = new MemoryFlash({ ...options, size: bytes.length });
    f.mem.load(bytes);
    return f;
  }

  /** Program + erase operations so far (a cut one included). */
  get operations(): number {
    return this.ops;
  }

  /** Bytes this flash holds of its own: its written sectors, not blank ones nor a shared base's. */
  get storedBytes(): number {
    return this.mem.storedBytes;
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
    return this.mem.snapshot();
  }

  /**
   * The contents now as a base for other flashes to share (`{ base }`): this flash must not be written
   * afterwards, since the base keeps its sectors rather than copies.
   */
  freeze(): FlashBase {
    return this.mem.freeze();
  }

  read(offset: number, length: number): Uint8Array {
    this.requirePower();
    checkRange(this, offset, length);
    return this.mem.read(offset, length);
  }

  erase(sectorIndex: number): void {
    this.requirePower();
    checkSector(this, sectorIndex);
    if (this.countAndCut()) {
      // a partial erase: a prefix reached 0xff, the rest has only some bits set back to 1
      const done = this.random.int(0, this.sectorSize);
      this.mem.partialErase(sectorIndex, done, () => this.random.int(0, 255));
      this.cut(`erase of sector ${sectorIndex}`);
    }
    this.mem.erase(sectorIndex);
  }

  write(offset: number, bytes: Uint8Array): void {
    this.requirePower();
    checkRange(this, offset, bytes.length);
    if (this.countAndCut()) {
      // a partial program: whole bytes up to k, then byte k with only some of its 0 bits, then nothing
      const k = this.random.int(0, Math.max(0, bytes.length - 1));
      this.mem.program(offset, bytes.subarray(0, k), this.strict);
      if (k < bytes.length) {
        const someZeros = bytes[k] | this.random.int(0, 255);
        this.mem.andByte(offset + k, someZeros);
      }
      this.cut(`write of ${bytes.length} bytes at 0x${offset.toString(16)}`);
    }
    this.mem.program(offset, bytes, this.strict);
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
