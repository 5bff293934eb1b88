import { describe, expect, it } from 'vitest';
import { decodeMessage } from '../../../../firmware/signalling/messages.ts';
import type { KeyEntry } from '../../../../sim/controller/config.ts';
import { layoutKeys } from '../../../../sim/controller/call-server/directory.ts';
import { user, world } from './harness.ts';

const keys: KeyEntry[] = [
  { key: 'key:1', type: 'line', dn: '5123', label: 'Alice' },
  { key: 'key:2', type: 'blf', dn: '5124' },
  { key: 'key:3', type: 'speed-dial', dn: '0015551234', label: 'Home' },
  { key: 'pkm1:1', type: 'blf', dn: '5125' }, // a PKM is disabled for a hot desk user
];

describe('call server: key layout after login', () => {
  it('sends begin + blocks after the login-result; they reassemble to the user keys', async () => {
    const w = world({ users: [user('5123', '1234', { keys })] });
    const p = w.phone(1);
    await p.register();
    await p.login('5123', '1234');
    await w.clock.advance(2_000);
    expect(p.layout).toEqual({
      ok: true,
      entries: [
        { key: 1, type: 'line', dn: '5123', label: 'Alice' },
        { key: 2, type: 'blf', dn: '5124', label: '' },
        { key: 3, type: 'speed-dial', dn: '0015551234', label: 'Home' },
      ],
    });
    const fromServer = w.net.sent.filter((d) => d.from.port === 6800 && d.from.ip === '192.168.10.1').map((d) => w.typeOf(d.bytes));
    // the user's mailbox (message-waiting) goes out beside the layout; the layout follows the login-result
    expect(fromServer.filter((t) => t !== 'message-waiting').slice(-3)).toEqual(['login-result', 'key-layout-begin', 'key-layout-block']);
    expect(fromServer.filter((t) => t === 'message-waiting')).toHaveLength(1);
    expect(w.server.counters.keyLayouts).toEqual({ sent: 1, failed: 0 });
  });

  it('a layout larger than one block arrives in order, in several blocks, intact', async () => {
    const many: KeyEntry[] = Array.from({ length: 60 }, (_, i) => ({ key: `key:${i + 1}`, type: 'speed-dial', dn: String(1_000_000_000 + i), label: `Speed dial number ${i + 1} ....` }));
    const w = world({ users: [user('5123', '1234', { keys: many })] });
    const p = w.phone(1);
    await p.register();
    await p.login('5123', '1234');
    await w.clock.advance(5_000);
    const blocks = p.received('key-layout-block');
    expect(blocks.length).toBeGreaterThan(1);
    expect(blocks.map((b) => (b.type === 'key-layout-block' ? b.index : -1))).toEqual(blocks.map((_, i) => i));
    expect(p.layout?.ok && p.layout.entries.length).toBe(60);
  });

  it('survives lost blocks (retransmission) and stops when the login ends mid-transfer', async () => {
    const many: KeyEntry[] = Array.from({ length: 60 }, (_, i) => ({ key: `key:${i + 1}`, type: 'blf', dn: String(2_000_000_000 + i), label: `Busy lamp ${i + 1} ...............` }));
    const w = world({ users: [user('5123', '1234', { keys: many })] });
    const p = w.phone(1);
    await p.register();
    let dropped = 0;
    w.net.fate = (d) => {
      const r = decodeMessage(d.bytes);
      return r.ok && r.msg.type === 'key-layout-block' && dropped++ < 1 ? 'drop' : 'deliver';
    };
    await p.login('5123', '1234');
    await w.clock.advance(5_000);
    expect(p.layout?.ok).toBe(true);

    // log in again and log out at once: the transfer is abandoned, not completed
    const q = w.phone(2);
    await q.register();
    w.net.fate = () => 'deliver';
    const pending = q.login('5123', '1234');
    await pending;
    await q.ask({ type: 'logout-request', reason: 'user', ext: '5123' });
    await w.clock.advance(5_000);
    expect(q.layout).toBeUndefined();
    expect(w.server.counters.keyLayouts.failed).toBe(1);
  });
});

describe('layoutKeys', () => {
  it('maps key:N to N, leaves out PKM keys, a repeated key and key numbers past 255', () => {
    const r = layoutKeys([
      { key: 'key:1', type: 'line', dn: '5123' },
      { key: '2', type: 'empty' },
      { key: 'key:1', type: 'blf', dn: '9' },
      { key: 'pkm2:4', type: 'blf', dn: '5' },
      { key: 'key:256', type: 'blf', dn: '5' },
    ]);
    expect(r.entries).toEqual([
      { key: 1, type: 'line', dn: '5123', label: '' },
      { key: 2, type: 'empty', dn: '', label: '' },
    ]);
    expect(r.skipped.map((s) => s.why)).toEqual(['duplicate', 'pkm', 'out-of-range']);
  });
});
