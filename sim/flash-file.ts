// A file-backed flash for `--flash FILE`: the phone keeps its images (and its boot record) across runs,
// as a real one keeps them across power cycles. Created blank (all 0xff) if absent. Reads come from a
// sparse copy in memory (only the sectors that hold something, as the in-memory flash keeps them); every
// program and erase is written through to the file at once, so a killed process loses nothing that the
// flash had finished.
import { closeSync, existsSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import type { Flash } from '../firmware/hal.ts';
import { checkGeometry, checkRange, checkSector, SectorStore } from './flash-memory.ts';

export interface FileFlashOptions {
  size: number;
  sectorSize: number;
  /** Throw on a 0->1 write instead of ANDing silently (default true). */
  strict?: boolean;
}

export class FileFlash implements Flash {
  readonly size: number;
  readonly sectorSize: number;
  private readonly mem: SectorStore;
  private fd: number | undefined;

  private constructor(
    readonly path: string,
    fd: number,
    mem: SectorStore,
    private readonly strict: boolean,
  ) {
    this.fd = fd;
    this.mem = mem;
    this.size = mem.size;
    this.sectorSize = mem.sectorSize;
  }

  /** Opens (or creates blank) the flash file. Throws if an existing file has another size. */
  static open(path: string, options: FileFlashOptions): FileFlash {
    checkGeometry(options.size, options.sectorSize);
    const created = !existsSync(path);
    const fd = openSync(path, created ? 'w+' : 'r+');
    try {
      const mem = new SectorStore(options.size, options.sectorSize);
      // one sector at a time: the file is read (or laid down blank) without holding all of it at once
      const sector = new Uint8Array(options.sectorSize);
      if (created) {
        sector.fill(0xff);
        for (let at = 0; at < options.size; at += sector.length) writeSync(fd, sector, 0, sector.length, at);
      } else {
        const actual = fstatSync(fd).size;
        if (actual !== options.size) {
          throw new Error(`flash file ${path} is ${actual} bytes, expected ${options.size}`);
        }
        for (let at = 0; at < options.size; at += sector.length) {
          let done = 0;
          while (done < sector.length) done += readSync(fd, sector, done, sector.length - done, at + done);
          mem.load(sector, at);
        }
      }
      return new FileFlash(path, fd, mem, options.strict ?? true);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  /** Bytes held in memory: the sectors that are not blank. */
  get storedBytes(): number {
    return this.mem.storedBytes;
  }

  read(offset: number, length: number): Uint8Array {
    checkRange(this, offset, length);
    return this.mem.read(offset, length);
  }

  erase(sectorIndex: number): void {
    checkSector(this, sectorIndex);
    this.mem.erase(sectorIndex);
    this.persist(sectorIndex * this.sectorSize, this.sectorSize);
  }

  write(offset: number, bytes: Uint8Array): void {
    checkRange(this, offset, bytes.length);
    this.mem.program(offset, bytes, this.strict);
    this.persist(offset, bytes.length);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private persist(offset: number, length: number): void {
    if (this.fd === undefined) throw new Error(`flash file ${this.path} is closed`);
    writeSync(this.fd, this.mem.read(offset, length), 0, length, offset);
  }
}
