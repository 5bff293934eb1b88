// Automatic DN Selection (MiVoice Business 7.0): a desk set that registers with no DN is asked for the
// Set Registration Access Code; with it, the controller hunts a free DN in its defined range and the set
// comes up as a userless device on it (no keys of its own; it takes hot desk logins). 5604/5607/5614
// handsets are never offered it: they need a DN provisioned for them.
//
// The hunt goes up from `from` to `to`. A DN is taken when something already has it (a set, a user, a
// registered phone: the caller says) or when it is local-only; GIVE_UP_AFTER taken DNs in a row end the
// hunt, as the end of the range does.
import type { DnRange } from '../config.ts';

/** Taken (or local-only) DNs in a row after which the hunt gives up. */
export const GIVE_UP_AFTER = 10;

export type HuntResult = { ok: true; dn: string } | { ok: false; why: 'gave-up' | 'range-exhausted'; tried: number };

/** The DN after `dn`, keeping its digit count ("0999" -> "1000"); undefined past the last one. */
function nextDn(dn: string): string | undefined {
  const n = (BigInt(dn) + 1n).toString().padStart(dn.length, '0');
  return n.length > dn.length ? undefined : n;
}

/** The first free DN of `range`; `taken(dn)`: something already has it. */
export function huntDn(range: DnRange, taken: (dn: string) => boolean): HuntResult {
  const localOnly = new Set(range.localOnly);
  // the hunt stops at the first free DN, so every DN it tried before was taken: tried is the run in a row
  let tried = 0;
  for (let dn: string | undefined = range.from; dn !== undefined && dn <= range.to; dn = nextDn(dn)) {
    tried++;
    if (!localOnly.has(dn) && !taken(dn)) return { ok: true, dn };
    if (tried >= GIVE_UP_AFTER) return { ok: false, why: 'gave-up', tried };
  }
  return { ok: false, why: 'range-exhausted', tried };
}

/** Whether `dn` lies in the range (a set given one by the hunt registers with it again). */
export function inDnRange(range: DnRange, dn: string): boolean {
  return dn.length === range.from.length && /^[0-9]+$/.test(dn) && dn >= range.from && dn <= range.to;
}

/** Automatic DN Selection is on only when the world has both the range and the access code. */
export function autoDnOf(world: { dnRange?: DnRange; accessCodes?: { setRegistration?: string } }): { range: DnRange; code: string } | undefined {
  const code = world.accessCodes?.setRegistration;
  return world.dnRange && code !== undefined ? { range: world.dnRange, code } : undefined;
}

/** Every DN the world already gives out: users' extensions, sets' DNs, the DNs on their keys, the alarm and voicemail DNs. */
export function worldDns(world: {
  users: readonly { ext: string; keys: readonly { dn?: string }[] }[];
  sets: readonly { dn?: string; keys: readonly { dn?: string }[] }[];
  alarmDn?: string;
  voicemailDn?: string;
}): Set<string> {
  const dns = new Set<string>();
  const add = (dn: string | undefined) => dn !== undefined && dn !== '' && dns.add(dn);
  for (const u of world.users) [u.ext, ...u.keys.map((k) => k.dn)].forEach(add);
  for (const s of world.sets) [s.dn, ...s.keys.map((k) => k.dn)].forEach(add);
  add(world.alarmDn);
  add(world.voicemailDn);
  return dns;
}
