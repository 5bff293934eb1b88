// Fills the controller's firmware store from its config: each listed image built (signed with the dev
// key), under the TFTP names the profiles of its family ask for; a tampered one has a payload byte
// flipped after signing, so its hash no longer matches what the signature vouches for.
import type { FirmwareVersion } from '../../../firmware/boot/image-version.ts';
import { IMAGE_HEADER_LENGTH } from '../../../firmware/boot/image.ts';
import type { Profile } from '../../../firmware/profile.ts';
import type { FirmwareSpec } from '../config.ts';
import { FirmwareStore } from './firmware-store.ts';

/** The version every phone ships with and the controller serves unless told otherwise. */
export const DEFAULT_FIRMWARE_VERSION: FirmwareVersion = [1, 0, 0, 0];
export const DEFAULT_PAYLOAD_SIZE = 16 * 1024;

export function buildFirmwareStore(specs: FirmwareSpec[], profiles: Iterable<Profile>): FirmwareStore {
  const store = new FirmwareStore();
  const byFamily = new Map<string, string[]>();
  for (const p of profiles) {
    if (!p.firmware) continue;
    byFamily.set(p.firmware.family, [...(byFamily.get(p.firmware.family) ?? []), p.firmware.file]);
  }
  const listed = specs.length > 0 ? specs : [...byFamily.keys()].map((family) => defaultSpec(family));
  for (const spec of listed) {
    const files = spec.file ? [spec.file] : byFamily.get(spec.family) ?? [];
    if (files.length === 0) throw new Error(`firmware for family "${spec.family}": no profile uses that family; give "file"`);
    for (const file of files) {
      const image = store.putGenerated(file, { family: spec.family, version: spec.version, payloadSize: spec.payloadSize, seed: spec.seed });
      if (spec.tampered) {
        const copy = image.slice();
        copy[IMAGE_HEADER_LENGTH + Math.floor(spec.payloadSize / 2)] ^= 0x01;
        store.put(file, copy);
      }
    }
  }
  return store;
}

export function defaultSpec(family: string, version = DEFAULT_FIRMWARE_VERSION): FirmwareSpec {
  return { family, version, payloadSize: DEFAULT_PAYLOAD_SIZE, seed: 1, tampered: false };
}
