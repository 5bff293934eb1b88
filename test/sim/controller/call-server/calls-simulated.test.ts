// The parties the call server plays (placeCall, answerParty, hangupParty) and the controller's `line`
// action, which rings a line through the same call model (docs/design.md "Calls").
import { describe, expect, it } from 'vitest';
import { OK, REJECTED, connect, offeredId, registered, loggedIn, release, said, settle } from './call-harness.ts';
import { set, user, world } from './harness.ts';

const sets = [set('5000'), set('5001')];

describe('calls: simulated parties', () => {
  it('a simulated caller rings a phone, which answers; the party hangs up', async () => {
    const w = world({ sets });
    const a = await registered(w, 1, '5000');
    w.server.placeCall('5999', '5000');
    await settle(w);
    const onA = offeredId(a);
    expect(said(a)).toEqual([`setup ${onA} line 0 5999>5000 ring`]);
    expect(await connect(a, onA)).toEqual(OK);
    expect(w.server.calls()).toEqual([
      expect.objectContaining({ dn: '5999', party: '5000', state: 'connected', mac: 'simulated' }),
      { id: onA, dn: '5000', party: '5999', state: 'connected', mac: a.mac, line: 0 },
    ]);
    w.server.hangupParty('5999');
    await settle(w);
    expect(said(a)).toEqual([`release ${onA} normal`]);
    expect(w.server.calls()).toEqual([]);
    expect(() => w.server.hangupParty('5999')).toThrow(/5999 is in no call/);
  });

  it('a call placed from a phone rings it back (a call it did not dial) until the party answers', async () => {
    const w = world({ sets });
    const a = await registered(w, 1, '5000');
    w.server.placeCall('5000', '0');
    await settle(w);
    const [alerting] = said(a);
    expect(alerting).toMatch(/^alerting \d+ 5000>0$/);
    const id = Number(alerting.split(' ')[1]);
    expect(w.server.calls().map((c) => [c.mac, c.state])).toEqual([
      [a.mac, 'ringback'],
      ['simulated', 'ringing'],
    ]);
    w.server.answerParty('0');
    await settle(w);
    expect(said(a)).toEqual([`connect ${id} 5000>0`]);
    expect(() => w.server.answerParty('0')).toThrow(/no call rings 0/);
    expect(await release(a, id)).toEqual(OK);
    expect(w.server.calls()).toEqual([]);
  });

  it('a call placed from one phone to another rings the other', async () => {
    const w = world({ sets });
    const a = await registered(w, 1, '5000');
    const b = await registered(w, 2, '5001');
    w.server.placeCall('5000', '5001');
    await settle(w);
    expect(said(a)).toEqual([expect.stringMatching(/^alerting \d+ 5000>5001$/)]);
    expect(said(b)).toEqual([expect.stringMatching(/^setup \d+ line 0 5000>5001 ring$/)]);
  });

  it('a phone call that cannot go through is told on the phone; from a simulated party it throws', async () => {
    const w = world({ sets, users: [user('5123', '1')] });
    const a = await registered(w, 1, '5000');
    w.server.placeCall('5000', '5123');
    await settle(w);
    expect(said(a)).toEqual([expect.stringMatching(/^alerting \d+ 5000>5123$/), expect.stringMatching(/^release \d+ logged-out$/)]);
    expect(() => w.server.placeCall('5999', '5123')).toThrow(/5999 -> 5123: released logged-out/);
    expect(() => w.server.placeCall('', '5000')).toThrow(/calling DN is empty/);
    expect(() => w.server.placeCall('5999', '')).toThrow(/called DN is empty/);
    // line 0 holds an unanswered offer: nothing free to place another call from
    w.server.placeCall('5998', '5000');
    expect(() => w.server.placeCall('5000', '0')).toThrow(/5000 has no free appearance/);
    expect(() => w.server.answerParty('5000')).toThrow(/5000 is a phone's/);
  });
});

describe('calls: the line action rings through the call model', () => {
  const alice = user('5123', '4711', {
    keys: [
      { key: 'key:1', type: 'line', dn: '5123' },
      { key: 'key:6', type: 'line', dn: '5200' },
    ],
  });

  it('rings every key of the line (hidden or not) from nobody, and stops on idle', async () => {
    const w = world({ users: [alice] });
    const p = await loggedIn(w, 1, '5123', '4711');
    w.server.setLineState('5200', 'ringing');
    w.server.setLineState('5200', 'ringing'); // once is enough
    await settle(w);
    const id = offeredId(p);
    expect(said(p)).toEqual([`setup ${id} line 6 ->5200 ring`]);
    expect(w.server.blfState('5200')).toBe('ringing');
    w.server.setLineState('5200', 'idle');
    await settle(w);
    expect(said(p)).toEqual([`release ${id} normal`]);
    expect(w.server.calls()).toEqual([]);
    expect(w.server.blfState('5200')).toBe('idle');
  });

  it('a ring answered is a call: the line is busy until it ends', async () => {
    const w = world({ users: [alice] });
    const p = await loggedIn(w, 1, '5123', '4711');
    w.server.setLineState('5123', 'ringing');
    await settle(w);
    const id = offeredId(p);
    expect(w.server.users()[0].line).toBe('ringing');
    expect(await connect(p, id)).toEqual(OK);
    expect(w.server.users()[0].line).toBe('busy');
    expect(await release(p, id)).toEqual(OK);
    expect(w.server.users()[0].line).toBe('idle');
    expect(await connect(p, id)).toEqual(REJECTED);
  });

  it('a line with no key to ring only shows ringing (BLF), as a busy one only shows busy', async () => {
    const w = world({ users: [user('5124', '1')], sets });
    const p = await loggedIn(w, 1, '5124', '1');
    w.server.setLineState('5124', 'ringing'); // the user has no key for it: line 0 is left alone
    w.server.setLineState('5001', 'busy');
    await settle(w);
    expect(said(p)).toEqual([]);
    expect(w.server.calls()).toEqual([]);
    expect([w.server.blfState('5124'), w.server.blfState('5001')]).toEqual(['ringing', 'busy']);
  });
});
