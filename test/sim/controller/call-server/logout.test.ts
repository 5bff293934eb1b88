import { describe, expect, it } from 'vitest';
import { set, user, world } from './harness.ts';

const HOUR = 3_600_000;

async function loggedIn(users = [user('5123', '1234')], sets = [set('5000'), set('5001')]) {
  const w = world({ users, sets });
  const a = w.phone(1);
  const b = w.phone(2);
  await a.register('5000');
  await b.register('5001');
  expect((await a.login('5123', '1234')).code).toBe('ok');
  await w.clock.advance(1_000); // the key layout goes down
  return { w, a, b };
}

describe('call server: logout from the set', () => {
  it('idle: done at once, the answer is the logout-notice', async () => {
    const { w, a } = await loggedIn();
    expect(await a.ask({ type: 'logout-request', reason: 'user', ext: '5123' })).toEqual({ type: 'logout-notice', reason: 'user', ext: '5123', byDn: '' });
    expect(w.server.users()).toEqual([]);
    expect(w.server.counters.logouts.user).toBe(1);
    await w.clock.advance(1_000);
    expect(a.received('logout-notice')).toEqual([]); // no second notice as a request
  });

  it('ringing: refused, the user stays logged in', async () => {
    const { w, a } = await loggedIn();
    w.server.setLineState('5123', 'ringing');
    expect(await a.ask({ type: 'logout-request', reason: 'user', ext: '5123' })).toEqual({ type: 'logout-refused', reason: 'ringing', ext: '5123' });
    w.server.setLineState('5123', 'idle');
    await w.clock.advance(1_000);
    expect(w.server.users().map((u) => u.ext)).toEqual(['5123']);
    expect(a.received('logout-notice')).toEqual([]);
    expect(w.server.counters.logoutRefusals.ringing).toBe(1);
  });

  it('busy: waits, and completes with a logout-notice when the call ends', async () => {
    const { w, a } = await loggedIn();
    w.server.setLineState('5123', 'busy');
    expect(await a.ask({ type: 'logout-request', reason: 'user', ext: '5123' })).toEqual({ type: 'logout-refused', reason: 'busy', ext: '5123' });
    await w.clock.advance(10 * 60_000);
    expect(w.server.users()).toEqual([expect.objectContaining({ ext: '5123', line: 'busy', pendingLogout: 'user' })]);
    w.server.setLineState('5123', 'idle');
    await w.clock.advance(1_000);
    expect(a.received('logout-notice')).toEqual([{ type: 'logout-notice', reason: 'user', ext: '5123', byDn: '' }]);
    expect(w.server.users()).toEqual([]);
  });

  it('a set asking to log out a user it does not have is told it is logged out, and nobody else is touched', async () => {
    const { w, b } = await loggedIn();
    expect(await b.ask({ type: 'logout-request', reason: 'user', ext: '5123' })).toMatchObject({ type: 'logout-notice', ext: '5123' });
    expect(w.server.users().map((u) => u.ext)).toEqual(['5123']);
  });
});

