// Busy lamp field keys: the DNs to subscribe and the lamp cadence for each pushed state. A monitored
// hot desk user who is logged out blinks `hotdesk-logged-out` (438 ms off, 62 ms on, the same on every
// model); the other states use the model's own cadences of the same name.
import type { BlfState } from '../signalling/messages.ts';
import type { KeyView } from './layout.ts';

export function cadenceForBlf(state: BlfState): string {
  if (state === 'logged-out') return 'hotdesk-logged-out';
  if (state === 'logged-in') return 'idle'; // logged in and nothing else known: an idle user
  return state;
}

/** The lamps a BLF state lights: every visible BLF key monitoring `dn`, at the state's cadence. */
export function blfLamps(keys: readonly KeyView[], dn: string, state: BlfState): { key: string; cadence: string }[] {
  return keys.filter((k) => k.type === 'blf' && k.dn === dn).map((k) => ({ key: k.id, cadence: cadenceForBlf(state) }));
}
