// The key-layout payload: a user's programmable keys, compact enough that a typical layout fits one
// key-layout-block. Decoding validates what the phone would otherwise have to trust blindly (key
// numbers, duplicates, types) and returns a typed reason instead of throwing.
import { offset as offsetOf, seq, struct, u8 } from 'buffer-layout';
import { WireError, enumOf, str } from './wire-fields.ts';
import type { DecodeFailure } from './wire-fields.ts';

export const KEY_TYPES = ['empty', 'line', 'multicall', 'blf', 'speed-dial', 'feature'] as const;
export type KeyType = (typeof KEY_TYPES)[number];

/** One programmable key of a user's layout. */
export interface KeyEntry {
  key: number; // 1-based key number, 1..255
  type: KeyType;
  dn: string; // the line / monitored DN / number to dial / feature code; "" for empty
  label: string; // what the display shows next to the key; "" lets the phone choose
}

/** Bumped if the payload format ever changes; a phone refuses a format it does not know. */
export const KEY_LAYOUT_FORMAT = 1;

export type KeyLayoutFailure = DecodeFailure | 'bad-format' | 'bad-key' | 'duplicate-key';

export type KeyLayoutDecode = { ok: true; entries: KeyEntry[] } | { ok: false; reason: KeyLayoutFailure; detail: string };

const entryLayout = struct<KeyEntry>([u8('key'), enumOf(KEY_TYPES, 'type'), str('dn'), str('label')]);
const payloadLayout = struct<{ format: number; entries: KeyEntry[] }>([
  u8('format'),
  u8(), // the entry count, read and written by the sequence below
  seq(entryLayout, offsetOf(u8(), -1), 'entries'),
]);

function keyProblem(entries: readonly KeyEntry[]): { reason: 'bad-key' | 'duplicate-key'; detail: string } | undefined {
  const seen = new Set<number>();
  for (const e of entries) {
    if (!Number.isInteger(e.key) || e.key < 1 || e.key > 255) return { reason: 'bad-key', detail: `key ${e.key}` };
    if (seen.has(e.key)) return { reason: 'duplicate-key', detail: `key ${e.key} twice` };
    seen.add(e.key);
  }
  return undefined;
}

/** Throws on a layout that cannot be sent (more than 255 entries, key 0, a key twice, long strings). */
export function encodeKeyLayout(entries: readonly KeyEntry[]): Uint8Array {
  if (entries.length > 255) throw new RangeError(`key layout: ${entries.length} entries, at most 255`);
  const problem = keyProblem(entries);
  if (problem) throw new RangeError(`key layout: ${problem.reason}: ${problem.detail}`);
  const buf = Buffer.alloc(2 + entries.length * (2 + 2 * 256));
  payloadLayout.encode({ format: KEY_LAYOUT_FORMAT, entries: entries.map((e) => ({ ...e })) }, buf, 0);
  return new Uint8Array(buf.subarray(0, payloadLayout.getSpan(buf, 0)));
}

export function decodeKeyLayout(bytes: Uint8Array): KeyLayoutDecode {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < 1) return { ok: false, reason: 'truncated', detail: 'empty payload' };
  if (b[0] !== KEY_LAYOUT_FORMAT) return { ok: false, reason: 'bad-format', detail: `format ${b[0]}` };
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
  const entries = decoded.entries.map((e) => ({ key: e.key, type: e.type, dn: e.dn, label: e.label }));
  const problem = keyProblem(entries);
  if (problem) return { ok: false, ...problem };
  return { ok: true, entries };
}
