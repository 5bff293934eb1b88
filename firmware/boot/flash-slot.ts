// Reading a slot back from flash: its header (cheap, for inspect and the version check) and a full
// verification (hash + signature of the bytes actually IN FLASH, read in pieces, never trusted from RAM).
import { createHash } from 'node:crypto';
import type { Flash } from '../hal.ts';
import type { FlashRegion } from './flash-layout.ts';
import { IMAGE_HEADER_LENGTH, imageLength, parseImageHeader, verifyImage, type ImageHeader } from './image.ts';
import type { TrustedKey } from './image-keys.ts';
import type { StreamFailure } from './image-verifier.ts';

/** How much flash one verification step reads: bounded RAM, whatever the image size. */
const READ_CHUNK = 16 * 1024;

export type SlotHeaderRead = { ok: true; header: ImageHeader } | { ok: false; reason: StreamFailure; message: string };

export function readSlotHeader(flash: Flash, region: FlashRegion): SlotHeaderRead {
  const parsed = parseImageHeader(flash.read(region.offset, IMAGE_HEADER_LENGTH));
  if (!parsed.ok) return parsed;
  if (imageLength(parsed.header) > region.size) {
    return { ok: false, reason: 'too-large', message: `image of ${imageLength(parsed.header)} bytes overflows its slot` };
  }
  return parsed;
}

export interface SlotCheck {
  trustedKeys: readonly TrustedKey[];
  /** When set, an image for another family is refused even if it is signed. */
  family?: string;
}

/** Verifies the image in a slot from flash. Never throws on content (flash faults do propagate). */
export function verifySlot(flash: Flash, region: FlashRegion, check: SlotCheck): SlotHeaderRead {
  const read = readSlotHeader(flash, region);
  if (!read.ok) return read;
  const header = read.header;
  if (check.family !== undefined && header.family !== check.family) {
    return { ok: false, reason: 'wrong-family', message: `slot holds a ${header.family} image, not ${check.family}` };
  }
  const hash = createHash('sha256');
  const start = region.offset + header.headerLength;
  for (let done = 0; done < header.payloadLength; done += READ_CHUNK) {
    hash.update(flash.read(start + done, Math.min(READ_CHUNK, header.payloadLength - done)));
  }
  const verdict = verifyImage(header, hash.digest(), check.trustedKeys);
  return verdict.ok ? { ok: true, header } : verdict;
}
