import { describe, expect, it } from 'vitest';
import { set, user, world } from './harness.ts';

describe('call server: a phone registering with a user logged in (re-home, reboot)', () => {
  it('restores a resilient user: logged in here, BLF watchers see it, no new login needed', async () => {
    // the user logged in on the primary, which issued the cluster's token for that login
    const primary = world({ users: [user('5123', '1234')], sets: [set('5001')] });
    const before = primary.phone(2);
    await before.register('5001');
    const login = await before.login('5123', '1234');
    expect(login.code).toBe('ok');
    // the phone fails over to this element of the same cluster, with the token
    const w = world({ users: [user('5123', '1234', { secondary: '192.168.10.1' })], sets: [set('5000')] });
    const watcher = w.phone(1);
    await watcher.register('5000');
    await watcher.ask({ type: 'blf-subscribe', dns: ['5123'] });
    const p = w.phone(2);
    expect(await p.register('5001', '5123', '5340', login.token)).toMatchObject({ type: 'register-ack', result: 'ok' });
    await w.clock.advance(1_000);
    expect(w.server.users()).toEqual([expect.objectContaining({ ext: '5123', mac: p.mac })]);
    expect(p.received('logout-notice')).toEqual([]);
    expect(watcher.blf.get('5123')).toBe('idle');
  });

  it('resilient hot desking: away from home, the user is kept only when user and set both have this secondary', async () => {
    // the user's home (the cluster's first element) is dead; this element is the user's secondary
    const cluster = { phoneRegistered() {}, userLoggedIn() {}, userLoggedOut() {}, lastLogout: () => -1, isAlive: () => false, primary: () => '192.168.10.9' };
    const cases = [
      { what: 'both', userSecondary: '192.168.10.1', setSecondary: '192.168.10.1', kept: true },
      { what: 'the set has another secondary', userSecondary: '192.168.10.1', setSecondary: '192.168.10.7', kept: true },
      { what: 'no set secondary', userSecondary: '192.168.10.1', setSecondary: undefined, kept: false },
      { what: 'no user secondary', userSecondary: undefined, setSecondary: '192.168.10.1', kept: false },
      { what: "the user's secondary is another element", userSecondary: '192.168.10.7', setSecondary: '192.168.10.1', kept: false },
    ];
    for (const c of cases) {
      const primary = world({ users: [user('5123', '1234')], sets: [set('5001')] });
      const before = primary.phone(2);
      await before.register('5001');
      const login = await before.login('5123', '1234');
      const w = world({ users: [user('5123', '1234', { secondary: c.userSecondary })], sets: [set('5001', { secondary: c.setSecondary })] }, { cluster });
      const p = w.phone(2);
      expect(await p.register('5001', '5123', '5340', login.token)).toMatchObject({ type: 'register-ack', result: 'ok' });
      await w.clock.advance(1_000);
      expect({ what: c.what, kept: w.server.users().length === 1 }).toEqual({ what: c.what, kept: c.kept });
      expect(p.received('logout-notice')).toEqual(c.kept ? [] : [{ type: 'logout-notice', reason: 'failover-version', ext: '5123', byDn: '' }]);
    }
  });

  it("the user's home element keeps the user whatever the secondaries (fail-back)", async () => {
    const cluster = { phoneRegistered() {}, userLoggedIn() {}, userLoggedOut() {}, lastLogout: () => -1, isAlive: () => true, primary: () => '192.168.10.1' };
    const other = world({ users: [user('5123', '1234')], sets: [set('5001')] });
    const before = other.phone(2);
    await before.register('5001');
    const login = await before.login('5123', '1234');
    const w = world({ users: [user('5123', '1234')], sets: [set('5001')] }, { cluster });
    const p = w.phone(2);
    await p.register('5001', '5123', '5340', login.token);
    await w.clock.advance(1_000);
    expect(w.server.users()).toEqual([expect.objectContaining({ ext: '5123', mac: p.mac })]);
  });

  it('naming a user in register is not logging in: without the token of a login on this set, no session', async () => {
    const primary = world({ users: [user('5123', '1234')] });
    const other = primary.phone(3);
    await other.register('5003');
    const elsewhere = await other.login('5123', '1234'); // a real token, but for another set
    const w = world({ users: [user('5123', '1234', { secondary: '192.168.10.1' })] });
    const p = w.phone(2);
    for (const token of [new Uint8Array(16), elsewhere.token, Uint8Array.from({ length: 16 }, (_, i) => i + 1)]) {
      await p.register('5001', '5123', '5340', token);
      await w.clock.advance(1_000);
      expect(w.server.users()).toEqual([]);
    }
    expect(p.received('logout-notice')).toEqual(Array(3).fill({ type: 'logout-notice', reason: 'failover-version', ext: '5123', byDn: '' }));
    expect(w.server.blfState('5123')).toBe('logged-out');
  });

  it('a user this controller does not know is logged out of the phone, after the register-ack', async () => {
    const w = world();
    const p = w.phone(1);
    await p.register('5001', '5999');
    await w.clock.advance(1_000);
    expect(p.received('logout-notice')).toEqual([{ type: 'logout-notice', reason: 'failover-version', ext: '5999', byDn: '' }]);
    expect(w.server.users()).toEqual([]);
  });

  it('a user already logged in on another set stays there; the re-homing phone is told', async () => {
    const w = world({ users: [user('5123', '1234')] });
    const a = w.phone(1);
    await a.register('5000');
    await a.login('5123', '1234');
    const b = w.phone(2);
    await b.register('5001', '5123');
    await w.clock.advance(1_000);
    expect(b.received('logout-notice')).toEqual([{ type: 'logout-notice', reason: 'login-elsewhere', ext: '5123', byDn: '5000' }]);
    expect(w.server.users()).toEqual([expect.objectContaining({ ext: '5123', mac: a.mac })]);
  });

  it('a phone that re-registers with nobody logged in (it rebooted) ends the session held for it', async () => {
    const w = world({ users: [user('5123', '1234')] });
    const a = w.phone(1);
    await a.register('5000');
    await a.login('5123', '1234');
    await a.register('5000', '');
    expect(w.server.users()).toEqual([]);
    expect(w.server.blfState('5123')).toBe('logged-out');
  });
});

describe('call server: a logout revokes the login\'s session token', () => {
  it('a register presenting the token of a login that has since logged out restores nothing', async () => {
    const w = world({ users: [user('5123', '1234')] });
    const p = w.phone(1);
    await p.register('5000');
    const login = await p.login('5123', '1234');
    expect(login.code).toBe('ok');
    await w.clock.advance(1_000);
    expect(await p.ask({ type: 'logout-request', reason: 'user', ext: '5123' })).toMatchObject({ type: 'logout-notice' });
    await w.clock.advance(1_000);
    await p.register('5000', '5123', '5340', login.token);
    await w.clock.advance(1_000);
    expect(w.server.users()).toEqual([]);
  });
});
