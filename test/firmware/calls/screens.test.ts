// The call layer's pure functions (firmware/calls/screens.ts) against docs/design.md "Calls (contract)":
// the table of what each state shows and which lamp it lights, which call is in front, and the words a
// release says.
import { describe, expect, it } from 'vitest';
import { behindRow, callRows, callScreen, endRows, frontCall, lampOf, type ShownCall } from '../../../firmware/calls/screens.ts';
import { CALL_STATES, type CallState } from '../../../firmware/calls/view.ts';

const call = (local: number, state: CallState, party = `50${local}0`): ShownCall => ({ local, state, party, dn: '5300', dialled: state === 'dialling' ? '55' : '' });

describe('call layer', () => {
  it('shows each state as the contract table says, with its lamp', () => {
    const table: Record<CallState, [string[], 'ringing' | 'busy' | 'hold']> = {
      dialling: [['Dial', '55'], 'busy'],
      ringback: [['Calling 5010', 'Ringing'], 'busy'],
      ringing: [['Ringing 5010', 'Line 5300'], 'ringing'],
      connected: [['Connected', '5010'], 'busy'],
      held: [['On Hold', '5010'], 'hold'],
      waiting: [['Waiting', '5010'], 'ringing'],
      conference: [['Conference', '5010 + 5020'], 'busy'],
    };
    for (const state of CALL_STATES) {
      expect(callRows(call(1, state), ['5010', '5020']), state).toEqual(table[state][0]);
      expect(lampOf(state), state).toBe(table[state][1]);
    }
    expect(callRows({ ...call(1, 'ringing'), party: '' }, [])).toEqual(['Ringing Unknown', 'Line 5300']);
  });

  it('puts a call up in front, then a ringing one, then a held one, then a waiting one', () => {
    expect(frontCall([])).toBeUndefined();
    const waiting = call(1, 'waiting');
    const held = call(2, 'held');
    const ringing = call(3, 'ringing');
    expect(frontCall([waiting])).toBe(waiting);
    expect(frontCall([waiting, held])).toBe(held);
    expect(frontCall([waiting, held, ringing])).toBe(ringing);
    for (const state of ['dialling', 'ringback', 'connected', 'conference'] as const) {
      const up = call(4, state);
      expect(frontCall([waiting, held, ringing, up]), state).toBe(up);
    }
  });

  it('lists the calls behind the one in front, one row each', () => {
    expect(callScreen([])).toEqual([]);
    expect(callScreen([call(1, 'held'), call(2, 'connected'), call(3, 'waiting')])).toEqual(['Connected', '5020', 'On Hold: 5010', 'Waiting: 5030']);
    expect(callScreen([call(1, 'ringing'), call(2, 'ringing')])).toEqual(['Ringing 5010', 'Line 5300', 'Ringing: 5020']);
    // the two legs of a conference are one conference in front
    expect(callScreen([call(1, 'conference'), call(2, 'conference'), call(3, 'held')])).toEqual(['Conference', '5010 + 5020', 'On Hold: 5030']);
  });

  it('labels each call behind by its state, without a party when it has none', () => {
    const labels: Record<CallState, string> = {
      dialling: 'Dialling',
      ringback: 'Calling',
      ringing: 'Ringing',
      connected: 'Connected',
      held: 'On Hold',
      waiting: 'Waiting',
      conference: 'Conference',
    };
    for (const state of CALL_STATES) {
      expect(behindRow(call(1, state)), state).toBe(`${labels[state]}: 5010`);
      expect(behindRow({ ...call(1, state), party: '' }), state).toBe(labels[state]);
    }
  });

  it('puts the call in front on one row when the display is too small for it and the calls behind', () => {
    const calls = [call(1, 'held'), call(2, 'connected'), call(3, 'waiting')];
    expect(callScreen(calls, 4)).toEqual(['Connected', '5020', 'On Hold: 5010', 'Waiting: 5030']);
    expect(callScreen(calls, 3)).toEqual(['Connected 5020', 'On Hold: 5010', 'Waiting: 5030']);
    expect(callScreen([call(1, 'held'), call(2, 'connected')], 2)).toEqual(['Connected 5020', 'On Hold: 5010']);
    // (an empty row is left out: dial tone with no digits yet)
    expect(callScreen([call(1, 'held'), { ...call(2, 'dialling'), dialled: '' }], 2)).toEqual(['Dial', 'On Hold: 5010']);
    // nothing behind: the front call keeps its rows
    expect(callScreen([call(1, 'connected')], 1)).toEqual(['Connected', '5010']);
    expect(callScreen([call(1, 'conference'), call(2, 'conference')], 1)).toEqual(['Conference', '5010 + 5020']);
  });

  it('says why a call ended (nothing for a feature code, or an offer taken elsewhere)', () => {
    expect(endRows('normal', '5010')).toEqual(['Call Ended', '5010']);
    expect(endRows('busy', '5010')).toEqual(['Busy', '5010']);
    expect(endRows('unreachable', '5010')).toEqual(['Unobtainable', '5010']);
    expect(endRows('no-answer-from-controller', '5010')).toEqual(['Unobtainable', '5010']);
    expect(endRows('logged-out', '5010')).toEqual(['User Logged Out', '5010']);
    expect(endRows('not-allowed', '')).toEqual(['Call Not Allowed']);
    expect(endRows('transferred', '5010')).toEqual(['Call Transferred', '5010']);
    for (const cause of ['rejected', 'no-answer'] as const) expect(endRows(cause, '5010')).toEqual(['No Answer', '5010']);
    for (const cause of ['feature', 'answered-elsewhere', 'picked-up'] as const) expect(endRows(cause, '5010'), cause).toEqual([]);
  });
});
