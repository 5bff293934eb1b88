// The call server's side of the administrator (issue 12), on the protocol with fake phones: LOCATE
// REMOTE DN, the administrator's remote logout (the user's COS decides), Reset a Hot Desk PIN (the
// next login takes the new PIN, the old fails, a lock is forgotten, the PIN is never traced) and the
// scheduled logout by scope, a busy user's waiting for the call to end.
import { describe, expect, it } from 'vitest';
import { set, user, world } from '../controller/call-server/harness.ts';

const external = (ext: string, pin: string) => user(ext, pin, { external: '0612345678' });

describe('call server: the administrator', () => {
  it('locates a user: not logged in, at a set, at a simulated set; an extension no hot desk user has', async () => {
    const w = world({ users: [user('5123', '1'), user('5125', '3', { hotdesk: false })], sets: [set('2001')] });
    const a = w.phone(1);
    await a.register('2001');
    expect(w.server.locate('5123')).toEqual({ loggedIn: false });
    await a.login('5123', '1');
    expect(w.server.locate('5123')).toMatchObject({ loggedIn: true, setDn: '2001', mac: a.mac });
    w.server.loginOnSimulatedSet('5123', '5002');
    expect(w.server.locate('5123')).toMatchObject({ loggedIn: true, setDn: '5002', mac: 'sim:5002' });
    expect(w.server.locate('5999')).toBe('unknown-ext');
    expect(w.server.locate('5125')).toBe('unknown-ext');
  });

  it('logs a user out remotely when the user\'s COS accepts it, and says why not otherwise', async () => {
    const w = world({ users: [user('5123', '1'), user('5124', '2', { remoteLogoutAllowed: false })] });
    const a = w.phone(1);
    const b = w.phone(2);
    await a.register('5000');
    await b.register('5001');
    expect(w.server.adminLogout('5123')).toBe('not-logged-in');
    await a.login('5123', '1');
    await b.login('5124', '2');
    expect(w.server.adminLogout('5124')).toBe('not-allowed');
    expect(w.server.adminLogout('5999')).toBe('unknown-ext');
    w.server.setLineState('5123', 'busy');
    expect(w.server.adminLogout('5123')).toBe('waiting');
    w.server.setLineState('5123', 'idle');
    await w.clock.advance(1_000);
    expect(a.received('logout-notice')).toEqual([{ type: 'logout-notice', reason: 'remote', ext: '5123', byDn: '' }]);
    expect(w.server.users().map((u) => u.ext)).toEqual(['5124']);
  });

  it('resets a PIN: the old one fails, the new one logs in, a lock is forgotten, nothing traces it', async () => {
    const w = world({ users: [user('5123', '1234')], lockout: { failures: 2, windowMs: 300_000, durationMs: 900_000 } });
    const a = w.phone(1);
    await a.register('5000');
    expect(w.server.resetPin('5123', '86420')).toBe('done');
    expect((await a.login('5123', '1234')).code).toBe('wrong-pin');
    expect((await a.login('5123', '0000')).code).toBe('locked');
    expect((await a.login('5123', '86420')).code).toBe('locked'); // the lock holds until the administrator acts
    expect(w.server.resetPin('5123', '97531')).toBe('done');
    expect((await a.login('5123', '86420')).code).toBe('wrong-pin');
    expect((await a.login('5123', '97531')).code).toBe('ok');
    expect(w.server.resetPin('5999', '1')).toBe('unknown-ext');
    expect(() => w.server.resetPin('5123', '123456789')).toThrow('a hot desk PIN is 0 to 8 digits (0-9)');
    expect(w.server.resetPin('5123', '')).toBe('done'); // a blank PIN is a PIN
    const traced = JSON.stringify(w.trace);
    expect(traced).toContain('pin of 5123 reset by the administrator');
    for (const pin of ['86420', '97531']) expect(traced).not.toContain(pin);
  });

  it('resets only this server\'s record: the config\'s user, which other call servers share, keeps its PIN', () => {
    const alice = user('5123', '1234');
    const w = world({ users: [alice] });
    w.server.resetPin('5123', '86420');
    expect(alice.pin).toBe('1234');
  });

  it.each([
    ['external', ['5123'], ['5124']],
    ['internal', ['5124'], ['5123']],
    ['all', [], ['5123', '5124']],
  ] as const)('schedules a logout of %s users only', async (scope, staying, gone) => {
    const w = world({ users: [user('5123', '1'), external('5124', '2')] });
    const a = w.phone(1);
    const b = w.phone(2);
    await a.register('5000');
    await b.register('5001');
    await a.login('5123', '1');
    await b.login('5124', '2');
    expect(w.server.scheduleLogout(scope)).toEqual({ done: gone.length, waiting: 0 });
    await w.clock.advance(1_000);
    expect(w.server.users().map((u) => u.ext)).toEqual(staying);
    for (const [phone, ext] of [[a, '5123'], [b, '5124']] as const) {
      expect(phone.received('logout-notice').length, ext).toBe((gone as readonly string[]).includes(ext) ? 1 : 0);
    }
  });
});
