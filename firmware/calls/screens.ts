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
      return [`Call from ${c.party || 'Unknown'}`, `Ringing Line ${c.dn}`];
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

/** One row for a call behind the one in front. */
export function behindRow(c: ShownCall): string {
  if (c.state === 'waiting') return `Waiting: ${c.party}`;
  if (c.state === 'held') return `On Hold: ${c.party}`;
  if (c.state === 'ringing') return `Ringing: ${c.party}`;
  return `${c.state}: ${c.party}`;
}

/** The whole call layer: the call in front, then one row for each other call. */
export function callScreen(calls: readonly ShownCall[]): string[] {
  const front = frontCall(calls);
  if (!front) return [];
  const conference = calls.filter((c) => c.state === 'conference').map((c) => c.party);
  const rows = callRows(front, conference);
  for (const c of calls) if (c !== front && !(front.state === 'conference' && c.state === 'conference')) rows.push(behindRow(c));
  return rows;
}

/** Why a call ended, when the user should be told (a normal end and a feature code say nothing). */
export function endRows(cause: CallEnd, party: string): string[] {
  switch (cause) {
    case 'busy':
      return ['Busy', party];
    case 'unreachable':
    case 'no-answer-from-controller':
      return ['Number Unobtainable', party];
    case 'logged-out':
      return ['User Logged Out', party];
    case 'not-allowed':
      return ['Calls Not Allowed'];
    case 'rejected':
    case 'no-answer':
      return ['Call Not Answered', party];
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
