// A hardware profile: what one model of set, handset or key module has (display, keys, lamps, login
// style, firmware) and how its lamps blink. The JSON lives in hw-profiles/ and sim/profiles.ts loads and
// validates it; the firmware only ever sees the typed, frozen result, so this file stays free of I/O.

export type ProfileKind = 'desk' | 'handset' | 'pkm';

/** How a key shows its state: a LED per key, a red/green LED, an icon drawn on a screen, or nothing. */
export type LampKind = 'red-led' | 'bicolor-led' | 'icon' | 'none';

/**
 * How a user logs in (docs/design.md, "Phone behaviour to follow"):
 * - `dial`: login access code, `*`, extension, `#`, PIN, `#` (5304, 5312)
 * - `hotdesk-key`: HotDesking key, Login, extension, OK, PIN, OK (5320/5330/5340/5360, 69xx)
 * - `handset-hotdesk-mode`: the 56xx wireless handsets
 * - `none`: a key module, which never logs in
 */
export type LoginMethod = 'dial' | 'hotdesk-key' | 'handset-hotdesk-mode' | 'none';

/** A stretch of time during which a lamp is steadily lit or dark. */
export interface Segment {
  readonly lit: boolean;
  /** Whole milliseconds, at least 1: integer durations keep the lamp arithmetic exact. */
  readonly ms: number;
}

/** Segments repeated forever from the lamp's phase origin; one segment is a steady lamp. */
export type Cadence = readonly Segment[];

/** Cadence name (`idle`, `busy`, `hotdesk-logged-out`, ...) to its segments. */
export type CadenceTable = Readonly<Record<string, Cadence>>;

export interface Profile {
  readonly id: string;
  readonly name: string;
  readonly kind: ProfileKind;
  /** The text grid the panel renders (0 x 0 for a key module with paper labels). */
  readonly display: { readonly rows: number; readonly columns: number };
  /** Keys a key layout can program, `key:1` to `key:N`; layout keys beyond N are hidden. */
  readonly programmableKeys: number;
  readonly softkeys: number;
  readonly lampKind: LampKind;
  readonly loginMethod: LoginMethod;
  readonly wireless: boolean;
  /** The set itself holds, transfers and conferences on a Multicall line appearance (56xx). */
  readonly multicall: boolean;
  /** Desk sets that take key modules: which models, and how many at most. */
  readonly pkm?: { readonly models: readonly string[]; readonly max: number };
  /** What the set downloads over TFTP; absent on key modules (their host set drives them). */
  readonly firmware?: { readonly file: string; readonly family: string };
  /** Always holds REQUIRED_CADENCES and the FIXED_CADENCES (the loader adds them). */
  readonly cadences: CadenceTable;
  /** Where each fact comes from: a URL, a document name, or `assumed: <reason>`. */
  readonly sources: Readonly<Record<string, string>>;
}

/** Cadences every profile must define itself: the BLF states whose look varies by model. */
export const REQUIRED_CADENCES = ['idle', 'busy', 'ringing', 'dnd', 'cfa', 'hold'] as const;

/**
 * Cadences that are the same on every model, so no profile may change them. A lamp monitoring a hot
 * desk user who is logged out blinks 438 ms off, 62 ms on (Mitel's BLF behaviour, docs/design.md).
 */
export const FIXED_CADENCES: CadenceTable = Object.freeze({
  off: Object.freeze([Object.freeze({ lit: false, ms: 1000 })]),
  on: Object.freeze([Object.freeze({ lit: true, ms: 1000 })]),
  'hotdesk-logged-out': Object.freeze([
    Object.freeze({ lit: false, ms: 438 }),
    Object.freeze({ lit: true, ms: 62 }),
  ]),
});

/** True when two cadences are segment-for-segment the same. */
export function sameCadence(a: Cadence, b: Cadence): boolean {
  return a.length === b.length && a.every((seg, i) => seg.lit === b[i].lit && seg.ms === b[i].ms);
}
