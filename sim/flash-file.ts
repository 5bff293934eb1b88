// A file-backed flash for `--flash FILE`: the phone keeps its images (and its boot record) across runs,
// as a real one keeps them across power cycles. Created blank (all 0xff) if absent. Reads come from a
// copy in memory; every program and erase is written through to the file at once, so a killed process
// loses nothing that the flash had finished.
import { closeSync, existsSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import type { Flash } from '../firmware/hal.ts';
import { checkGeometry, checkRange, checkSector, programNor } from './flash-memory.ts';

export interface FileFlashOptions {
  size: number;
  sectorSize: number;
  /** Throw on a 0->1 write instead of ANDing silently (default true). */
  strict?: boolean;
}

export class FileFlash implements Flash {
  readonly size: number;
  readonly sectorSize: number;
  private readonly mem: Uint8Array;
  private fd: number | undefined;

  private constructor(
    readonly path: string,
    fd: number,
    mem: Uint8Array,
    sectorSize: number,
    private readonly strict: boolean,
  ) {
    this.fd = fd;
    this.mem = mem;
    this.size = mem.length;
    this.sectorSize = sectorSize;
  }

  /** Opens (or creates blank) the flash file. Throws if an existing file has another size. */
  static open(path: string, options: FileFlashOptions): FileFlash {
    checkGeometry(options.size, options.sectorSize);
    const created = !existsSync(path);
    const fd = openSync(path, created ? 'w+' : 'r+');
    try {
      const mem = new Uint8Array(options.size).fill(0xff);
      if (created) {
        writeSync(fd, mem, 0, mem.length, 0);
      } else {
        const actual = fstatSync(fd).size;
        if (actual !== options.size) {
          throw new Error(`flash file ${path} is ${actual} bytes, expected ${options.size}`);
        }
        let done = 0;
        while (done < mem.length) done += readSync(fd, mem, done, mem.length - done, done);
      }
      return new FileFlash(path, fd, mem, options.sectorSize, options.strict ?? true);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  read(offset: number, length: number): Uint8Array {
    checkRange(this, offset, length);
    return this.mem.slice(offset, offset + length);
  }

  erase(sectorIndex: number): void {
    checkSector(this, sectorIndex);
    const start = sectorIndex * this.sectorSize;
    this.mem.fill(0xff, start, start + this.sectorSize);
    this.persist(start, this.sectorSize);
  }

  write(offset: number, bytes: Uint8Array): void {
    checkRange(this, offset, bytes.length);
    programNor(this.mem, offset, bytes, this.strict);
    this.persist(offset, bytes.length);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private persist(offset: number, length: number): void {
    if (this.fd === undefined) throw new Error(`flash file ${this.path} is closed`);
    writeSync(this.fd, this.mem, offset, length, offset);
  }
}
