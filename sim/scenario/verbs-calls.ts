// The call steps (docs/design.md "Calls", "What tests read"): `expect-call` reads the phone's calls now
// (HotdeskView.calls, which the calls owner publishes), `wait-call` runs the clock until they hold.
// Both are checked when the file loads: a DN for the party, one of CALL_STATES, ringer true or false.
import { CALL_STATES, type CallState, type CallView } from '../../firmware/calls/view.ts';
import { ArgError, StepFailure } from './errors.ts';
import type { ScenarioTarget } from './target.ts';
import type { Verb } from './verbs.ts';
import { DEFAULT_WAIT_MS, durationArg, onlyKeys } from './verb-args.ts';

/** A call the phone has: with that far party (any when absent), in that state, ringing audibly or not. */
export interface CallMatch {
  party?: string;
  state: CallState;
  ringer?: boolean;
}

/** `none`: the phone has no calls. */
export type CallArg = CallMatch | 'none';

const CALL_FIELDS = ['party', 'state', 'ringer'];

function callArg(value: unknown, verb: string): CallArg {
  if (value === 'none') return 'none';
  const v = value as Record<string, unknown> | null;
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw `${verb} takes { party: DN, state: STATE, ringer: true|false } or none`;
  for (const k of Object.keys(v)) {
    if (!CALL_FIELDS.includes(k)) throw new ArgError(`unknown key "${k}" in ${verb} (allowed: ${CALL_FIELDS.join(', ')})`, [k]);
  }
  if (v.party !== undefined && ((typeof v.party !== 'string' && typeof v.party !== 'number') || !/^[0-9]{1,10}$/.test(String(v.party)))) {
    throw new ArgError(`${verb} "party" is the far DN (digits; got ${JSON.stringify(v.party)})`, ['party']);
  }
  if (v.state === undefined) throw `${verb} needs "state" (${CALL_STATES.join(', ')})`;
  if (typeof v.state !== 'string' || !(CALL_STATES as readonly string[]).includes(v.state)) {
    throw new ArgError(`${verb} "state" must be one of ${CALL_STATES.join(', ')} (got ${JSON.stringify(v.state)})`, ['state']);
  }
  if (v.ringer !== undefined && typeof v.ringer !== 'boolean') throw new ArgError(`${verb} "ringer" must be true or false`, ['ringer']);
  return {
    ...(v.party === undefined ? {} : { party: String(v.party) }),
    state: v.state as CallState,
    ...(v.ringer === undefined ? {} : { ringer: v.ringer }),
  };
}

function matches(c: CallView, want: CallMatch): boolean {
  return (want.party === undefined || c.party === want.party) && c.state === want.state && (want.ringer === undefined || (c.ringer ?? false) === want.ringer);
}

function holds(calls: readonly CallView[], arg: CallArg): boolean {
  return arg === 'none' ? calls.length === 0 : calls.some((c) => matches(c, arg));
}

const OFFERED: readonly CallState[] = ['ringing', 'waiting'];

/** One call as a report reads it: `5124 connected`, `5124 ringing (ringer off)`. Never the digits dialled. */
export function describeCall(c: CallView): string {
  const party = c.party || (c.state === 'dialling' ? `(${(c.dialled ?? '').length} digits)` : '(no party)');
  const ringer = OFFERED.includes(c.state) && c.ringer !== undefined ? ` (ringer ${c.ringer ? 'on' : 'off'})` : '';
  return `${party} ${c.state}${ringer}`;
}

function describeMatch(arg: CallArg): string {
  if (arg === 'none') return 'none';
  return `${arg.party ?? 'any party'} ${arg.state}${arg.ringer === undefined ? '' : ` (ringer ${arg.ringer ? 'on' : 'off'})`}`;
}

function listCalls(calls: readonly CallView[]): string {
  return `calls: ${calls.length === 0 ? 'none' : calls.map(describeCall).join(', ')}`;
}

/** What did not hold: `no call with 5124 connected (calls: 5124 ringback)`. */
function failure(calls: readonly CallView[], arg: CallArg, within = ''): string {
  if (arg === 'none') return `the phone still has calls${within} (${listCalls(calls)})`;
  const what = `${arg.party === undefined ? '' : `with ${arg.party} `}${arg.state}${arg.ringer === undefined ? '' : `, ringer ${arg.ringer ? 'on' : 'off'}`}`;
  return `no call ${what}${within} (${listCalls(calls)})`;
}

/** The phone's calls now; none while it is not in service. */
function callsOf(target: ScenarioTarget): readonly CallView[] {
  return target.hotdesk?.()?.calls ?? [];
}

const expectCall: Verb<CallArg> = {
  parse(value, extras) {
    onlyKeys(extras, [], 'expect-call');
    return callArg(value, 'expect-call');
  },
  async run(target, arg) {
    if (!target.hotdesk?.()) throw new StepFailure('the phone is not in service (no calls to read)');
    const calls = callsOf(target);
    if (!holds(calls, arg)) throw new StepFailure(failure(calls, arg));
  },
  describe: (arg) => `expect-call: ${describeMatch(arg)}`,
};

const waitCall: Verb<{ call: CallArg; timeout: number }> = {
  parse(value, extras) {
    onlyKeys(extras, ['timeout'], 'wait-call');
    return { call: callArg(value, 'wait-call'), timeout: extras.timeout === undefined ? DEFAULT_WAIT_MS : durationArg(extras.timeout, 'timeout') };
  },
  async run(target, arg) {
    const seen = await target.advance(arg.timeout, () => holds(callsOf(target), arg.call));
    if (!seen) throw new StepFailure(failure(callsOf(target), arg.call, ` within ${arg.timeout} ms`));
  },
  describe: (arg) => `wait-call: ${describeMatch(arg.call)}`,
};

export const CALL_VERBS: Record<string, Verb<any>> = {
  'expect-call': expectCall,
  'wait-call': waitCall,
};
