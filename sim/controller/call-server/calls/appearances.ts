// Which appearances a DN has (docs/design.md "Calls": DNs and appearances), from what each registered
// phone shows: its prime DN (the logged-in user's extension, else the set's own DN) and the line and
// multicall keys of its layout (the user's keys, or the set's own programming), visible or hidden. Pure:
// the call server hands in the phones, this answers where a call to a DN is offered and how it rings.
import type { RingType } from '../../../../firmware/signalling/messages.ts';
import type { KeyEntry } from '../../config.ts';

/** A delay-ring appearance stays silent this long unless its key says otherwise. */
export const DEFAULT_RING_DELAY_MS = 10_000;

/** `line`: a key-system line (one call on the DN at a time); `multicall`: a multicall key or line 0. */
export type AppearanceKind = 'line' | 'multicall';

export interface Appearance {
  mac: string;
  /** The key number carrying it (1-based), 0 for the prime line of a phone with no key for its DN. */
  line: number;
  dn: string;
  kind: AppearanceKind;
  ring: RingType;
  /** delay-ring only: how long it stays silent. */
  ringDelayMs: number;
  /** The DN's prime appearance (on the phone it belongs to). */
  prime: boolean;
}

/** What the call server knows of one registered phone, for appearances. */
export interface PhoneLayout {
  mac: string;
  /** The logged-in user's extension, else the set's own DN; "" when it has neither. */
  primeDn: string;
  /** The keys the phone shows: the user's, or the set's own programming. */
  keys: readonly KeyEntry[];
}

/**
 * The line and multicall keys of a layout as appearances (`dn` unset: all of them). Only the set's own
 * keys count: a call message names a key by its number alone, so a key module's key cannot carry one.
 * A second entry for the same key is left out, as the key-layout download leaves it out.
 */
export function lineKeys(phone: PhoneLayout): Appearance[] {
  const out: Appearance[] = [];
  const seen = new Set<number>();
  for (const k of phone.keys) {
    const m = /^(?:key:)?(\d+)$/.exec(k.key);
    const n = m ? Number(m[1]) : NaN;
    if (!m || n < 1 || n > 255 || seen.has(n)) continue;
    seen.add(n);
    if ((k.type !== 'line' && k.type !== 'multicall') || !k.dn) continue;
    const ring = k.ring ?? 'ring';
    out.push({ mac: phone.mac, line: n, dn: k.dn, kind: k.type, ring, ringDelayMs: k.ringDelayMs ?? DEFAULT_RING_DELAY_MS, prime: false });
  }
  return out;
}

/** Every appearance of `dn` on these phones, the prime one first. */
export function appearancesOf(dn: string, phones: readonly PhoneLayout[]): Appearance[] {
  if (dn === '') return [];
  const prime: Appearance[] = [];
  const others: Appearance[] = [];
  for (const p of phones) {
    const keys = lineKeys(p).filter((a) => a.dn === dn);
    if (p.primeDn !== dn) {
      others.push(...keys);
      continue;
    }
    // the holder's own key for its DN is the prime appearance; with none, line 0 (which always rings)
    if (keys.length === 0) prime.push({ mac: p.mac, line: 0, dn, kind: 'multicall', ring: 'ring', ringDelayMs: DEFAULT_RING_DELAY_MS, prime: true });
    else prime.push({ ...keys[0], prime: true }, ...keys.slice(1));
  }
  return [...prime, ...others];
}

/** The appearance a phone has at `line` (0: its prime line), if any. */
export function appearanceAt(phone: PhoneLayout, line: number): Appearance | undefined {
  if (line === 0) {
    return { mac: phone.mac, line: 0, dn: phone.primeDn, kind: 'multicall', ring: 'ring', ringDelayMs: DEFAULT_RING_DELAY_MS, prime: phone.primeDn !== '' };
  }
  return lineKeys(phone).find((a) => a.line === line);
}
