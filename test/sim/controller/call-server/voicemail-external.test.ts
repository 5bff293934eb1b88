// Message waiting, External Hot Desk Users and Hot Desk Login Accept on the call server (docs/design.md
// "Message waiting and external users"), over real sealed signalling.
import { describe, expect, it } from 'vitest';
import { Mailboxes } from '../../../../sim/controller/call-server/voicemail.ts';
import { callIdOf, dial, loggedIn, registered, said, settle } from './call-harness.ts';
import { set, user, world } from './harness.ts';

describe('voice mailboxes', () => {
  it('tell the set the user logs in on, and every change while they are there; nobody else', async () => {
    const w = world({ users: [user('5123', '1234'), user('5124', '')], sets: [set('5001')], voicemailDn: '8600' });
    expect(w.server.setMessages('5123', 3)).toBe('done');
    const alice = await loggedIn(w, 1, '5123', '1234');
    expect(alice.received('message-waiting')).toEqual([{ type: 'message-waiting', ext: '5123', count: 3, voicemailDn: '8600' }]);
    w.server.setMessages('5123', 0);
    await settle(w);
    expect(alice.received('message-waiting')).toHaveLength(2);
    expect(alice.received('message-waiting').at(-1)).toEqual({ type: 'message-waiting', ext: '5123', count: 0, voicemailDn: '8600' });
    const b = await registered(w, 2, '5001');
    w.server.setMessages('5124', 5); // Bob is not logged in: nobody to tell
    await settle(w);
    expect(b.received('message-waiting')).toEqual([]);
    expect(w.server.setMessages('7777', 1)).toBe('unknown-ext');
    expect(() => w.server.setMessages('5123', 70_000)).toThrow(/0-65535/);
  });

  it('the voicemail DN is a party that answers after one ring', async () => {
    const w = world({ users: [user('5123', '1234')], sets: [set('5001')] });
    const b = await registered(w, 2, '5001');
    const call = callIdOf(await dial(b, '8500'));
    await settle(w, 500);
    expect(w.server.calls().map((c) => c.state)).toEqual(['ringback', 'ringing']);
    await settle(w, 600);
    expect(said(b)).toEqual([`connect ${call} 5001>8500`]);
    expect(w.server.calls().map((c) => c.state)).toEqual(['connected', 'connected']);
  });

  it('counts whole numbers only', () => {
    const m = new Mailboxes();
    expect(m.set('5123', 2)).toBe(true);
    expect(m.set('5123', 2)).toBe(false);
    expect(() => m.set('5123', 1.5)).toThrow();
    expect(() => m.set('5123', -1)).toThrow();
    expect(m.count('5123')).toBe(2);
  });
});

describe('external hot desk users', () => {
  it('ring their external number while logged in from it; logged out they are a logged-out user again', async () => {
    const w = world({ users: [user('5300', '2580', { external: '0612345678' })], sets: [set('5001')] });
    const b = await registered(w, 2, '5001');
    expect(w.server.loginOnSimulatedSet('5300', undefined)).toBe('done');
    const call = callIdOf(await dial(b, '5300'));
    await settle(w);
    w.server.answerParty('0612345678');
    await settle(w);
    expect(said(b)).toEqual([`connect ${call} 5001>5300`]);
    w.server.hangupParty('0612345678');
    await settle(w);
    expect(said(b)).toEqual([`release ${call} normal`]);
    w.server.logoutUser('5300');
    expect(await dial(b, '5300')).toMatchObject({ type: 'call-release', cause: 'logged-out' });
  });

  it('an internal user has no external device to log in from', () => {
    const w = world({ users: [user('5123', '1234')] });
    expect(w.server.loginOnSimulatedSet('5123', undefined)).toBe('not-external');
  });
});

describe('Hot Desk Login Accept', () => {
  it('a set without it takes no login, whatever the user; one with it (or with no DN) does', async () => {
    const w = world({ users: [user('5123', '1234')], sets: [set('5001', { loginAccept: false }), set('5002')] });
    const closed = await registered(w, 1, '5001');
    expect((await closed.login('5123', '1234')).code).toBe('not-accepted');
    expect((await closed.login('9999', '1234')).code).toBe('not-accepted');
    const open = await registered(w, 2, '5002');
    expect((await open.login('5123', '1234')).code).toBe('ok');
    const bare = await registered(w, 3, '');
    expect((await bare.login('5123', '1234')).code).toBe('ok');
  });
});
