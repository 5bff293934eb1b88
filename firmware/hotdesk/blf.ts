// Busy lamp field keys: the DNs to subscribe and the lamp cadence for each pushed state. A monitored
// hot desk user who is logged out blinks `hotdesk-logged-out` (438 ms off, 62 ms on, the same on every
// model); the other states use the model's own cadences of the same name.
import type { LampBank } from '../keys/lamps.ts';
import type { BlfState } from '../signalling/messages.ts';
import type { KeyView } from './key-layout-apply.ts';

export function cadenceForBlf(state: BlfState): string {
  if (state === 'logged-out') return 'hotdesk-logged-out';
  if (state === 'logged-in') return 'idle'; // logged in and nothing else known: an idle user
  return state;
}

/** Sets every visible BLF key monitoring `dn` to the state's cadence; returns the keys changed. */
export function showBlfState(lamps: LampBank, keys: readonly KeyView[], dn: string, state: BlfState): string[] {
  const lit: string[] = [];
  for (const k of keys) {
    if (k.type !== 'blf' || k.dn !== dn) continue;
    lamps.set(k.id, cadenceForBlf(state));
    lit.push(k.id);
  }
  return lit;
}
