import { describe, expect, it } from 'vitest';
import { decodeMessage } from '../../../../firmware/signalling/messages.ts';
import { pinResponse } from '../../../../firmware/signalling/pin-auth.ts';
import { set, user, world } from './harness.ts';

const alice = user('5123', '1234', { name: 'Alice Smith', language: 'fr' });

describe('call server: login results', () => {
  it('ok: name, extension and language, and the user is logged in on that phone', async () => {
    const w = world({ users: [alice] });
    const p = w.phone(1);
    await p.register('5000');
    const r = await p.login('5123', '1234');
    expect(r).toMatchObject({ code: 'ok', ext: '5123', name: 'Alice Smith', language: 'fr', attemptsLeft: 3, lockedSeconds: 0, redirectIp: '0.0.0.0' });
    expect(w.server.users()).toEqual([expect.objectContaining({ ext: '5123', name: 'Alice Smith', mac: p.mac, setDn: '5000', line: 'idle' })]);
    expect(w.server.phones()[0].hotdeskExt).toBe('5123');
    expect(w.server.counters.logins.ok).toBe(1);
  });

  it('a blank PIN is a PIN', async () => {
    const w = world({ users: [user('5200', '')] });
    const p = w.phone(1);
    await p.register();
    expect((await p.login('5200', '')).code).toBe('ok');
  });

  it('wrong-pin counts down the attempts left', async () => {
    const w = world({ users: [alice] });
    const p = w.phone(1);
    await p.register();
    expect(await p.login('5123', '9999')).toMatchObject({ code: 'wrong-pin', attemptsLeft: 2, name: '' });
    expect(await p.login('5123', '1235')).toMatchObject({ code: 'wrong-pin', attemptsLeft: 1 });
    expect(w.server.users()).toEqual([]);
    expect(w.server.counters.logins['wrong-pin']).toBe(2);
  });

  it('unknown-ext and not-hotdesk-user are answered at login-begin, with no challenge', async () => {
    const w = world({ users: [alice, user('5300', '1', { hotdesk: false })], sets: [set('5000')] });
    const p = w.phone(1);
    await p.register();
    expect(await p.ask({ type: 'login-begin', ext: '7777' })).toMatchObject({ type: 'login-result', code: 'unknown-ext', ext: '7777' });
    expect(await p.ask({ type: 'login-begin', ext: '5300' })).toMatchObject({ type: 'login-result', code: 'not-hotdesk-user' });
    expect(await p.ask({ type: 'login-begin', ext: '5000' })).toMatchObject({ type: 'login-result', code: 'not-hotdesk-user' }); // a set's DN
    expect(w.server.counters.logins).toMatchObject({ 'unknown-ext': 1, 'not-hotdesk-user': 2 });
  });

  it('redirect: a user homed on another controller is sent there, with the peer port', async () => {
    const w = world({
      users: [user('5400', '1', { home: '10.0.2.1' }), user('5401', '1', { home: '10.0.3.1' }), user('5402', '1', { home: '10.0.2.1', secondary: '192.168.10.1' })],
      cluster: [{ id: 'icp-2', ip: '10.0.2.1', port: 6900 }],
    });
    const p = w.phone(1);
    await p.register();
    expect(await p.login('5400', '1')).toMatchObject({ code: 'redirect', redirectIp: '10.0.2.1', redirectPort: 6900 });
    expect(await p.login('5401', '1')).toMatchObject({ code: 'redirect', redirectIp: '10.0.3.1', redirectPort: 6800 });
    // this controller is only 5402's secondary and home is up (nothing says otherwise): home takes the login
    expect(await p.login('5402', '1')).toMatchObject({ code: 'redirect', redirectIp: '10.0.2.1', redirectPort: 6900 });
  });

  it("a user's secondary sends the login home while home is in service, and serves it while home is not", async () => {
    const dead = new Set<string>();
    const cluster = { phoneRegistered() {}, userLoggedIn() {}, userLoggedOut() {}, lastLogout: () => -1, isAlive: (ip: string) => !dead.has(ip), primary: () => '192.168.10.1' };
    const w = world({ users: [user('5402', '1', { home: '10.0.2.1', secondary: '192.168.10.1' })], cluster: [{ id: 'icp-2', ip: '10.0.2.1', port: 6900 }] }, { cluster });
    const p = w.phone(1);
    await p.register();
    expect(await p.login('5402', '1')).toMatchObject({ code: 'redirect', redirectIp: '10.0.2.1', redirectPort: 6900 });
    expect(w.server.users()).toEqual([]);
    dead.add('10.0.2.1');
    expect((await p.login('5402', '1')).code).toBe('ok');
  });

  it('a user homed on THIS controller logs in here', async () => {
    const w = world({ users: [user('5400', '1', { home: '192.168.10.1' })] });
    const p = w.phone(1);
    await p.register();
    expect((await p.login('5400', '1')).code).toBe('ok');
  });
});

