// Where things live in the phone's flash, as plain data: two boot-record sectors (the two alternating
// copies of the boot record), then slot A, then slot B. Sizes come from the caller (the model's profile).
import type { Flash } from '../hal.ts';

export type SlotName = 'A' | 'B';
export const SLOT_NAMES: readonly SlotName[] = ['A', 'B'];

export function otherSlot(slot: SlotName): SlotName {
  return slot === 'A' ? 'B' : 'A';
}

export interface FlashRegion {
  readonly offset: number;
  readonly size: number;
  readonly firstSector: number;
  readonly sectorCount: number;
}

export interface FlashLayout {
  readonly sectorSize: number;
  /** Bytes the layout needs: the flash may be larger. */
  readonly totalSize: number;
  /** One sector per copy, so erasing one copy never touches the other. */
  readonly bootRecord: readonly [FlashRegion, FlashRegion];
  readonly slots: Readonly<Record<SlotName, FlashRegion>>;
}

export interface FlashGeometry {
  sectorSize: number;
  /** Bytes per slot: a whole number of sectors, big enough for the largest image. */
  slotSize: number;
}

/** A desk phone's flash: 4 KiB sectors, 4 MiB slots. */
export const DEFAULT_FLASH_GEOMETRY: FlashGeometry = { sectorSize: 4096, slotSize: 4 * 1024 * 1024 };

/** Lays out the flash. Throws on impossible sizes: those are configuration bugs, not input. */
export function planFlashLayout(geometry: FlashGeometry = DEFAULT_FLASH_GEOMETRY): FlashLayout {
  const { sectorSize, slotSize } = geometry;
  if (!Number.isInteger(sectorSize) || sectorSize < 64) throw new RangeError(`sector size ${sectorSize} is too small`);
  if (!Number.isInteger(slotSize) || slotSize <= 0 || slotSize % sectorSize !== 0) {
    throw new RangeError(`slot size ${slotSize} is not a whole number of ${sectorSize}-byte sectors`);
  }
  const region = (firstSector: number, sectorCount: number): FlashRegion => ({
    offset: firstSector * sectorSize,
    size: sectorCount * sectorSize,
    firstSector,
    sectorCount,
  });
  const slotSectors = slotSize / sectorSize;
  return {
    sectorSize,
    totalSize: (2 + 2 * slotSectors) * sectorSize,
    bootRecord: [region(0, 1), region(1, 1)],
    slots: { A: region(2, slotSectors), B: region(2 + slotSectors, slotSectors) },
  };
}

/** Whether a flash device can hold a layout (same sector size, enough bytes). */
export function layoutFits(layout: FlashLayout, flash: Flash): boolean {
  return flash.sectorSize === layout.sectorSize && flash.size >= layout.totalSize;
}
