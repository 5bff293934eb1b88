// The A/B flash that cannot brick: upgrades go to the slot we are NOT running, are verified from flash
// before they count, run once in test mode, and are kept only once confirmed (MCUboot's test/confirm
// model). Every state change is one boot-record write, and the record survives a cut at any write, so a
// power loss at any moment leaves a flash that boots the old image or the new one, never a corrupt one.
//
// This object is RAM: after a flash fault (a power cut) throw it away and build a new one, as a real
// phone would after the reset.
import type { Flash, Tracer } from '../hal.ts';
import { nullTracer } from '../hal.ts';
import { layoutFits, otherSlot, type FlashLayout, type SlotName } from './flash-layout.ts';
import { readBootRecord, writeBootRecord, type BootRecord, type SlotState, type StoredBootRecord } from './flash-boot-record.ts';
import { readSlotHeader, verifySlot, type SlotHeaderRead } from './flash-slot.ts';
import { imageLength, verifyHeaderSignature, type ImageHeader } from './image.ts';
import type { TrustedKey } from './image-keys.ts';
import { formatVersion } from './image-version.ts';
import type { StreamFailure } from './image-verifier.ts';

export interface BootloaderOptions {
  flash: Flash;
  layout: FlashLayout;
  trustedKeys: readonly TrustedKey[];
  /** The phone's model family: images for another family are refused and never booted. */
  family?: string;
  tracer?: Tracer;
}

export type BootMode = 'normal' | 'test';

export type BootResult =
  | { ok: true; slot: SlotName; mode: BootMode; header: ImageHeader }
  | { ok: false; reason: 'no-valid-image'; message: string };

export interface SlotInfo {
  state: SlotState;
  /** The header in flash, if one parses (not a verification: boot() and finishUpgrade() do that). */
  header?: ImageHeader;
  version?: string;
}

export interface FlashInspection {
  seq: number;
  active: SlotName;
  running?: SlotName;
  mode?: BootMode;
  upgrading?: SlotName;
  slots: Record<SlotName, SlotInfo>;
}

export type UpgradeFailure =
  | StreamFailure // the image itself: header form, signature, hash, family, size
  | 'unconfirmed' // running an unconfirmed image in test mode: confirm (or reboot) before upgrading again
  | 'no-upgrade' // writeChunk/finishUpgrade without beginUpgrade
  | 'out-of-range'
  | 'header-changed'
  | 'not-booted';

export type StepResult = { ok: true } | { ok: false; reason: UpgradeFailure; message: string };

interface Upgrade {
  slot: SlotName;
  header: ImageHeader;
  length: number;
  erased: Set<number>;
  wrote: boolean;
}

export class Bootloader {
  private readonly flash: Flash;
  private readonly layout: FlashLayout;
  private readonly tracer: Tracer;
  private runningSlot: { slot: SlotName; mode: BootMode } | undefined;
  private upgrade: Upgrade | undefined;

  constructor(private readonly options: BootloaderOptions) {
    this.flash = options.flash;
    this.layout = options.layout;
    this.tracer = options.tracer ?? nullTracer;
    if (!layoutFits(this.layout, this.flash)) {
      throw new RangeError('flash does not match the layout (sector size or size)');
    }
  }

  /** What boot() chose, if it ran. */
  get running(): { slot: SlotName; mode: BootMode } | undefined {
    return this.runningSlot;
  }

  inspect(): FlashInspection {
    const { record } = readBootRecord(this.flash, this.layout);
    const slot = (name: SlotName): SlotInfo => {
      const read = readSlotHeader(this.flash, this.layout.slots[name]);
      return read.ok
        ? { state: record.states[name], header: read.header, version: formatVersion(read.header.version) }
        : { state: record.states[name] };
    };
    return {
      seq: record.seq,
      active: record.active,
      running: this.runningSlot?.slot,
      mode: this.runningSlot?.mode,
      upgrading: this.upgrade?.slot,
      slots: { A: slot('A'), B: slot('B') },
    };
  }

  /**
   * The bootloader. A pending slot is tried once, in test mode (marked 'testing' BEFORE it runs, so an
   * image that dies before confirm() is reverted on the next boot); otherwise the active slot; if that
   * fails verification, the other slot if it verifies. Nothing that fails verification ever runs.
   */
  boot(): BootResult {
    this.runningSlot = undefined;
    this.upgrade = undefined;
    let stored = readBootRecord(this.flash, this.layout);
    const active = stored.record.active;
    const other = otherSlot(active);

    if (stored.record.states[other] === 'testing') {
      // it was given its one chance and did not confirm: back to the known good image
      this.trace(other, 'revert');
      stored = this.setStates(stored, active, { [other]: 'rejected' });
    }
    if (stored.record.states[other] === 'pending') {
      stored = this.setStates(stored, active, { [other]: 'testing' });
      const v = this.verify(other);
      if (v.ok) return this.booted(other, 'test', v.header);
      this.trace(other, 'verify-fail');
      stored = this.setStates(stored, active, { [other]: 'rejected' });
    }

    const a = this.verify(active);
    if (a.ok) return this.booted(active, 'normal', a.header);
    this.trace(active, 'verify-fail');

    // the active image is damaged: any other image that verifies beats a dead phone
    const o = this.verify(other);
    if (o.ok) {
      this.trace(other, 'revert');
      this.setStates(stored, other, { [other]: 'confirmed', [active]: 'rejected' });
      return this.booted(other, 'normal', o.header);
    }
    return { ok: false, reason: 'no-valid-image', message: `no valid image: slot ${active}: ${a.message}; slot ${other}: ${o.message}` };
  }

