// Builds a phone for the simulation: its flash (in memory, or a file with --flash), provisioned at the
// factory with a signed image of its family, the dev key as its trusted key, and the Phone itself.
// The factory flash of a (layout, family, version, seed) is built and signed once per process and
// frozen: every in-memory phone of that kind starts from it (copy on write, sim/flash-memory.ts), so a
// fleet of phones costs one signature and one image, not one each.
import { provisionFactoryImage } from '../firmware/boot/flash-factory.ts';
import { planFlashLayout, type FlashLayout } from '../firmware/boot/flash-layout.ts';
import { formatVersion, parseVersion, type FirmwareVersion } from '../firmware/boot/image-version.ts';
import type { Flash } from '../firmware/hal.ts';
import type { Profile } from '../firmware/profile.ts';
import { Bootloader } from '../firmware/boot/bootloader.ts';
import { devTrustedKey } from './controller/dev-keys/index.ts';
import { DEFAULT_FIRMWARE_VERSION, DEFAULT_PAYLOAD_SIZE } from './controller/firmware-store/firmware-images.ts';
import { buildImage } from './controller/firmware-store/signing.ts';
import { generatePayload } from './controller/firmware-store/payload.ts';
import { FileFlash } from './flash-file.ts';
import { MemoryFlash, type FlashBase } from './flash-memory.ts';

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

/** What a factory image is made of: one signed image (and one frozen flash) per distinct value. */
interface FactorySpec {
  family: string;
  version: FirmwareVersion;
  seed: number;
}

const factoryImages = new Map<string, Uint8Array>();
const factoryBases = new Map<string, FlashBase>();
let trustedKey: ReturnType<typeof devTrustedKey> | undefined;

function specKey(s: FactorySpec): string {
  return `${s.family}/${formatVersion(s.version)}/${s.seed}`;
}

/** The signed factory image of `spec`, built once per process (signing is the costly part). */
export function factoryImage(spec: FactorySpec): Uint8Array {
  const key = specKey(spec);
  let image = factoryImages.get(key);
  if (!image) {
    image = buildImage({ family: spec.family, version: spec.version, payload: generatePayload(DEFAULT_PAYLOAD_SIZE, spec.seed) });
    factoryImages.set(key, image);
  }
  return image;
}

/** A flash of `layout` as it leaves the factory with `spec`'s image, frozen for every phone to share. */
function factoryBase(layout: FlashLayout, spec: FactorySpec): FlashBase {
  const key = `${layout.sectorSize}/${layout.totalSize}/${specKey(spec)}`;
  let base = factoryBases.get(key);
  if (!base) {
    const flash = new MemoryFlash({ size: layout.totalSize, sectorSize: layout.sectorSize });
    provision(flash, layout, spec);
    base = flash.freeze();
    factoryBases.set(key, base);
  }
  return base;
}

function provision(flash: Flash, layout: FlashLayout, spec: FactorySpec): void {
  const done = provisionFactoryImage(flash, layout, factoryImage(spec));
  if (!done.ok) throw new Error(`cannot provision the factory image: ${done.reason}`);
}

/** A flash holding a bootable factory image (unless the file given already holds one). */
export function phoneFlash(o: PhoneFlashOptions): { flash: Flash & { close?(): void }; layout: FlashLayout } {
  const layout = o.layout ?? SIM_FLASH_LAYOUT;
  const family = o.profile.firmware?.family;
  if (!family) throw new Error(`profile ${o.profile.id} runs no firmware of its own (a key module?)`);
  const spec: FactorySpec = { family, version: o.factoryVersion ?? DEFAULT_FIRMWARE_VERSION, seed: o.seed ?? 1 };
  if (!o.path) {
    // a fresh in-memory phone: the shared factory flash, copied only where this phone writes
    const flash = new MemoryFlash({ size: layout.totalSize, sectorSize: layout.sectorSize, seed: o.seed, base: factoryBase(layout, spec) });
    return { flash, layout };
  }
  const flash = FileFlash.open(o.path, { size: layout.totalSize, sectorSize: layout.sectorSize });
  trustedKey ??= devTrustedKey();
  // inspect() reads without writing: boot() would start a pending image's one trial run
  const found = new Bootloader({ flash, layout, trustedKeys: [trustedKey], family }).inspect();
  if (!found.slots.A.header && !found.slots.B.header) provision(flash, layout, spec);
  return { flash, layout };
}

export { formatVersion };
