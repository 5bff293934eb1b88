// Hot desk rules on real calls (docs/design.md "Calls"): a user's prime line is what their calls make
// it, so a logout waits while a call is up and is refused while one rings; BLF watchers see the calls;
// a user who leaves the set, or a phone that goes, has its calls released.
import { describe, expect, it } from 'vitest';
import type { BlfState, Message } from '../../../../firmware/signalling/messages.ts';
import { OK, callIdOf, connect, dial, loggedIn, offeredId, registered, release, said, settle } from './call-harness.ts';
import { set, user, world } from './harness.ts';

const logout = (ext: string): Message => ({ type: 'logout-request', reason: 'user', ext });

async function desk() {
  const w = world({ users: [user('5123', '1234')], sets: [set('5001'), set('5002')] });
  const alice = await loggedIn(w, 1, '5123', '1234');
  const b = await registered(w, 2, '5001');
  return { w, alice, b };
}

describe('calls: logout and the user\'s calls', () => {
  it('waits while a real call is up and completes when it ends', async () => {
    const { w, alice, b } = await desk();
    const cb = callIdOf(await dial(b, '5123'));
    await settle(w);
    await connect(alice, offeredId(alice));
    expect(w.server.users()[0].line).toBe('busy');
    expect(await alice.ask(logout('5123'))).toEqual({ type: 'logout-refused', reason: 'busy', ext: '5123' });
    await w.clock.advance(60_000);
    expect(w.server.users()).toEqual([expect.objectContaining({ ext: '5123', pendingLogout: 'user' })]);
    await release(b, cb);
    await settle(w);
    expect(alice.received('logout-notice')).toEqual([{ type: 'logout-notice', reason: 'user', ext: '5123', byDn: '' }]);
    expect(w.server.users()).toEqual([]);
  });

  it('a remote logout of a user in a call waits for the call to end; while one rings it is refused', async () => {
    const w = world({ users: [user('5123', '1234')], sets: [set('5001', { remoteLogoutAllowed: true }), set('5002')] });
    const alice = await loggedIn(w, 1, '5123', '1234');
    const b = await registered(w, 2, '5001');
    const cb = callIdOf(await dial(b, '5123'));
    await settle(w);
    expect(w.server.remoteLogout('5001', '5123')).toBe('refused-ringing');
    await connect(alice, offeredId(alice));
    await settle(w);
    expect(w.server.remoteLogout('5001', '5123')).toBe('waiting');
    await w.clock.advance(60_000);
    expect(w.server.users()).toEqual([expect.objectContaining({ ext: '5123', pendingLogout: 'remote' })]);
    await release(b, cb);
    await settle(w);
    expect(alice.received('logout-notice')).toEqual([{ type: 'logout-notice', reason: 'remote', ext: '5123', byDn: '5001' }]);
    expect(w.server.users()).toEqual([]);
  });

  it('is refused while a real call rings, and the user stays', async () => {
    const { w, alice, b } = await desk();
    callIdOf(await dial(b, '5123'));
    await settle(w);
    expect(w.server.users()[0].line).toBe('ringing');
    expect(await alice.ask(logout('5123'))).toEqual({ type: 'logout-refused', reason: 'ringing', ext: '5123' });
    expect(w.server.users()).toHaveLength(1);
  });

  it('a scheduled logout waits for the user\'s own outgoing call to end', async () => {
    const { w, alice } = await desk();
    const out = callIdOf(await dial(alice, '5001'));
    expect(w.server.scheduleLogout()).toEqual({ done: 0, waiting: 1 });
    await release(alice, out);
    await settle(w);
    expect(w.server.users()).toEqual([]);
    expect(alice.received('logout-notice')).toEqual([expect.objectContaining({ reason: 'scheduled' })]);
  });

  it('BLF watchers see the user\'s real calls: ringing, busy, idle', async () => {
    const { w, alice, b } = await desk();
    const watcher = await registered(w, 3, '5002');
    await watcher.ask({ type: 'blf-subscribe', dns: ['5123'] });
    await settle(w);
    const cb = callIdOf(await dial(b, '5123'));
    await settle(w);
    await connect(alice, offeredId(alice));
    await settle(w);
    await release(b, cb);
    await settle(w);
    const shown = watcher.inbox.flatMap((m) => (m.type === 'blf-state' && m.dn === '5123' ? [m.state] : [])) as BlfState[];
    expect(shown).toEqual(['idle', 'ringing', 'busy', 'idle']);
  });
});

