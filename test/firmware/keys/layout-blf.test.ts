import { describe, expect, it } from 'vitest';
import type { KeyEntry } from '../../../firmware/signalling/key-layout.ts';
import { ALICE, hotdeskKeyLogin, rig } from '../../support/rig.ts';

const KEYS: KeyEntry[] = [
  { key: 1, type: 'line', dn: '5123', label: 'Alice' },
  { key: 2, type: 'blf', dn: '5124', label: 'Bob' },
  { key: 3, type: 'speed-dial', dn: '0015551234', label: '' },
  { key: 4, type: 'blf', dn: '5125', label: '' },
  { key: 6, type: 'line', dn: '5999', label: 'Sales' }, // beyond a 5304's 4 keys
  { key: 7, type: 'blf', dn: '5126', label: 'Carol' }, // ditto: hidden, not monitored
];

async function loggedIn5304() {
  const r = rig({ profile: '5304', users: [{ ...ALICE, keys: KEYS }] });
  await r.boot();
  await r.dial('222*5123#1234#');
  await r.advance(1000);
  return r;
}

describe('key layout and BLF', () => {
  it('applies the layout: keys within the model shown with labels, a line beyond it kept as a hidden line', async () => {
    const r = await loggedIn5304();
    expect(r.ctx().keys.map((k) => [k.id, k.label])).toEqual([
      ['key:1', 'Alice'],
      ['key:2', 'Bob'],
      ['key:3', '0015551234'],
      ['key:4', '5125'],
    ]);
    expect(r.ctx().hiddenLines.map((k) => [k.id, k.dn])).toEqual([['key:6', '5999']]);
    expect(r.primary.got('blf-subscribe')).toEqual([{ type: 'blf-subscribe', dns: ['5124', '5125'] }]);
  });

  it('disables a PKM while a hot desk user is logged in: its lamps go dark', async () => {
    const r = rig({ users: [{ ...ALICE, keys: KEYS }], input: { pkmKeys: [36] } });
    await r.boot();
    // the set's own programming, before the user: a BLF key on the module, lit by a push
    void r.primary.pushLayout(r.primary.phone!, [{ key: 3, module: 1, type: 'blf', dn: '5300', label: 'Desk' }]);
    await r.advance(200);
    r.primary.blf('5300', 'busy');
    await r.advance(100);
    expect(r.lamps.get('pkm1:3').cadence).toBe('busy');
    expect(r.ctx().pkmEnabled).toBe(true);
    await hotdeskKeyLogin(r, '5123', '1234');
    expect(r.ctx().pkmEnabled).toBe(false);
    expect(r.lamps.get('pkm1:3').cadence).toBe('off');
    // 48 keys on a 5340: every layout key is shown, nothing is hidden
    expect(r.ctx().keys.map((k) => k.id)).toContain('key:7');
    expect(r.ctx().hiddenLines).toEqual([]);
  });

  it('BLF lamps follow the pushes: logged-out blinks the hot desk cadence, others their own', async () => {
    const r = await loggedIn5304();
    r.primary.blf('5124', 'logged-out');
    await r.advance(100);
    expect(r.lamps.get('key:2').cadence).toBe('hotdesk-logged-out');
    for (const state of ['idle', 'busy', 'ringing', 'dnd', 'cfa'] as const) {
      r.primary.blf('5124', state);
      await r.advance(100);
      expect(r.lamps.get('key:2').cadence).toBe(state);
    }
    expect(r.lamps.get('key:4').cadence).toBe('off'); // another DN: untouched
  });

  it('refuses a layout whose CRC does not match: nothing applied', async () => {
    const r = rig();
    await r.boot();
    await hotdeskKeyLogin(r, '5123', '1234');
    const phone = r.primary.phone!;
    void r.primary.tx.request(phone, { type: 'key-layout-begin', totalBlocks: 1, totalLength: 4, crc32: 1 });
    await r.advance(50);
    void r.primary.tx.request(phone, { type: 'key-layout-block', index: 0, bytes: new Uint8Array([1, 0, 0, 0]) });
    await r.advance(100);
    expect(r.ctx().keys).toEqual([]);
    expect(r.trace.some((t) => t.kind === 'info' && t.message.includes('bad-crc'))).toBe(true);
  });

  it('keeps nothing of the layout after logout: lamps off, keys cleared, subscriptions dropped', async () => {
    const r = await loggedIn5304();
    r.primary.blf('5124', 'busy');
    await r.advance(100);
    await r.dial('333');
    await r.advance(500);
    expect(r.ctx().user).toBeUndefined();
    expect(r.ctx().keys).toEqual([]);
    expect(r.ctx().hiddenLines).toEqual([]);
    expect(r.lamps.get('key:2').cadence).toBe('off');
    expect(r.primary.got('blf-subscribe').at(-1)).toEqual({ type: 'blf-subscribe', dns: [] });
    expect(r.ctx().pkmEnabled).toBe(true);
  });
});
