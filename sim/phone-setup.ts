// Builds a phone for the simulation: its flash (in memory, or a file with --flash), provisioned at the
// factory with a signed image of its family, the dev key as its trusted key, and the Phone itself.
import { provisionFactoryImage } from '../firmware/boot/flash-factory.ts';
import { planFlashLayout, type FlashLayout } from '../firmware/boot/flash-layout.ts';
import { formatVersion, parseVersion, type FirmwareVersion } from '../firmware/boot/image-version.ts';
import type { Flash } from '../firmware/hal.ts';
import type { Profile } from '../firmware/profile.ts';
import { Bootloader } from '../firmware/boot/bootloader.ts';
import { devTrustedKey } from './controller/dev-keys/index.ts';
import { DEFAULT_FIRMWARE_VERSION, DEFAULT_PAYLOAD_SIZE } from './controller/firmware-store/firmware-images.ts';
import { FirmwareStore } from './controller/firmware-store/firmware-store.ts';
import { FileFlash } from './flash-file.ts';
import { MemoryFlash } from './flash-memory.ts';

/** 4 KiB sectors and 4 MiB slots: room for the 2 MiB images of the download benchmark. */
export const SIM_FLASH_LAYOUT: FlashLayout = planFlashLayout({ sectorSize: 4096, slotSize: 4 * 1024 * 1024 });

export interface PhoneFlashOptions {
  profile: Profile;
  /** The version the phone left the factory with. */
  factoryVersion?: FirmwareVersion;
  /** Keep the flash in this file across runs (`--flash FILE`). */
  path?: string;
  layout?: FlashLayout;
  seed?: number;
}

export function parseFirmwareVersion(text: string, what: string): FirmwareVersion {
  const v = parseVersion(text);
  if (!v.ok) throw new Error(`${what}: ${v.reason}`);
  return v.version;
}

/** A flash holding a bootable factory image (unless the file given already holds one). */
export function phoneFlash(o: PhoneFlashOptions): { flash: Flash & { close?(): void }; layout: FlashLayout } {
  const layout = o.layout ?? SIM_FLASH_LAYOUT;
  const flash = o.path
    ? FileFlash.open(o.path, { size: layout.totalSize, sectorSize: layout.sectorSize })
    : new MemoryFlash({ size: layout.totalSize, sectorSize: layout.sectorSize, seed: o.seed });
  const family = o.profile.firmware?.family;
  if (!family) throw new Error(`profile ${o.profile.id} runs no firmware of its own (a key module?)`);
  // inspect() reads without writing: boot() would start a pending image's one trial run
  const found = new Bootloader({ flash, layout, trustedKeys: [devTrustedKey()], family }).inspect();
  if (!found.slots.A.header && !found.slots.B.header) {
    const store = new FirmwareStore();
    const image = store.putGenerated('factory', {
      family,
      version: o.factoryVersion ?? DEFAULT_FIRMWARE_VERSION,
      payloadSize: DEFAULT_PAYLOAD_SIZE,
      seed: o.seed ?? 1,
    });
    const done = provisionFactoryImage(flash, layout, image);
    if (!done.ok) throw new Error(`cannot provision the factory image: ${done.reason}`);
  }
  return { flash, layout };
}

export { formatVersion };
