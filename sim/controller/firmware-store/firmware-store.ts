// The controller's firmware store: images by TFTP file name, as the TFTP server serves them. In memory,
// filled from a directory, from a scenario's `firmware:` block, or built on the fly (signed with the
// dev key unless told otherwise) from a generated payload.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import type { FirmwareVersion } from '../../../firmware/boot/image-version.ts';
import { generatePayload } from './payload.ts';
import { buildImage } from './signing.ts';

export interface GeneratedImageSpec {
  family: string;
  version: FirmwareVersion;
  /** Payload bytes, generated deterministically from `seed` (default 1). */
  payloadSize: number;
  seed?: number;
  key?: KeyObject | string;
}

/** A TFTP file name: one path component, no separators, nothing that could climb out of a directory. */
export function isImageName(name: string): boolean {
  return name.length > 0 && name.length <= 255 && !/[/\\\0]/.test(name) && name !== '.' && name !== '..';
}

export class FirmwareStore {
  private readonly images = new Map<string, Uint8Array>();

  constructor(images: Iterable<readonly [string, Uint8Array]> = []) {
    for (const [name, image] of images) this.put(name, image);
  }

  /** Every regular file in `dir`, by its file name. */
  static fromDirectory(dir: string): FirmwareStore {
    const store = new FirmwareStore();
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (isImageName(name) && statSync(path).isFile()) store.put(name, new Uint8Array(readFileSync(path)));
    }
    return store;
  }

  put(name: string, image: Uint8Array): void {
    if (!isImageName(name)) throw new Error(`"${name}" is not a valid image file name`);
    this.images.set(name, image);
  }

  /** Builds a signed image from a generated payload and stores it under `name`. */
  putGenerated(name: string, spec: GeneratedImageSpec): Uint8Array {
    const image = buildImage({
      family: spec.family,
      version: spec.version,
      payload: generatePayload(spec.payloadSize, spec.seed ?? 1),
      key: spec.key,
    });
    this.put(name, image);
    return image;
  }

  /** The image the TFTP server sends for a read request, or undefined (TFTP "file not found"). */
  get(name: string): Uint8Array | undefined {
    return this.images.get(name);
  }

  delete(name: string): boolean {
    return this.images.delete(name);
  }

  names(): string[] {
    return [...this.images.keys()].sort();
  }
}
