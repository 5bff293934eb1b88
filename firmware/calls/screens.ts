// What the call layer shows: the call in front (the one the keys act on) on top, the others one row
// each under it, and why a call ended. Plain functions of the calls the owner keeps.
import type { CallEnd } from './call.ts';
import type { CallState } from './view.ts';

export interface ShownCall {
  local: number;
  state: CallState;
  party: string;
  dn: string;
  dialled: string;
}

/** The call the keys act on: a call up (or being dialled) first, then a ringing one, then a held one. */
export function frontCall<T extends ShownCall>(calls: readonly T[]): T | undefined {
  const up = calls.find((c) => c.state === 'dialling' || c.state === 'ringback' || c.state === 'connected' || c.state === 'conference');
  return up ?? calls.find((c) => c.state === 'ringing') ?? calls.find((c) => c.state === 'held') ?? calls.find((c) => c.state === 'waiting');
}

/** The two rows of one call in front. */
export function callRows(c: ShownCall, conferenceParties: readonly string[]): string[] {
  switch (c.state) {
    case 'dialling':
      return ['Dial', c.dialled];
    case 'ringback':
      return [`Calling ${c.party}`, 'Ringing'];
    case 'ringing':
      return [`Ringing ${c.party || 'Unknown'}`, `Line ${c.dn}`];
    case 'connected':
      return ['Connected', c.party];
    case 'held':
      return ['On Hold', c.party];
    case 'waiting':
      return ['Waiting', c.party];
    case 'conference':
      return ['Conference', conferenceParties.join(' + ')];
  }
}

const BEHIND: Record<CallState, string> = {
  dialling: 'Dialling',
  ringback: 'Calling',
  ringing: 'Ringing',
  connected: 'Connected',
  held: 'On Hold',
  waiting: 'Waiting',
  conference: 'Conference',
};

/** One row for a call behind the one in front. */
export function behindRow(c: ShownCall): string {
  return c.party ? `${BEHIND[c.state]}: ${c.party}` : BEHIND[c.state];
}

/**
 * The whole call layer on a display of `rows` rows: the call in front, then one row for each other
 * call. On a display too small for all of them the front call takes one row (`Connected 7001`), so
 * the call behind it (a call waiting, one on hold) is still seen.
 */
export function callScreen(calls: readonly ShownCall[], rows = Infinity): string[] {
  const front = frontCall(calls);
  if (!front) return [];
  const conference = calls.filter((c) => c.state === 'conference').map((c) => c.party);
  const behind = calls.filter((c) => c !== front && !(front.state === 'conference' && c.state === 'conference')).map(behindRow);
  const own = callRows(front, conference);
  if (own.length + behind.length <= rows || behind.length === 0) return [...own, ...behind];
  return [own.filter((r) => r !== '').join(' '), ...behind];
}

/** Why a call ended, when the user should be told (a normal end and a feature code say nothing). */
export function endRows(cause: CallEnd, party: string): string[] {
  switch (cause) {
    case 'busy':
      return ['Busy', party];
    case 'unreachable':
    case 'no-answer-from-controller':
      return ['Unobtainable', party];
    case 'logged-out':
      return ['User Logged Out', party];
    case 'not-allowed':
      return ['Call Not Allowed'];
    case 'rejected':
    case 'no-answer':
      return ['No Answer', party];
    case 'transferred':
      return ['Call Transferred', party];
    case 'normal':
      return ['Call Ended', party];
    default:
      return [];
  }
}

/** The lamp a call's line key shows (cadence names every profile defines). */
export function lampOf(state: CallState): 'ringing' | 'busy' | 'hold' {
  if (state === 'ringing' || state === 'waiting') return 'ringing';
  if (state === 'held') return 'hold';
  return 'busy';
}