describe('call server: the challenge', () => {
  it('is single use: replaying a valid login (new transaction) is refused and not counted', async () => {
    const w = world({ users: [alice] });
    const p = w.phone(1);
    await p.register();
    const ch = await p.ask({ type: 'login-begin', ext: '5123' });
    if (ch.type !== 'login-challenge') throw new Error('no challenge');
    const hmac = pinResponse(ch.nonce, '5123', p.mac, '1234');
    expect(await p.ask({ type: 'login', ext: '5123', hmac })).toMatchObject({ code: 'ok' });
    expect(await p.ask({ type: 'login', ext: '5123', hmac })).toMatchObject({ code: 'wrong-pin', attemptsLeft: 3 });
  });

  it('is bound to the phone: another phone cannot use it', async () => {
    const w = world({ users: [alice] });
    const a = w.phone(1);
    const b = w.phone(2);
    await a.register();
    await b.register();
    const ch = await a.ask({ type: 'login-begin', ext: '5123' });
    if (ch.type !== 'login-challenge') throw new Error('no challenge');
    const r = await b.ask({ type: 'login', ext: '5123', hmac: pinResponse(ch.nonce, '5123', b.mac, '1234') });
    expect(r).toMatchObject({ code: 'wrong-pin' });
  });

  it('expires: a login 61 s after the challenge is refused', async () => {
    const w = world({ users: [alice] });
    const p = w.phone(1);
    await p.register();
    const ch = await p.ask({ type: 'login-begin', ext: '5123' });
    if (ch.type !== 'login-challenge') throw new Error('no challenge');
    await w.clock.advance(61_000);
    expect(await p.ask({ type: 'login', ext: '5123', hmac: pinResponse(ch.nonce, '5123', p.mac, '1234') })).toMatchObject({ code: 'wrong-pin' });
  });

  it('each login-begin gets a fresh nonce', async () => {
    const w = world({ users: [alice] });
    const p = w.phone(1);
    await p.register();
    const a = await p.ask({ type: 'login-begin', ext: '5123' });
    const b = await p.ask({ type: 'login-begin', ext: '5123' });
    if (a.type !== 'login-challenge' || b.type !== 'login-challenge') throw new Error('no challenge');
    expect(Buffer.from(a.nonce).equals(Buffer.from(b.nonce))).toBe(false);
  });
});

