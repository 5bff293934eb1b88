// Call control, either direction: every call message names the call, the line appearance (key) it is
// on, and the two DNs. Transfer and conference also name the second call they join with.
import { u32be, u8 } from 'buffer-layout';
import type { Layout } from 'buffer-layout';
import { body } from './body-spec.ts';
import type { BodyTable } from './body-spec.ts';
import { enumOf, str } from './wire-fields.ts';

export const RELEASE_CAUSES = ['normal', 'busy', 'no-answer', 'rejected', 'unreachable', 'logged-out'] as const;
export type ReleaseCause = (typeof RELEASE_CAUSES)[number];

interface CallFields {
  callId: number; // u32, chosen by whoever sends call-setup, unique per controller
  line: number; // u8, the line appearance key (1-based; 0 = the prime line / no key)
  fromDn: string;
  toDn: string;
}

export interface CallSetup extends CallFields {
  type: 'call-setup';
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

export type CallMessage =
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
  'call-setup': body(0x50, callFields()),
  'call-alerting': body(0x51, callFields()),
  'call-connect': body(0x52, callFields()),
  'call-hold': body(0x53, callFields()),
  'call-resume': body(0x54, callFields()),
  'call-transfer': body(0x55, [...callFields(), u32be('otherCallId')]),
  'call-conference': body(0x56, [...callFields(), u32be('otherCallId')]),
  'call-release': body(0x57, [...callFields(), enumOf(RELEASE_CAUSES, 'cause')]),
};
