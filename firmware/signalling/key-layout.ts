// The key-layout payload: a user's (or a set's own) programmable keys, compact enough that a typical
// layout fits one key-layout-block. Decoding validates what the phone would otherwise have to trust
// blindly (key numbers, duplicates, types) and returns a typed reason instead of throwing.
// Two formats: 1 carries the set's own keys only (every hot desk user's layout: a PKM is disabled for
// a hot desk user); 2 adds a module byte per entry, for a set's own programming that reaches its key
// modules. The encoder writes 1 whenever it can, so a layout without module keys reads as it always did.
import { offset as offsetOf, seq, struct, u8 } from 'buffer-layout';
import { WireError, enumOf, str } from './wire-fields.ts';
import type { DecodeFailure } from './wire-fields.ts';

export const KEY_TYPES = ['empty', 'line', 'multicall', 'blf', 'speed-dial', 'feature'] as const;
export type KeyType = (typeof KEY_TYPES)[number];

/** One programmable key of a user's layout. */
export interface KeyEntry {
  /** 0 or absent: the set's own keys; M >= 1: the M-th key module (format 2 only). */
  module?: number;
  key: number; // 1-based key number, 1..255 (on the set, or on that module)
  type: KeyType;
  dn: string; // the line / monitored DN / number to dial / feature code; "" for empty
  label: string; // what the display shows next to the key; "" lets the phone choose
}

/** The newest payload format this firmware reads; a phone refuses a format it does not know. */
export const KEY_LAYOUT_FORMAT = 2;
/** Format 1: entries for the set's own keys only. Format 2: each entry starts with its module. */
export const KEY_LAYOUT_FORMAT_SET_ONLY = 1;
export const KEY_LAYOUT_FORMAT_MODULES = 2;

export type KeyLayoutFailure = DecodeFailure | 'bad-format' | 'bad-key' | 'duplicate-key';

export type KeyLayoutDecode = { ok: true; entries: KeyEntry[] } | { ok: false; reason: KeyLayoutFailure; detail: string };

const entryLayout = struct<KeyEntry>([u8('key'), enumOf(KEY_TYPES, 'type'), str('dn'), str('label')]);
const moduleEntryLayout = struct<Required<KeyEntry>>([u8('module'), u8('key'), enumOf(KEY_TYPES, 'type'), str('dn'), str('label')]);
const payloadLayouts = {
  [KEY_LAYOUT_FORMAT_SET_ONLY]: struct<{ format: number; entries: KeyEntry[] }>([
    u8('format'),
    u8(), // the entry count, read and written by the sequence below
    seq(entryLayout, offsetOf(u8(), -1), 'entries'),
  ]),
  [KEY_LAYOUT_FORMAT_MODULES]: struct<{ format: number; entries: KeyEntry[] }>([
    u8('format'),
    u8(),
    seq(moduleEntryLayout, offsetOf(u8(), -1), 'entries'),
  ]),
} as const;

const where = (e: KeyEntry): string => (e.module ? `module ${e.module} key ${e.key}` : `key ${e.key}`);

function keyProblem(entries: readonly KeyEntry[]): { reason: 'bad-key' | 'duplicate-key'; detail: string } | undefined {
  const seen = new Set<number>();
  for (const e of entries) {
    const module = e.module ?? 0;
    if (!Number.isInteger(e.key) || e.key < 1 || e.key > 255) return { reason: 'bad-key', detail: where(e) };
    if (!Number.isInteger(module) || module < 0 || module > 255) return { reason: 'bad-key', detail: `module ${module}` };
    const id = module * 256 + e.key;
    if (seen.has(id)) return { reason: 'duplicate-key', detail: `${where(e)} twice` };
    seen.add(id);
  }
  return undefined;
}

/** Throws on a layout that cannot be sent (more than 255 entries, key 0, a key twice, long strings). */
export function encodeKeyLayout(entries: readonly KeyEntry[]): Uint8Array {
  if (entries.length > 255) throw new RangeError(`key layout: ${entries.length} entries, at most 255`);
  const problem = keyProblem(entries);
  if (problem) throw new RangeError(`key layout: ${problem.reason}: ${problem.detail}`);
  const format = entries.some((e) => (e.module ?? 0) > 0) ? KEY_LAYOUT_FORMAT_MODULES : KEY_LAYOUT_FORMAT_SET_ONLY;
  const layout = payloadLayouts[format];
  const buf = Buffer.alloc(2 + entries.length * (3 + 2 * 256));
  layout.encode({ format, entries: entries.map((e) => ({ ...e, module: e.module ?? 0 })) }, buf, 0);
  return new Uint8Array(buf.subarray(0, layout.getSpan(buf, 0)));
}

export function decodeKeyLayout(bytes: Uint8Array): KeyLayoutDecode {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < 1) return { ok: false, reason: 'truncated', detail: 'empty payload' };
  if (b[0] !== KEY_LAYOUT_FORMAT_SET_ONLY && b[0] !== KEY_LAYOUT_FORMAT_MODULES) return { ok: false, reason: 'bad-format', detail: `format ${b[0]}` };
  const payloadLayout = payloadLayouts[b[0]];
  let decoded: { format: number; entries: KeyEntry[] };
  let span: number;
  try {
    decoded = payloadLayout.decode(b, 0);
    span = payloadLayout.getSpan(b, 0);
  } catch (err) {
    if (err instanceof WireError) return { ok: false, reason: err.reason, detail: err.message };
    if (err instanceof RangeError) return { ok: false, reason: 'truncated', detail: err.message };
    return { ok: false, reason: 'malformed', detail: String(err) };
  }
  if (span < b.length) return { ok: false, reason: 'trailing-bytes', detail: `ends at ${span} of ${b.length}` };
  // a set key carries no module field, as it never did in format 1
  const entries = decoded.entries.map((e) => ({ ...(e.module ? { module: e.module } : {}), key: e.key, type: e.type, dn: e.dn, label: e.label }));
  const problem = keyProblem(entries);
  if (problem) return { ok: false, ...problem };
  return { ok: true, entries };
}
