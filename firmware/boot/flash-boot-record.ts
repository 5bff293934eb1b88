// The boot record: which slot is active and what state each slot is in. It must survive a power cut
// at any write, so there are two copies in two sectors, each with a sequence number and a CRC; an update
// always erases and rewrites the OLDER copy, so the newest valid copy is intact until the new one is
// whole. A torn copy fails its CRC (or its magic) and the other one wins (MCUboot's swap-status idea).
import { struct, u8, u32be, blob } from 'buffer-layout';
import type { Flash } from '../hal.ts';
import type { FlashLayout, SlotName } from './flash-layout.ts';
import { crc32 } from '../link/crc32.ts';

export type SlotState =
  /** Nothing known to be there. */
  | 'empty'
  /** An upgrade is erasing/writing it: never boot it on the record's word. */
  | 'writing'
  /** Written and verified from flash: boot it once, in test mode. */
  | 'pending'
  /** Booted once in test mode and not confirmed yet: if we boot again like this, revert. */
  | 'testing'
  /** Known good: it ran and reached idle. */
  | 'confirmed'
  /** Failed verification or never confirmed. */
  | 'rejected';

const STATE_CODES: readonly SlotState[] = ['empty', 'writing', 'pending', 'testing', 'confirmed', 'rejected'];

export interface BootRecord {
  /** Grows by one per write; 0 means "no record" (blank flash). */
  readonly seq: number;
  /** The slot the phone runs when nothing is pending: the last confirmed one. */
  readonly active: SlotName;
  readonly states: Readonly<Record<SlotName, SlotState>>;
}

export const BLANK_BOOT_RECORD: BootRecord = { seq: 0, active: 'A', states: { A: 'empty', B: 'empty' } };

export const BOOT_RECORD_MAGIC = 'HDBR';
export const BOOT_RECORD_FORMAT = 1;

interface RawRecord {
  magic: Buffer;
  format: number;
  active: number;
  stateA: number;
  stateB: number;
  seq: number;
  crc: number;
}

const RECORD = struct<RawRecord>([
  blob(4, 'magic'),
  u8('format'),
  u8('active'), // 0 = A, 1 = B
  u8('stateA'), // index into STATE_CODES, plus one (so neither 0x00 nor 0xff is a state)
  u8('stateB'),
  u32be('seq'),
  u32be('crc'), // CRC-32 of the 12 bytes before it; last, so a torn write cannot complete it
]);
export const BOOT_RECORD_LENGTH = RECORD.span;
const CRC_OFFSET = RECORD.offsetOf('crc')!;

export function encodeBootRecord(r: BootRecord): Buffer {
  const out = Buffer.alloc(BOOT_RECORD_LENGTH);
  RECORD.encode(
    {
      magic: Buffer.from(BOOT_RECORD_MAGIC, 'latin1'),
      format: BOOT_RECORD_FORMAT,
      active: r.active === 'A' ? 0 : 1,
      stateA: STATE_CODES.indexOf(r.states.A) + 1,
      stateB: STATE_CODES.indexOf(r.states.B) + 1,
      seq: r.seq >>> 0,
      crc: 0,
    },
    out,
  );
  out.writeUInt32BE(crc32(out.subarray(0, CRC_OFFSET)), CRC_OFFSET);
  return out;
}

export type BootRecordDecode = { ok: true; record: BootRecord } | { ok: false; reason: string };

/** Decodes one copy; never throws. Erased flash, torn writes and garbage are all "invalid". */
export function decodeBootRecord(bytes: Uint8Array): BootRecordDecode {
  if (bytes.length < BOOT_RECORD_LENGTH) return { ok: false, reason: 'short' };
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, BOOT_RECORD_LENGTH);
  const raw = RECORD.decode(b);
  if (raw.magic.toString('latin1') !== BOOT_RECORD_MAGIC) return { ok: false, reason: 'bad-magic' };
  if (raw.crc !== crc32(b.subarray(0, CRC_OFFSET))) return { ok: false, reason: 'bad-crc' };
  if (raw.format !== BOOT_RECORD_FORMAT) return { ok: false, reason: 'unsupported-format' };
  const a = STATE_CODES[raw.stateA - 1];
  const bState = STATE_CODES[raw.stateB - 1];
  if (raw.active > 1 || a === undefined || bState === undefined || raw.seq === 0) {
    return { ok: false, reason: 'bad-field' };
  }
  return { ok: true, record: { seq: raw.seq, active: raw.active === 0 ? 'A' : 'B', states: { A: a, B: bState } } };
}

export interface StoredBootRecord {
  record: BootRecord;
  /** Which copy holds it; undefined when neither copy is valid (blank flash). */
  copy: 0 | 1 | undefined;
}

/** The newest valid copy, or the blank record. */
export function readBootRecord(flash: Flash, layout: FlashLayout): StoredBootRecord {
  let best: StoredBootRecord = { record: BLANK_BOOT_RECORD, copy: undefined };
  for (const copy of [0, 1] as const) {
    const d = decodeBootRecord(flash.read(layout.bootRecord[copy].offset, BOOT_RECORD_LENGTH));
    if (d.ok && d.record.seq > best.record.seq) best = { record: d.record, copy };
  }
  return best;
}

/**
 * Writes the next record over the OLDER copy (erase its sector, program 16 bytes) and returns it.
 * A power cut anywhere in here leaves `current` as the newest valid record.
 */
export function writeBootRecord(
  flash: Flash,
  layout: FlashLayout,
  current: StoredBootRecord,
  next: Omit<BootRecord, 'seq'>,
): StoredBootRecord {
  const copy: 0 | 1 = current.copy === 0 ? 1 : 0;
  const record: BootRecord = { seq: current.record.seq + 1, active: next.active, states: { ...next.states } };
  const region = layout.bootRecord[copy];
  flash.erase(region.firstSector);
  flash.write(region.offset, encodeBootRecord(record));
  const back = decodeBootRecord(flash.read(region.offset, BOOT_RECORD_LENGTH));
  if (!back.ok || back.record.seq !== record.seq) {
    throw new Error(`boot record copy ${copy} did not read back (${back.ok ? 'stale' : back.reason})`);
  }
  return { record, copy };
}
