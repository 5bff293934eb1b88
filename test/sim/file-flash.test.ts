import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bootloader } from '../../firmware/boot/bootloader.ts';
import { provisionFactoryImage } from '../../firmware/boot/flash-factory.ts';
import { FileFlash } from '../../sim/flash-file.ts';
import { FlashProgramError } from '../../sim/flash-memory.ts';
import { DEV_KEYS, headerOf, LAYOUT, NEW, OLD, SECTOR, writeImage } from '../support/flash.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempFile(): string {
  const d = mkdtempSync(join(tmpdir(), 'hotdesk-flash-'));
  dirs.push(d);
  return join(d, 'phone.flash');
}
const geometry = { size: LAYOUT.totalSize, sectorSize: SECTOR };

describe('FileFlash', () => {
  it('is created blank and keeps what was written across instances', () => {
    const path = tempFile();
    const a = FileFlash.open(path, geometry);
    expect(statSync(path).size).toBe(LAYOUT.totalSize);
    expect(a.read(0, 3)).toEqual(new Uint8Array([0xff, 0xff, 0xff]));
    a.write(5000, new Uint8Array([1, 2, 3]));
    a.close();
    const b = FileFlash.open(path, geometry);
    expect(b.read(5000, 3)).toEqual(new Uint8Array([1, 2, 3]));
    expect(() => b.write(5000, new Uint8Array([0xff]))).toThrow(FlashProgramError);
    b.erase(Math.floor(5000 / SECTOR));
    b.close();
    expect(FileFlash.open(path, geometry).read(5000, 3)).toEqual(new Uint8Array([0xff, 0xff, 0xff]));
  });

  it('keeps an upgraded, confirmed phone across runs (the --flash FILE use)', () => {
    const path = tempFile();
    const run1 = FileFlash.open(path, geometry);
    expect(provisionFactoryImage(run1, LAYOUT, OLD).ok).toBe(true);
    const bl = new Bootloader({ flash: run1, layout: LAYOUT, trustedKeys: DEV_KEYS });
    bl.boot();
    bl.beginUpgrade(headerOf(NEW));
    writeImage(bl, NEW);
    expect(bl.finishUpgrade().ok).toBe(true);
    run1.close(); // the process ends between the upgrade and the reboot

    const run2 = FileFlash.open(path, geometry);
    const bl2 = new Bootloader({ flash: run2, layout: LAYOUT, trustedKeys: DEV_KEYS });
    expect(bl2.boot()).toMatchObject({ ok: true, slot: 'B', mode: 'test' });
    bl2.confirm();
    run2.close();

    const run3 = FileFlash.open(path, geometry);
    expect(new Bootloader({ flash: run3, layout: LAYOUT, trustedKeys: DEV_KEYS }).boot()).toMatchObject({ slot: 'B', mode: 'normal', header: { version: [1, 0, 0, 2] } });
    run3.close();
  });

  it('holds in memory only the sectors that are not blank, after a write and after reopening', () => {
    const path = tempFile();
    const a = FileFlash.open(path, geometry);
    expect(a.storedBytes).toBe(0);
    a.write(3 * SECTOR + 10, new Uint8Array([1, 2]));
    expect(a.storedBytes).toBe(SECTOR);
    a.close();
    const b = FileFlash.open(path, geometry);
    expect(b.storedBytes).toBe(SECTOR);
    expect([...b.read(3 * SECTOR + 9, 4)]).toEqual([0xff, 1, 2, 0xff]);
    b.erase(3);
    expect(b.storedBytes).toBe(0);
    b.close();
    expect(FileFlash.open(path, geometry).storedBytes).toBe(0);
  });

  it('refuses a file of the wrong size rather than guess', () => {
    const path = tempFile();
    writeFileSync(path, Buffer.alloc(1000));
    expect(() => FileFlash.open(path, geometry)).toThrow(/expected/);
  });
});