  /** The running test image reached idle: keep it. A no-op for an image that is already confirmed. */
  confirm(): StepResult {
    const run = this.runningSlot;
    if (!run) return { ok: false, reason: 'not-booted', message: 'nothing is running to confirm' };
    if (run.mode === 'normal') return { ok: true };
    const stored = readBootRecord(this.flash, this.layout);
    this.setStates(stored, run.slot, { [run.slot]: 'confirmed' });
    this.runningSlot = { slot: run.slot, mode: 'normal' };
    this.trace(run.slot, 'confirm');
    return { ok: true };
  }

  /**
   * Starts writing `header`'s image to the slot we are not running. Refuses, before touching flash, an
   * image that is unsigned, for another family or too large. Sectors are erased as the writes reach them.
   */
  beginUpgrade(header: ImageHeader): StepResult & { slot?: SlotName } {
    this.upgrade = undefined;
    if (this.runningSlot?.mode === 'test') {
      return { ok: false, reason: 'unconfirmed', message: 'the running image is not confirmed yet' };
    }
    const refused = this.refuseHeader(header);
    if (refused) return refused;
    const stored = readBootRecord(this.flash, this.layout);
    const slot = otherSlot(this.runningSlot?.slot ?? stored.record.active);
    const length = imageLength(header);
    if (length > this.layout.slots[slot].size) {
      return { ok: false, reason: 'too-large', message: `image of ${length} bytes does not fit the ${this.layout.slots[slot].size}-byte slot` };
    }
    // the record says 'writing' before the first erase: a half-written slot is never taken at its word
    this.setStates(stored, stored.record.active, { [slot]: 'writing' });
    this.upgrade = { slot, header, length, erased: new Set(), wrote: false };
    return { ok: true, slot };
  }

  /** Writes image bytes (offset 0 is the header's first byte), erasing each sector on first touch. */
  writeChunk(offset: number, bytes: Uint8Array): StepResult {
    const up = this.upgrade;
    if (!up) return { ok: false, reason: 'no-upgrade', message: 'no upgrade in progress' };
    if (!Number.isInteger(offset) || offset < 0 || offset + bytes.length > up.length) {
      return { ok: false, reason: 'out-of-range', message: `bytes ${offset}..${offset + bytes.length} outside the ${up.length}-byte image` };
    }
    if (bytes.length === 0) return { ok: true };
    const region = this.layout.slots[up.slot];
    const size = this.layout.sectorSize;
    const first = Math.floor(offset / size);
    const last = Math.floor((offset + bytes.length - 1) / size);
    for (let s = first; s <= last; s++) {
      if (up.erased.has(s)) continue;
      if (up.erased.size === 0) this.trace(up.slot, 'erase');
      this.flash.erase(region.firstSector + s);
      up.erased.add(s);
    }
    if (!up.wrote) this.trace(up.slot, 'write');
    up.wrote = true;
    this.flash.write(region.offset + offset, bytes);
    return { ok: true };
  }

  /**
   * Reads the slot back and verifies hash and signature of what is IN FLASH; only then marks it
   * 'pending' (to be tried once on the next boot). A failure marks it 'rejected'; the old image stays.
   */
  finishUpgrade(): StepResult & { slot?: SlotName; header?: ImageHeader } {
    const up = this.upgrade;
    if (!up) return { ok: false, reason: 'no-upgrade', message: 'no upgrade in progress' };
    this.upgrade = undefined;
    let v: SlotHeaderRead | { ok: false; reason: UpgradeFailure; message: string } = this.verify(up.slot);
    if (v.ok && !Buffer.from(v.header.signedBytes).equals(Buffer.from(up.header.signedBytes))) {
      v = { ok: false, reason: 'header-changed', message: 'the image in flash is not the one the upgrade began with' };
    }
    const stored = readBootRecord(this.flash, this.layout);
    if (!v.ok) {
      this.trace(up.slot, 'verify-fail');
      this.setStates(stored, stored.record.active, { [up.slot]: 'rejected' });
      return v;
    }
    this.trace(up.slot, 'verify-ok');
    this.setStates(stored, stored.record.active, { [up.slot]: 'pending' });
    this.trace(up.slot, 'pending');
    return { ok: true, slot: up.slot, header: v.header };
  }

  /** Forgets an upgrade whose download failed; the slot stays 'writing' and is never booted. */
  abandonUpgrade(): void {
    this.upgrade = undefined;
  }

  private refuseHeader(header: ImageHeader): StepResult | undefined {
    if (this.options.family !== undefined && header.family !== this.options.family) {
      return { ok: false, reason: 'wrong-family', message: `image is for the ${header.family} family, not ${this.options.family}` };
    }
    const signed = verifyHeaderSignature(header, this.options.trustedKeys);
    return signed.ok ? undefined : signed;
  }

  private verify(slot: SlotName): SlotHeaderRead {
    return verifySlot(this.flash, this.layout.slots[slot], { trustedKeys: this.options.trustedKeys, family: this.options.family });
  }

  private booted(slot: SlotName, mode: BootMode, header: ImageHeader): BootResult {
    this.runningSlot = { slot, mode };
    this.trace(slot, 'boot');
    return { ok: true, slot, mode, header };
  }

  private setStates(
    stored: StoredBootRecord,
    active: SlotName,
    changes: Partial<Record<SlotName, SlotState>>,
  ): StoredBootRecord {
    const states = { ...stored.record.states, ...changes } as BootRecord['states'];
    return writeBootRecord(this.flash, this.layout, stored, { active, states });
  }

  private trace(slot: SlotName, op: string): void {
    this.tracer.record({ kind: 'flash', slot, op });
  }
}
