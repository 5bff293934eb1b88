// The factory image: what the production line writes into a blank phone, so the very first boot has
// a signed image in slot A that is already confirmed (there is nothing older to fall back to).
import type { Flash } from '../hal.ts';
import type { FlashLayout } from './flash-layout.ts';
import { BLANK_BOOT_RECORD, writeBootRecord } from './flash-boot-record.ts';
import { imageLength, parseImageHeader } from './image.ts';

export type ProvisionResult = { ok: true } | { ok: false; reason: string };

/**
 * Erases the boot record and both slots' first sectors (no stale header survives), writes `image` to
 * slot A and a record naming A active and confirmed. It does not check the signature: boot() does.
 */
export function provisionFactoryImage(flash: Flash, layout: FlashLayout, image: Uint8Array): ProvisionResult {
  const parsed = parseImageHeader(image);
  if (!parsed.ok) return { ok: false, reason: parsed.message };
  const length = imageLength(parsed.header);
  if (length !== image.length) return { ok: false, reason: `image is ${image.length} bytes, its header says ${length}` };
  const slot = layout.slots.A;
  if (length > slot.size) return { ok: false, reason: `image of ${length} bytes does not fit the ${slot.size}-byte slot` };
  if (flash.sectorSize !== layout.sectorSize || flash.size < layout.totalSize) {
    return { ok: false, reason: 'flash does not match the layout' };
  }

  for (const copy of layout.bootRecord) flash.erase(copy.firstSector);
  flash.erase(layout.slots.B.firstSector);
  const sectors = Math.ceil(length / layout.sectorSize);
  for (let s = 0; s < sectors; s++) flash.erase(slot.firstSector + s);
  flash.write(slot.offset, image);
  writeBootRecord(flash, layout, { record: BLANK_BOOT_RECORD, copy: undefined }, {
    active: 'A',
    states: { A: 'confirmed', B: 'empty' },
  });
  return { ok: true };
}
