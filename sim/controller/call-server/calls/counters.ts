// What the call server counts about calls, and how it lists them (admin, tests): plain shapes, so the
// call server's public types need nothing else from the model.
import { RELEASE_CAUSES, type ReleaseCause } from '../../../../firmware/signalling/messages.ts';
import type { LegState } from './model.ts';

/** Why a phone's call request was answered `ack rejected` (bad input and lost races, never a throw). */
export const CALL_REFUSALS = [
  'unknown-call', // no leg by that id (ended, or never there)
  'not-yours', // the leg is on another phone (and no key-system pickup applies)
  'wrong-state', // the leg cannot do that now (answer a call no longer offered, hold a ringing one)
  'bad-line', // call-setup from an appearance the phone does not have, or with a call id
  'appearance-full', // call-setup from an appearance that carries two calls already
  'not-for-controller', // a controller-to-phone message sent to the controller
] as const;
export type CallRefusal = (typeof CALL_REFUSALS)[number];

export interface CallCounters {
  /** Calls started: a phone's call-setup, placeCall, a line the controller rings. */
  setups: number;
  /** Offered calls answered (by a phone or a simulated party). */
  answered: number;
  /** Calls refused because no appearance of the called DN was free. */
  busy: number;
  /** Legs ended, by cause (a two-party call ends two legs). */
  released: Record<ReleaseCause, number>;
  transfers: number;
  conferences: number;
  /** Held key-system calls picked up on another appearance. */
  pickups: number;
  /** Phone requests answered ack rejected, by why. */
  refused: Record<CallRefusal, number>;
}

export function callCounters(): CallCounters {
  const zero = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  return { setups: 0, answered: 0, busy: 0, released: zero(RELEASE_CAUSES), transfers: 0, conferences: 0, pickups: 0, refused: zero(CALL_REFUSALS) };
}

/** One leg as `CallServer.calls()` lists it. */
export interface CallInfo {
  id: number;
  /** The line the leg is on: the appearance's DN, or the simulated party's. */
  dn: string;
  /** The far DN. */
  party: string;
  state: LegState;
  /** The phone it is on, or 'simulated' for a party the call server plays. */
  mac: string;
  /** The appearance key (0: the prime line without a key; always 0 for a simulated party). */
  line: number;
}