describe('calls: released when the user or the phone goes', () => {
  it('a login elsewhere releases the user\'s calls: logged-out at the far end, a plain end on the set they left', async () => {
    const { w, alice, b } = await desk();
    const cb = callIdOf(await dial(b, '5123'));
    await settle(w);
    const onAlice = offeredId(alice);
    await connect(alice, onAlice);
    said(alice);
    const other = await registered(w, 3, '5002');
    expect((await other.login('5123', '1234')).code).toBe('ok');
    await settle(w);
    expect(said(b)).toEqual([`connect ${cb} 5001>5123`, `release ${cb} logged-out`]);
    // the set they left says why in its own logout notice: its call just ends
    expect(said(alice)).toEqual([`release ${onAlice} normal`]);
    expect(alice.received('logout-notice')).toEqual([expect.objectContaining({ reason: 'login-elsewhere' })]);
    expect(w.server.calls()).toEqual([]);
    expect([w.server.counters.calls.released['logged-out'], w.server.counters.calls.released.normal]).toEqual([1, 1]);
  });

  it('an offer to a user who logs out is withdrawn: the caller hears logged-out', async () => {
    const { w, alice, b } = await desk();
    const cb = callIdOf(await dial(b, '5123'));
    await settle(w);
    w.server.loggedInElsewhere('5123');
    await settle(w);
    expect(said(b)).toEqual([`release ${cb} logged-out`]);
    expect(said(alice)).toEqual([expect.stringMatching(/^setup /), expect.stringMatching(/^release \d+ normal$/)]);
  });

  it('a call offered to a set\'s own DN is withdrawn when a user logs in there (the DN is not on the set now)', async () => {
    const { w, b } = await desk();
    const c = await registered(w, 3, '5002');
    const cb = callIdOf(await dial(b, '5002'));
    await settle(w);
    const onC = offeredId(c);
    said(c);
    expect((await c.login('5123', '1234')).code).toBe('ok');
    await settle(w);
    expect(said(c)).toEqual([`release ${onC} normal`]);
    expect(said(b)).toEqual([`release ${cb} normal`]);
    expect(w.server.calls()).toEqual([]);
    // the set rings the user's DN now, not its own
    callIdOf(await dial(b, '5123'));
    await settle(w);
    expect(said(c)).toEqual([expect.stringMatching(/^setup \d+ line 0 5001>5123 ring$/)]);
  });

  it('a phone served by another element now: its calls end, the far end is released', async () => {
    const { w, b } = await desk();
    const c = await registered(w, 3, '5002');
    const cb = callIdOf(await dial(b, '5002'));
    await settle(w);
    await connect(c, offeredId(c));
    await settle(w);
    said(b);
    w.server.leftForElsewhere(c.mac);
    await settle(w);
    expect(said(b)).toEqual([`release ${cb} normal`]);
    expect(w.server.calls()).toEqual([]);
  });

  it('a phone registering again starts with no calls', async () => {
    const { w, b } = await desk();
    const c = await registered(w, 3, '5002');
    const cb = callIdOf(await dial(b, '5002'));
    await settle(w);
    expect(await connect(c, offeredId(c))).toEqual(OK);
    await c.register('5002');
    await settle(w);
    expect(said(b).at(-1)).toBe(`release ${cb} normal`);
    expect(w.server.calls()).toEqual([]);
  });
});
