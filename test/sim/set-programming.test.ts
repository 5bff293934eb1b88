// A set's own programming reaching its key modules: the payload format that carries module keys, the
// call server's translation of `pkmM:N`, the phone's mapping onto the modules attached (none while a
// hot desk user is logged in), and the check of which modules a set takes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyLayout } from '../../firmware/keys/layout.ts';
import { KEY_TYPES, decodeKeyLayout, encodeKeyLayout, type KeyEntry } from '../../firmware/signalling/key-layout.ts';
import { setLayoutKeys } from '../../sim/controller/call-server/sets.ts';
import { loadProfile } from '../../sim/profiles.ts';
import { checkPkms, ownDn } from '../../sim/set-programming.ts';

const entry = fc.record({
  module: fc.integer({ min: 0, max: 3 }),
  key: fc.integer({ min: 1, max: 255 }),
  type: fc.constantFrom(...KEY_TYPES),
  dn: fc.stringMatching(/^[0-9]{0,6}$/),
  label: fc.string({ maxLength: 12 }),
});
const layout = fc.uniqueArray(entry, { maxLength: 40, selector: (e) => `${e.module}:${e.key}` });
/** A set key is written without a module, as format 1 always carried it. */
const canonical = (es: { module: number; key: number; type: KeyEntry['type']; dn: string; label: string }[]): KeyEntry[] =>
  es.map(({ module, ...rest }) => (module > 0 ? { module, ...rest } : rest));

describe('key-layout payload with module keys (format 2)', () => {
  it('round-trips any layout, and is format 1 exactly when no key is on a module', () => {
    fc.assert(
      fc.property(layout, (raw) => {
        const entries = canonical(raw);
        const bytes = encodeKeyLayout(entries);
        expect(bytes[0]).toBe(entries.some((e) => e.module) ? 2 : 1);
        expect(decodeKeyLayout(bytes)).toEqual({ ok: true, entries });
      }),
    );
  });

  it('lays a module entry out as module, key, type, dn, label; the same key on two modules is no duplicate', () => {
    const bytes = encodeKeyLayout([{ key: 1, type: 'blf', dn: '51', label: '' }, { module: 2, key: 1, type: 'blf', dn: '52', label: '' }]);
    expect(Buffer.from(bytes).toString('hex')).toBe('02' + '02' + '00' + '01' + '03' + '023531' + '00' + '02' + '01' + '03' + '023532' + '00');
    expect(decodeKeyLayout(Uint8Array.of(2, 2, 1, 5, 1, 0, 0, 1, 5, 1, 0, 0))).toMatchObject({ ok: false, reason: 'duplicate-key' });
    expect(decodeKeyLayout(Uint8Array.of(2, 1, 1, 0, 1, 0, 0))).toMatchObject({ ok: false, reason: 'bad-key' }); // key 0
  });

  it('never throws on random bytes after format 2', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (b) => {
        expect(typeof decodeKeyLayout(Uint8Array.of(2, ...b)).ok).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });
});

describe("the call server's set keys", () => {
  it('turns key:N, N and pkmM:N into entries, leaving out duplicates and keys out of range with the reason', () => {
    const { entries, skipped } = setLayoutKeys([
      { key: '3', type: 'blf', dn: '5123' },
      { key: 'key:4', type: 'line', dn: '5000', label: 'Main' },
      { key: 'pkm1:12', type: 'blf', dn: '5124' },
      { key: 'pkm1:12', type: 'blf', dn: '5125' },
      { key: 'pkm2:300', type: 'blf', dn: '5126' },
    ]);
    expect(entries).toEqual([
      { key: 3, type: 'blf', dn: '5123', label: '' },
      { key: 4, type: 'line', dn: '5000', label: 'Main' },
      { module: 1, key: 12, type: 'blf', dn: '5124', label: '' },
    ]);
    expect(skipped).toEqual([
      { key: 'pkm1:12', why: 'duplicate' },
      { key: 'pkm2:300', why: 'out-of-range' },
    ]);
  });
});

describe("the phone's mapping onto its key modules", () => {
  const entries: KeyEntry[] = [
    { key: 3, type: 'blf', dn: '5123', label: '' },
    { module: 1, key: 12, type: 'blf', dn: '5124', label: '' },
    { module: 1, key: 13, type: 'blf', dn: '5125', label: '' }, // a 5412 has 12 keys
    { module: 2, key: 1, type: 'blf', dn: '5126', label: '' }, // only one module attached
  ];
  const set = loadProfile('5340');

  it('shows module keys as pkmM:N on the modules attached, within their key count', () => {
    const applied = applyLayout(entries, set, [loadProfile('5412')]);
    expect(applied.visible.map((k) => k.id)).toEqual(['key:3', 'pkm1:12']);
    expect(applied.blfDns).toEqual(['5123', '5124']);
  });

  it('shows no module key when the modules are disabled (a hot desk user)', () => {
    expect(applyLayout(entries, set).visible.map((k) => k.id)).toEqual(['key:3']);
  });
});

describe('which key modules a set takes, and which set a phone is', () => {
  it('accepts the models its profile lists, up to its maximum, and says why not otherwise', () => {
    const set = loadProfile('5340');
    expect(checkPkms(set, ['5448', '5412', 5448])).toMatchObject({ ok: true, modules: [{ id: '5448' }, { id: '5412' }, { id: '5448' }] });
    expect(checkPkms(set, ['5448', '5448', '5448', '5448'])).toEqual({ ok: false, reason: 'the 5340 takes at most 3 key modules (got 4)' });
    expect(checkPkms(set, ['M695'])).toEqual({ ok: false, reason: 'the 5340 takes 5412 or 5448 key modules, not the M695' });
    expect(checkPkms(set, ['5340'])).toEqual({ ok: false, reason: '"5340" is not a key module model' });
    expect(checkPkms(loadProfile('5304'), ['5412'])).toEqual({ ok: false, reason: 'the 5304 takes no key modules' });
  });

  it('is the DN named, else the first sets: entry of its model that has a DN', () => {
    const sets = [
      { profile: '5340', keys: [], remoteLogoutAllowed: false },
      { profile: '5330', dn: '5001', keys: [], remoteLogoutAllowed: false },
      { profile: '5340', dn: '5002', keys: [], remoteLogoutAllowed: false },
    ];
    expect(ownDn(sets, '5340')).toBe('5002');
    expect(ownDn(sets, '5340', '5001')).toBe('5001');
    expect(ownDn(sets, '6930')).toBeUndefined();
  });
});
