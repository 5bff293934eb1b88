// Applying a hot desk user's key layout to this model. Keys up to the model's programmableKeys are
// shown with their labels; a key beyond that is hidden, but a line appearance there still rings, so it
// goes on the hidden-lines list the ringing logic consults. Nothing maps onto a PKM: key modules are
// disabled while a hot desk user is logged in.
import type { KeyEntry, KeyType } from '../signalling/key-layout.ts';
import type { Profile } from '../profile.ts';

export interface KeyView {
  /** The key's contract name: `key:N`. */
  id: string;
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

export function applyLayout(entries: readonly KeyEntry[], profile: Pick<Profile, 'programmableKeys'>): AppliedLayout {
  const visible: KeyView[] = [];
  const hiddenLines: KeyView[] = [];
  const sorted = [...entries].sort((a, b) => a.key - b.key);
  for (const e of sorted) {
    const view: KeyView = { id: `key:${e.key}`, key: e.key, type: e.type, dn: e.dn, label: labelFor(e) };
    if (e.key <= profile.programmableKeys) {
      if (e.type !== 'empty') visible.push(view);
    } else if (e.type === 'line' || e.type === 'multicall') {
      hiddenLines.push(view);
    }
  }
  const blfDns = [...new Set(visible.filter((k) => k.type === 'blf' && k.dn !== '').map((k) => k.dn))];
  return { visible, hiddenLines, blfDns };
}
