// Applying a key layout to this model. Keys up to the model's programmableKeys are shown with their
// labels; a key beyond that is hidden, but a line appearance there still rings, so it goes on the
// hidden-lines list the ringing logic consults. Module keys (a set's own programming) map onto the
// key modules attached, `pkmM:N`, only when `modules` is given: key modules are disabled while a hot
// desk user is logged in, so a user's layout is applied without them.
import type { KeyEntry, KeyType } from '../signalling/key-layout.ts';
import type { Profile } from '../profile.ts';

export interface KeyView {
  /** The key's contract name: `key:N`, or `pkmM:N` for key N of the M-th key module. */
  id: string;
  /** 0 for the set's own keys, M for the M-th key module. */
  module: number;
  key: number;
  type: KeyType;
  dn: string;
  label: string;
}

export interface AppliedLayout {
  visible: KeyView[];
  /** Line and multicall appearances beyond the model's keys: not shown, still ring. */
  hiddenLines: KeyView[];
  /** The DNs the visible BLF keys monitor, each once, in key order. */
  blfDns: string[];
}

/** The label a key shows: the layout's own, else something useful from its type and DN. */
export function labelFor(e: KeyEntry): string {
  if (e.label !== '') return e.label;
  if (e.type === 'empty') return '';
  return e.dn;
}

/** A key module attached to the set: how many keys it has (its profile's programmableKeys). */
export interface AttachedModule {
  readonly programmableKeys: number;
}

export function applyLayout(
  entries: readonly KeyEntry[],
  profile: Pick<Profile, 'programmableKeys'>,
  modules?: readonly AttachedModule[],
): AppliedLayout {
  const visible: KeyView[] = [];
  const hiddenLines: KeyView[] = [];
  const sorted = [...entries].sort((a, b) => (a.module ?? 0) - (b.module ?? 0) || a.key - b.key);
  for (const e of sorted) {
    const module = e.module ?? 0;
    const id = module === 0 ? `key:${e.key}` : `pkm${module}:${e.key}`;
    const view: KeyView = { id, module, key: e.key, type: e.type, dn: e.dn, label: labelFor(e) };
    if (module > 0) {
      // a key on a module that is not attached (or disabled) has nowhere to show: it is left out
      const attached = modules?.[module - 1];
      if (attached && e.key <= attached.programmableKeys && e.type !== 'empty') visible.push(view);
    } else if (e.key <= profile.programmableKeys) {
      if (e.type !== 'empty') visible.push(view);
    } else if (e.type === 'line' || e.type === 'multicall') {
      hiddenLines.push(view);
    }
  }
  const blfDns = [...new Set(visible.filter((k) => k.type === 'blf' && k.dn !== '').map((k) => k.dn))];
  return { visible, hiddenLines, blfDns };
}
