// Shared fixtures for the flash tests: small geometry (so a power cut at every operation stays fast),
// images signed with the committed dev key, and a provisioned factory flash.
import { generateKeyPairSync } from 'node:crypto';
import type { TraceRecord, Tracer } from '../../firmware/hal.ts';
import { Bootloader } from '../../firmware/boot/bootloader.ts';
import { planFlashLayout, type FlashLayout, type SlotName } from '../../firmware/boot/flash-layout.ts';
import { provisionFactoryImage } from '../../firmware/boot/flash-factory.ts';
import { parseImageHeader, type ImageHeader } from '../../firmware/boot/image.ts';
import { keyIdOf, type TrustedKey } from '../../firmware/boot/image-keys.ts';
import type { FirmwareVersion } from '../../firmware/boot/image-version.ts';
import { devTrustedKey } from '../../sim/controller/dev-keys/index.ts';
import { generatePayload } from '../../sim/controller/firmware-store/payload.ts';
import { buildImage } from '../../sim/controller/firmware-store/signing.ts';
import { MemoryFlash } from '../../sim/flash-memory.ts';

export const SECTOR = 1024;
export const LAYOUT: FlashLayout = planFlashLayout({ sectorSize: SECTOR, slotSize: 80 * SECTOR });
export const PAYLOAD_SIZE = 64 * 1024;
export const DEV_KEYS: TrustedKey[] = [devTrustedKey()];

export function image(version: FirmwareVersion, seed: number, family = '53xx', size = PAYLOAD_SIZE): Uint8Array {
  return buildImage({ family, version, payload: generatePayload(size, seed) });
}

export const OLD = image([1, 0, 0, 1], 1);
export const NEW = image([1, 0, 0, 2], 2);

export function headerOf(img: Uint8Array): ImageHeader {
  const p = parseImageHeader(img);
  if (!p.ok) throw new Error(p.message);
  return p.header;
}

/** A key pair the phone does not trust. */
export function rogueKey() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, trusted: { keyId: keyIdOf(publicKey), publicKey } as TrustedKey };
}

/** A blank flash provisioned at the factory with `img` in slot A. */
export function factoryFlash(img: Uint8Array = OLD, seed = 1): MemoryFlash {
  const flash = new MemoryFlash({ size: LAYOUT.totalSize, sectorSize: SECTOR, seed });
  const r = provisionFactoryImage(flash, LAYOUT, img);
  if (!r.ok) throw new Error(r.reason);
  return flash;
}

export class RecordingTracer implements Tracer {
  readonly records: TraceRecord[] = [];
  record(rec: TraceRecord): void {
    this.records.push(rec);
  }
  flashOps(): string[] {
    return this.records.flatMap((r) => (r.kind === 'flash' ? [`${r.slot}:${r.op}`] : []));
  }
}

export function bootloader(flash: MemoryFlash, tracer?: Tracer, family?: string): Bootloader {
  return new Bootloader({ flash, layout: LAYOUT, trustedKeys: DEV_KEYS, tracer, family });
}

/** Streams `img` into the bootloader in TFTP-sized pieces. */
export function writeImage(bl: Bootloader, img: Uint8Array, chunk = 512): void {
  for (let off = 0; off < img.length; off += chunk) {
    const r = bl.writeChunk(off, img.subarray(off, Math.min(img.length, off + chunk)));
    if (!r.ok) throw new Error(r.message);
  }
}

/** The bytes of an image-sized window at the start of a slot. */
export function slotBytes(flash: MemoryFlash, slot: SlotName, length: number): Uint8Array {
  return flash.read(LAYOUT.slots[slot].offset, length);
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}
