import { describe, expect, it } from 'vitest';
import type { Message } from '../../../../firmware/signalling/messages.ts';
import { set, user, world } from './harness.ts';

function states(inbox: Message[], dn: string): string[] {
  return inbox.flatMap((m) => (m.type === 'blf-state' && m.dn === dn ? [m.state] : []));
}

async function watching() {
  const w = world({ users: [user('5123', '1234'), user('5124', '4')], sets: [set('5000'), set('5001')] });
  const watcher = w.phone(1);
  const desk = w.phone(2);
  await watcher.register('5000');
  await desk.register('5001');
  expect(await watcher.ask({ type: 'blf-subscribe', dns: ['5123', '5001'] })).toEqual({ type: 'ack', status: 'ok' });
  await w.clock.advance(1_000);
  return { w, watcher, desk };
}

describe('call server: BLF', () => {
  it('pushes the current state on subscribe: a logged-out hot desk user, an idle set', async () => {
    const { w, watcher } = await watching();
    expect(states(watcher.inbox, '5123')).toEqual(['logged-out']);
    expect(states(watcher.inbox, '5001')).toEqual(['idle']);
    expect(w.server.phones().find((p) => p.mac === watcher.mac)?.blf).toEqual(['5123', '5001']);
  });

  it('pushes login, line states, DND, call forward and logout as they change', async () => {
    const { w, watcher, desk } = await watching();
    await desk.login('5123', '1234');
    const s = w.server;
    s.setLineState('5123', 'ringing');
    s.setLineState('5123', 'busy');
    s.setLineState('5123', 'idle');
    s.setUserState('5123', 'dnd');
    s.setLineState('5123', 'busy'); // a call outranks DND
    s.setLineState('5123', 'idle');
    s.setUserState('5123', 'cfa');
    s.setUserState('5123', 'none');
    await desk.ask({ type: 'logout-request', reason: 'user', ext: '5123' });
    await w.clock.advance(5_000);
    expect(states(watcher.inbox, '5123')).toEqual(['logged-out', 'idle', 'ringing', 'busy', 'idle', 'dnd', 'busy', 'dnd', 'cfa', 'idle', 'logged-out']);
    expect(watcher.blf.get('5123')).toBe('logged-out');
  });

  it('pushes nothing when nothing changed, and nothing for DNs not watched', async () => {
    const { w, watcher } = await watching();
    const before = watcher.received('blf-state').length;
    w.server.setLineState('5001', 'idle');
    w.server.setUserState('5123', 'none');
    w.server.setLineState('5124', 'busy');
    await w.clock.advance(1_000);
    expect(watcher.received('blf-state').length).toBe(before);
    w.server.setLineState('5001', 'busy');
    await w.clock.advance(1_000);
    expect(states(watcher.inbox, '5001')).toEqual(['idle', 'busy']);
  });

  it('a new list replaces the old, an empty one unsubscribes', async () => {
    const { w, watcher } = await watching();
    await watcher.ask({ type: 'blf-subscribe', dns: ['5124'] });
    await w.clock.advance(1_000);
    w.server.setLineState('5001', 'busy');
    await w.clock.advance(1_000);
    expect(states(watcher.inbox, '5001')).toEqual(['idle']);
    expect(states(watcher.inbox, '5124')).toEqual(['logged-out']);
    await watcher.ask({ type: 'blf-subscribe', dns: [] });
    w.server.setLineState('5124', 'busy');
    await w.clock.advance(1_000);
    expect(states(watcher.inbox, '5124')).toEqual(['logged-out']);
  });

  it('answers the state of any DN on request (blfState)', async () => {
    const { w } = await watching();
    expect(w.server.blfState('5123')).toBe('logged-out');
    expect(w.server.blfState('5000')).toBe('idle');
  });
});