describe('call server: remote logout', () => {
  const users = [user('5123', '1234'), user('5124', '4', { remoteLogoutAllowed: false })];
  const sets = [set('5000'), set('5001', { remoteLogoutAllowed: true }), set('5002')];

  it('allowed by both COS: the user is logged out of the other set, with who did it', async () => {
    const { w, a, b } = await loggedIn(users, sets);
    expect(await b.ask({ type: 'logout-request', reason: 'remote', ext: '5123' })).toEqual({ type: 'logout-notice', reason: 'remote', ext: '5123', byDn: '5001' });
    await w.clock.advance(1_000);
    expect(a.received('logout-notice')).toEqual([{ type: 'logout-notice', reason: 'remote', ext: '5123', byDn: '5001' }]);
    expect(w.server.users()).toEqual([]);
    expect(w.server.counters.logouts.remote).toBe(1);
  });

  it("denied when the requesting set's COS does not allow it", async () => {
    const { w, a } = await loggedIn(users, sets);
    const c = w.phone(3);
    await c.register('5002');
    expect(await c.ask({ type: 'logout-request', reason: 'remote', ext: '5123' })).toEqual({ type: 'logout-refused', reason: 'not-allowed', ext: '5123' });
    expect(w.server.remoteLogout('9999', '5123')).toBe('not-allowed'); // an unknown set has no such COS
    await w.clock.advance(1_000);
    expect(a.received('logout-notice')).toEqual([]);
    expect(w.server.users().map((u) => u.ext)).toEqual(['5123']);
  });

  it("denied when the user's COS does not accept it", async () => {
    const w = world({ users, sets });
    const a = w.phone(1);
    await a.register('5000');
    await a.login('5124', '4');
    expect(w.server.remoteLogout('5001', '5124')).toBe('not-allowed');
    expect(w.server.users().map((u) => u.ext)).toEqual(['5124']);
  });

  it('the API: unknown user, not logged in, ringing refused, busy waits', async () => {
    const { w, a } = await loggedIn(users, sets);
    expect(w.server.remoteLogout('5001', '7777')).toBe('unknown-ext');
    expect(w.server.remoteLogout('5001', '5124')).toBe('not-allowed');
    w.server.setLineState('5123', 'ringing');
    expect(w.server.remoteLogout('5001', '5123')).toBe('refused-ringing');
    w.server.setLineState('5123', 'busy');
    expect(w.server.remoteLogout('5001', '5123')).toBe('waiting');
    w.server.setLineState('5123', 'idle');
    await w.clock.advance(1_000);
    expect(a.received('logout-notice')).toEqual([{ type: 'logout-notice', reason: 'remote', ext: '5123', byDn: '5001' }]);
    expect(w.server.remoteLogout('5001', '5123')).toBe('not-logged-in');
  });
});

describe('call server: auto-logout', () => {
  it("logs the user out when the COS timer runs out, on the clock from login", async () => {
    const { w, a } = await loggedIn([user('5123', '1234', { autoLogoutHours: 8 })]);
    const since = w.server.users()[0].since;
    await w.clock.advance(since + 8 * HOUR - 1 - w.clock.now());
    expect(w.server.users()).toHaveLength(1);
    await w.clock.advance(1_000);
    expect(a.received('logout-notice')).toEqual([{ type: 'logout-notice', reason: 'auto', ext: '5123', byDn: '' }]);
    expect(w.server.users()).toEqual([]);
    expect(w.server.counters.logouts.auto).toBe(1);
  });

  it('waits for a call in progress to end', async () => {
    const { w, a } = await loggedIn([user('5123', '1234', { autoLogoutHours: 1 })]);
    w.server.setLineState('5123', 'busy');
    await w.clock.advance(2 * HOUR);
    expect(w.server.users()).toEqual([expect.objectContaining({ pendingLogout: 'auto' })]);
    w.server.setLineState('5123', 'idle');
    await w.clock.advance(1_000);
    expect(a.received('logout-notice')).toEqual([expect.objectContaining({ reason: 'auto' })]);
  });

  it('a logout before the timer cancels it: no alarm is left on the clock', async () => {
    const { w, a } = await loggedIn([user('5123', '1234', { autoLogoutHours: 8 })]);
    await a.ask({ type: 'logout-request', reason: 'user', ext: '5123' });
    await w.clock.advance(60_000); // let the transactions' caches and timers drain
    expect(w.clock.pending).toBe(0);
  });

  it('no COS timer, no auto-logout', async () => {
    const { w } = await loggedIn();
    await w.clock.advance(48 * HOUR);
    expect(w.server.users()).toHaveLength(1);
  });
});

describe('call server: scheduled logout', () => {
  it('logs idle users out now and busy ones when their call ends', async () => {
    const w = world({ users: [user('5123', '1'), user('5124', '2')] });
    const a = w.phone(1);
    const b = w.phone(2);
    await a.register('5000');
    await b.register('5001');
    await a.login('5123', '1');
    await b.login('5124', '2');
    w.server.setLineState('5124', 'busy');
    expect(w.server.scheduleLogout()).toEqual({ done: 1, waiting: 1 });
    await w.clock.advance(1_000);
    expect(a.received('logout-notice')).toEqual([{ type: 'logout-notice', reason: 'scheduled', ext: '5123', byDn: '' }]);
    expect(b.received('logout-notice')).toEqual([]);
    w.server.setLineState('5124', 'idle');
    await w.clock.advance(1_000);
    expect(b.received('logout-notice')).toEqual([{ type: 'logout-notice', reason: 'scheduled', ext: '5124', byDn: '' }]);
    expect(w.server.users()).toEqual([]);
    expect(w.server.counters.logouts.scheduled).toBe(2);
  });
});
