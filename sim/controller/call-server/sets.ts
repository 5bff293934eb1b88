// A set's own programming (the `sets:` entries of the controller's world) as the key-layout payload
// carries it. Unlike a hot desk user's layout, a set's reaches its key modules: `pkmM:N` becomes an
// entry of module M (payload format 2), since a PKM is disabled only for a hot desk user. A second entry
// for the same key, or one out of range, is left out with its reason, so one bad line in a config never
// costs the set its whole layout.
import type { KeyEntry as LayoutKey } from '../../../firmware/signalling/key-layout.ts';
import type { KeyEntry } from '../config.ts';
import type { SkippedKey } from './directory.ts';
import { keyCode } from './acd/agents.ts';

export function setLayoutKeys(keys: readonly KeyEntry[]): { entries: LayoutKey[]; skipped: SkippedKey[] } {
  const entries: LayoutKey[] = [];
  const skipped: SkippedKey[] = [];
  const seen = new Set<string>();
  for (const k of keys) {
    const m = /^(?:key:|pkm([1-9]\d*):)?(\d+)$/.exec(k.key);
    const module = m?.[1] === undefined ? 0 : Number(m[1]);
    const n = m ? Number(m[2]) : NaN;
    const id = `${module}:${n}`;
    if (!m || n < 1 || n > 255 || module > 255) skipped.push({ key: k.key, why: 'out-of-range' });
    else if (seen.has(id)) skipped.push({ key: k.key, why: 'duplicate' });
    else {
      seen.add(id);
      entries.push({ ...(module > 0 ? { module } : {}), key: n, type: k.type, dn: keyCode(k), label: k.label ?? '' });
    }
  }
  return { entries, skipped };
}
