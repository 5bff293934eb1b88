// The calls owner's shapes: its input, the events it takes from the session and the keys machine, and
// its context (plain data: one entry per call actor it runs). calls.ts is the machine.
import type { CallChanged, CallEnded } from './call.ts';
import type { CallState } from './view.ts';
import type { CallsLines, CallsVoicemail, LineAppearance } from '../keys/machine.ts';
import type { ServiceNotice, SigPush } from '../service/events.ts';
import type { DialPlan } from '../service/registration.ts';
import type { LineStatus } from '../signalling/messages.ts';

export interface CallsInput {
  /** A 5604/5607/5614: no programmable keys, device-based hold, transfer and conference softkeys. */
  handset: boolean;
  /** The set's own DN ("" for a userless hot desk set). */
  setDn: string;
  /** How many rows the display has: a small one shows the call in front on one row. */
  displayRows: number;
}

/** Session -> calls: who is logged in now ("" for nobody). */
export interface CallsUser {
  type: 'calls.user';
  ext: string;
}
/** Session -> calls: digits dialled on-hook that are no access code: a call, pre-dialled. */
export interface CallsDial {
  type: 'calls.dial';
  digits: string;
}

export type CallsEvent = { type: 'key'; key: string } | SigPush | ServiceNotice | CallChanged | CallEnded | CallsUser | CallsDial | CallsLines | CallsVoicemail;

export interface CallEntry {
  local: number;
  callId: number;
  line: number;
  dn: string;
  party: string;
  state: CallState;
  dialled: string;
  ringer: boolean;
}

export interface CallsContext extends CallsInput {
  offHook: boolean;
  user: string;
  lines: LineAppearance[];
  dialPlan: DialPlan;
  /** Where the Message key calls: the logged-in user's voicemail ('' with nobody here). */
  voicemailDn: string;
  calls: CallEntry[];
  /** Calls another appearance of a key-system line holds (line-status held): this set may pick them up. */
  pickable: Omit<LineStatus, 'type' | 'state'>[];
  /** A transfer or conference under way: the held call and the consultation (owner's names). */
  consult?: { held: number; consult: number; kind: 'transfer' | 'conference' };
  ended: string[];
  next: number;
}