describe('call server: retransmitted login', () => {
  it('is acted on once: a lost answer to a wrong PIN costs one attempt, not two', async () => {
    const w = world({ users: [alice] });
    const p = w.phone(1);
    await p.register();
    const ch = await p.ask({ type: 'login-begin', ext: '5123' });
    if (ch.type !== 'login-challenge') throw new Error('no challenge');
    // the server's first two answers to the login are lost: the phone retransmits twice
    let lost = 0;
    w.net.fate = (d) => (w.typeOf(d.bytes) === 'login-result' && lost++ < 2 ? 'drop' : 'deliver');
    const r = await p.ask({ type: 'login', ext: '5123', hmac: pinResponse(ch.nonce, '5123', p.mac, '0000') });
    expect(r).toMatchObject({ code: 'wrong-pin', attemptsLeft: 2 });
    expect(w.server.transactions.stats).toMatchObject({ duplicateRequests: 2 });
    expect(w.server.counters.logins['wrong-pin']).toBe(1);
    // the next wrong PIN leaves one attempt: the retransmissions were not failures
    expect(await p.login('5123', '0000')).toMatchObject({ code: 'wrong-pin', attemptsLeft: 1 });
  });

  it('a retransmitted successful login logs in once and sends one key layout', async () => {
    const w = world({ users: [{ ...alice, keys: [{ key: 'key:1', type: 'line', dn: '5123' }] }] });
    const p = w.phone(1);
    await p.register();
    const ch = await p.ask({ type: 'login-begin', ext: '5123' });
    if (ch.type !== 'login-challenge') throw new Error('no challenge');
    let lost = 0;
    w.net.fate = (d) => {
      const r = decodeMessage(d.bytes);
      return r.ok && r.msg.type === 'login-result' && lost++ < 1 ? 'drop' : 'deliver';
    };
    expect(await p.ask({ type: 'login', ext: '5123', hmac: pinResponse(ch.nonce, '5123', p.mac, '1234') })).toMatchObject({ code: 'ok' });
    await w.clock.advance(5_000);
    expect(w.server.counters.logins.ok).toBe(1);
    expect(p.received('key-layout-begin')).toHaveLength(1);
  });
});

describe('call server: login elsewhere', () => {
  it('logs the other set out first (login-elsewhere, by the new set) and moves the user', async () => {
    const w = world({ users: [alice] });
    const a = w.phone(1);
    const b = w.phone(2);
    await a.register('5000');
    await b.register('5001');
    await a.login('5123', '1234');
    await b.login('5123', '1234');
    await w.clock.advance(1_000);
    expect(a.received('logout-notice')).toEqual([{ type: 'logout-notice', reason: 'login-elsewhere', ext: '5123', byDn: '5001' }]);
    expect(w.server.users()).toEqual([expect.objectContaining({ ext: '5123', mac: b.mac })]);
    // "first": the notice to A left before the login-result to B
    const order = w.net.sent.filter((d) => d.from.ip === '192.168.10.1').map((d) => w.typeOf(d.bytes));
    expect(order.indexOf('logout-notice')).toBeLessThan(order.lastIndexOf('login-result'));
    expect(w.server.counters.logouts['login-elsewhere']).toBe(1);
  });

  it('a new login on a set replaces the user logged in there', async () => {
    const w = world({ users: [alice, user('5124', '4')] });
    const p = w.phone(1);
    await p.register();
    await p.login('5123', '1234');
    await p.login('5124', '4');
    expect(w.server.users().map((u) => u.ext)).toEqual(['5124']);
  });
});

describe('call server: secrets stay out of the trace', () => {
  it('no PIN and no HMAC in any trace record', async () => {
    const w = world({ users: [user('5123', '86420975')] });
    const p = w.phone(1);
    await p.register();
    const ch = await p.ask({ type: 'login-begin', ext: '5123' });
    if (ch.type !== 'login-challenge') throw new Error('no challenge');
    const good = pinResponse(ch.nonce, '5123', p.mac, '86420975');
    await p.ask({ type: 'login', ext: '5123', hmac: good });
    await p.login('5123', '11111111');
    const text = JSON.stringify(w.trace);
    expect(w.trace.length).toBeGreaterThan(3);
    expect(text).not.toContain('86420975');
    expect(text).not.toContain('11111111');
    expect(text).not.toContain(Buffer.from(good).toString('hex').slice(0, 16));
  });
});
