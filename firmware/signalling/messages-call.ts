// Call control, either direction: every call message names the call, the line appearance (key) it is
// on, and the two DNs. Transfer and conference also name the second call they join with.
import { u32be, u8 } from 'buffer-layout';
import type { Layout } from 'buffer-layout';
import { body } from './body-spec.ts';
import type { BodyTable } from './body-spec.ts';
import { enumOf, str } from './wire-fields.ts';

// appended only: a cause's code is its index, and old captures must keep reading the same
export const RELEASE_CAUSES = [
  'normal', // the far end (or this end) hung up
  'busy', // no appearance of the called DN was free
  'no-answer',
  'rejected',
  'unreachable', // nobody holds the DN and the call server plays no party for it (an empty number)
  'logged-out', // the called hot desk user is logged out; or this set's user left with the call up
  'answered-elsewhere', // another appearance of the called DN answered the offered call
  'picked-up', // another appearance of a key-system line picked up the call this set held
  'transferred', // this set transferred the call: it is the other two's now
  'not-allowed', // a set with no user may call only the operator and emergency numbers
] as const;
export type ReleaseCause = (typeof RELEASE_CAUSES)[number];

/** How an appearance announces an offered call: at once, silently (the lamp only), or after a delay. */
export const RING_TYPES = ['ring', 'no-ring', 'delay-ring'] as const;
export type RingType = (typeof RING_TYPES)[number];

/** What another set does with a key-system line this set also shows. */
export const LINE_STATUSES = ['idle', 'busy', 'held'] as const;
export type LineStatusState = (typeof LINE_STATUSES)[number];

interface CallFields {
  callId: number; // u32, chosen by whoever sends call-setup, unique per controller
  line: number; // u8, the line appearance key (1-based; 0 = the prime line / no key)
  fromDn: string;
  toDn: string;
}

/**
 * A new call. From a phone: it dials `toDn` from its line `line` (callId 0: the controller names the
 * call in its answer). From the controller: a call offered on appearance `line`, ringing as `ring` says.
 */
export interface CallSetup extends CallFields {
  type: 'call-setup';
  ring: RingType;
}
export interface CallAlerting extends CallFields {
  type: 'call-alerting';
}
export interface CallConnect extends CallFields {
  type: 'call-connect';
}
export interface CallHold extends CallFields {
  type: 'call-hold';
}
export interface CallResume extends CallFields {
  type: 'call-resume';
}
/** Joins `callId`'s far end to `otherCallId`'s far end and drops this set from both. */
export interface CallTransfer extends CallFields {
  type: 'call-transfer';
  otherCallId: number;
}
/** Joins `otherCallId` into `callId` as a three-way conference. */
export interface CallConference extends CallFields {
  type: 'call-conference';
  otherCallId: number;
}
export interface CallRelease extends CallFields {
  type: 'call-release';
  cause: ReleaseCause;
}

/**
 * Controller -> phone, key-system lines only: another appearance of `dn` is busy with call `callId` to
 * `party`, holds it (any appearance may pick it up with call-resume), or is idle again.
 */
export interface LineStatus {
  type: 'line-status';
  callId: number;
  line: number;
  dn: string;
  party: string;
  state: LineStatusState;
}

export type CallMessage =
  | LineStatus
  | CallSetup
  | CallAlerting
  | CallConnect
  | CallHold
  | CallResume
  | CallTransfer
  | CallConference
  | CallRelease;

// a fresh array each time: a buffer-layout struct owns its field list
const callFields = (): Layout[] => [u32be('callId'), u8('line'), str('fromDn'), str('toDn')];

export const callBodies: BodyTable<CallMessage> = {
  'call-setup': body(0x50, [...callFields(), enumOf(RING_TYPES, 'ring')]),
  'call-alerting': body(0x51, callFields()),
  'call-connect': body(0x52, callFields()),
  'call-hold': body(0x53, callFields()),
  'call-resume': body(0x54, callFields()),
  'call-transfer': body(0x55, [...callFields(), u32be('otherCallId')]),
  'call-conference': body(0x56, [...callFields(), u32be('otherCallId')]),
  'call-release': body(0x57, [...callFields(), enumOf(RELEASE_CAUSES, 'cause')]),
  'line-status': body(0x58, [u32be('callId'), u8('line'), str('dn'), str('party'), enumOf(LINE_STATUSES, 'state')]),
};
