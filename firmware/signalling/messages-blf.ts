// Busy lamp field: the phone names the DNs its BLF keys monitor; the controller reports their states.
import { body } from './body-spec.ts';
import type { BodyTable } from './body-spec.ts';
import { enumOf, str, strList } from './wire-fields.ts';

export const BLF_STATES = ['idle', 'busy', 'ringing', 'dnd', 'cfa', 'logged-out', 'logged-in'] as const;
export type BlfState = (typeof BLF_STATES)[number];

/** Phone -> controller: REPLACES the set of monitored DNs (an empty list unsubscribes from all). */
export interface BlfSubscribe {
  type: 'blf-subscribe';
  dns: string[]; // at most 255
}

/** Controller -> phone: one DN's state, sent for each DN on subscribe and on every change. */
export interface BlfStateMessage {
  type: 'blf-state';
  dn: string;
  state: BlfState;
}

export type BlfMessage = BlfSubscribe | BlfStateMessage;

export const blfBodies: BodyTable<BlfMessage> = {
  'blf-subscribe': body(0x40, [...strList('dns')]),
  'blf-state': body(0x41, [str('dn'), enumOf(BLF_STATES, 'state')]),
};
