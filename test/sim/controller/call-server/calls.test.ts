// Calls between phones over real sealed signalling (docs/design.md "Calls"): set-up, answer, release
// from either end, busy and call waiting, the refusals, and bad requests answered ack rejected.
import { describe, expect, it } from 'vitest';
import type { TraceRecord } from '../../../../firmware/hal.ts';
import { OK, REJECTED, callIdOf, connect, dial, hold, loggedIn, offeredId, registered, release, said, settle } from './call-harness.ts';
import { set, user, world } from './harness.ts';

const sets = [set('5000'), set('5001'), set('5002'), set('5003')];

function callTrace(trace: TraceRecord[], call: number): string[] {
  return trace.flatMap((r) => (r.kind === 'call' && r.call === call ? [`${r.state}${r.cause ? ` ${r.cause}` : ''}`] : []));
}

/** Set 5000 (a) calls set 5001 (b): the call ringing on b, ca / cb the two legs. */
async function ringing() {
  const w = world({ sets });
  const a = await registered(w, 1, '5000');
  const b = await registered(w, 2, '5001');
  const ca = callIdOf(await dial(a, '5001'));
  await settle(w);
  return { w, a, b, ca, cb: offeredId(b) };
}

describe('calls: two phones', () => {
  it('the caller rings back, the called set is offered the call, an answer connects both, a release ends both', async () => {
    const w = world({ sets });
    const a = await registered(w, 1, '5000');
    const b = await registered(w, 2, '5001');
    const answer = await dial(a, '5001');
    expect(answer).toMatchObject({ type: 'call-alerting', line: 0, fromDn: '5000', toDn: '5001' });
    const ca = callIdOf(answer);
    await settle(w);
    const cb = offeredId(b);
    expect(cb).not.toBe(ca);
    expect(said(b)).toEqual([`setup ${cb} line 0 5000>5001 ring`]);
    expect(w.server.calls()).toEqual([
      { id: ca, dn: '5000', party: '5001', state: 'ringback', mac: a.mac, line: 0 },
      { id: cb, dn: '5001', party: '5000', state: 'ringing', mac: b.mac, line: 0 },
    ]);
    expect(w.server.users()).toEqual([]); // nobody logged in: the sets' own DNs call

    expect(await connect(b, cb)).toEqual(OK);
    await settle(w);
    expect(said(a)).toEqual([`connect ${ca} 5000>5001`]);
    expect(w.server.calls().map((c) => c.state)).toEqual(['connected', 'connected']);

    expect(await release(a, ca)).toEqual(OK);
    await settle(w);
    expect(said(b)).toEqual([`release ${cb} normal`]);
    expect(said(a)).toEqual([]);
    expect(w.server.calls()).toEqual([]);
    expect(callTrace(w.trace, ca)).toEqual(['ringback', 'connected', 'idle normal']);
    expect(callTrace(w.trace, cb)).toEqual(['ringing', 'connected', 'idle normal']);
    expect(w.server.counters.calls).toMatchObject({ setups: 1, answered: 1, busy: 0 });
    expect(w.server.counters.calls.released.normal).toBe(2);
  });

  it('the called end hangs up: the caller is released', async () => {
    const { w, a, b, ca, cb } = await ringing();
    await connect(b, cb);
    expect(await release(b, cb)).toEqual(OK);
    await settle(w);
    expect(said(a)).toEqual([`connect ${ca} 5000>5001`, `release ${ca} normal`]);
    expect(w.server.calls()).toEqual([]);
  });

  it('a caller hanging up while it rings cancels the offer; answering it then is refused', async () => {
    const { w, a, b, ca, cb } = await ringing();
    said(b);
    await release(a, ca);
    await settle(w);
    expect(said(b)).toEqual([`release ${cb} normal`]);
    expect(await connect(b, cb)).toEqual(REJECTED);
    expect(w.server.counters.calls.refused['unknown-call']).toBe(1);
  });

  it('line 0 takes a second call as call waiting while one is up; a third is busy', async () => {
    const w = world({ sets });
    const [a, b, c, d] = [await registered(w, 1, '5000'), await registered(w, 2, '5001'), await registered(w, 3, '5002'), await registered(w, 4, '5003')];
    callIdOf(await dial(a, '5001'));
    await settle(w);
    await connect(b, offeredId(b));
    said(b);
    callIdOf(await dial(c, '5001'));
    await settle(w);
    const waiting = offeredId(b);
    expect(said(b)).toEqual([`setup ${waiting} line 0 5002>5001 ring`]);
    expect(w.server.calls().find((l) => l.id === waiting)?.state).toBe('waiting');
    const busy = await dial(d, '5001');
    expect(busy).toMatchObject({ type: 'call-release', cause: 'busy', fromDn: '5003', toDn: '5001' });
    expect(w.server.counters.calls.busy).toBe(1);
    expect(w.server.calls()).toHaveLength(4); // the busy call left nothing behind
    // the waiting call answered: both of b's calls are up
    expect(await connect(b, waiting)).toEqual(OK);
    await settle(w);
    expect(said(c).at(-1)).toMatch(/^connect \d+ 5002>5001$/);
  });

  it('refuses an empty number (unreachable) and a logged-out hot desk user; a DN nobody holds is played', async () => {
    const w = world({ sets, users: [user('5123', '1234')] });
    const a = await registered(w, 1, '5000');
    expect(await dial(a, '')).toMatchObject({ type: 'call-release', cause: 'unreachable' });
    expect(await dial(a, '5123')).toMatchObject({ type: 'call-release', cause: 'logged-out', toDn: '5123' });
    const played = callIdOf(await dial(a, '5999'));
    expect(w.server.calls()).toEqual([
      { id: played, dn: '5000', party: '5999', state: 'ringback', mac: a.mac, line: 0 },
      expect.objectContaining({ dn: '5999', party: '5000', state: 'ringing', mac: 'simulated', line: 0 }),
    ]);
    expect(w.server.holds('5999')).toBe(false);
    expect(w.server.counters.calls.released).toMatchObject({ unreachable: 1, 'logged-out': 1 });
  });

  it('a logged-in hot desk user is called on the set they sit at', async () => {
    const w = world({ sets, users: [user('5123', '1234')] });
    const a = await registered(w, 1, '5000');
    const desk = await loggedIn(w, 2, '5123', '1234', '5001');
    expect(w.server.holds('5123')).toBe(true);
    expect(w.server.holds('5001')).toBe(false); // the set's own DN is nobody's while a user sits there
    callIdOf(await dial(a, '5123'));
    await settle(w);
    expect(said(desk)).toEqual([expect.stringMatching(/^setup \d+ line 0 5000>5123 ring$/)]);
    expect(w.server.users()[0].line).toBe('ringing');
  });
});

describe('calls: a set with no user and no DN', () => {
  it('may call only the operator and the emergency numbers; a userless handset its alarm DN too', async () => {
    const w = world({ sets, alarmDn: '7000' });
    const bare = await registered(w, 1, '');
    expect(await dial(bare, '5001')).toMatchObject({ type: 'call-release', cause: 'not-allowed', toDn: '5001' });
    // the alarm DN is the handset Alarm key's: a desk set with nobody on it may not dial it
    expect(await dial(bare, '7000')).toMatchObject({ type: 'call-release', cause: 'not-allowed', toDn: '7000' });
    for (const dn of ['0', '911', '112', '999']) expect(await release(bare, callIdOf(await dial(bare, dn)))).toEqual(OK);
    expect(w.server.counters.calls.released['not-allowed']).toBe(2);
    const handset = w.phone(3);
    expect(await handset.register('', '', '5607')).toMatchObject({ type: 'register-ack', result: 'ok' });
    await w.clock.advance(1_000);
    expect((await dial(handset, '7000')).type).toBe('call-alerting');
    expect(await dial(handset, '5001')).toMatchObject({ type: 'call-release', cause: 'not-allowed' });
    // a set with a DN of its own calls anything
    const a = await registered(w, 2, '5000');
    expect((await dial(a, '5001')).type).toBe('call-alerting');
  });
});

describe('calls: bad requests are refused and counted, never thrown', () => {
  it('unknown ids, another phone\'s leg, a call-setup naming a call or a key the set has not', async () => {
    const w = world({ sets });
    const a = await registered(w, 1, '5000');
    const b = await registered(w, 2, '5001');
    const ca = callIdOf(await dial(a, '5001'));
    const refused = w.server.counters.calls.refused;
    expect(await connect(a, 4242)).toEqual(REJECTED);
    expect(await release(b, ca)).toEqual(REJECTED); // a's leg
    expect(await connect(a, ca)).toEqual(REJECTED); // its own ringback is not an offer
    expect(await b.ask({ type: 'call-setup', callId: 7, line: 0, fromDn: '5001', toDn: '5000', ring: 'ring' })).toEqual(REJECTED);
    expect(await dial(b, '5000', 3)).toEqual(REJECTED); // no key 3 on the set
    expect(await b.ask({ type: 'line-status', callId: ca, line: 1, dn: '5000', party: '', state: 'idle' })).toEqual(REJECTED);
    expect(refused).toEqual({ 'unknown-call': 1, 'not-yours': 1, 'wrong-state': 1, 'bad-line': 2, 'appearance-full': 0, 'not-for-controller': 1 });
    expect(w.server.calls().map((c) => c.state)).toEqual(['ringback', 'ringing']); // nothing moved
  });

  it('an appearance carries two calls: a third call-setup from it is refused, and nothing moves', async () => {
    const w = world({ sets });
    const [a, b, c] = [await registered(w, 1, '5000'), await registered(w, 2, '5001'), await registered(w, 3, '5002')];
    const ab = callIdOf(await dial(a, '5001'));
    await settle(w);
    await connect(b, offeredId(b));
    expect(await hold(a, ab)).toEqual(OK);
    callIdOf(await dial(a, '5002')); // the consultation call, on the same appearance
    await settle(w);
    said(c);
    const before = w.server.calls();
    expect(await dial(a, '5003')).toEqual(REJECTED);
    await settle(w);
    expect(w.server.counters.calls.refused['appearance-full']).toBe(1);
    expect(w.server.calls()).toEqual(before);
    expect(w.server.counters.calls.setups).toBe(2);
  });

  it('a phone that never registered is refused before the calls see it', async () => {
    const w = world({ sets });
    expect(await dial(w.phone(1), '5001')).toEqual(REJECTED);
    expect(w.server.counters.calls.setups).toBe(0);
  });
});
