// Automatic DN Selection (issue 12): the hunt, the world fields that turn it on, and the call server's
// register answers with it (dn-required, the hunted DN carried back, no-dn, handsets left alone).
import { describe, expect, it } from 'vitest';
import { GIVE_UP_AFTER, autoDnOf, huntDn, inDnRange, worldDns } from '../../../../sim/controller/call-server/dn-selection.ts';
import { parseControllerConfig } from '../../../../sim/controller/config.ts';
import { errorOf } from '../../../support/config.ts';
import { set, user, world } from './harness.ts';

const range = (from: string, to: string, localOnly: string[] = []) => ({ from, to, localOnly });

describe('the hunt for a free DN', () => {
  it('takes the first DN that is neither taken nor local-only', () => {
    expect(huntDn(range('5100', '5199', ['5100']), (dn) => dn === '5101')).toEqual({ ok: true, dn: '5102' });
    expect(huntDn(range('5100', '5199'), () => false)).toEqual({ ok: true, dn: '5100' });
  });

  it('gives up after 10 taken or local-only DNs in a row, even with free ones further up', () => {
    const local = ['5100', '5101', '5102', '5103', '5104'];
    const users = new Set(['5105', '5106', '5107', '5108', '5109']);
    expect(huntDn(range('5100', '5199', local), (dn) => users.has(dn))).toEqual({ ok: false, why: 'gave-up', tried: GIVE_UP_AFTER });
    // nine in a row: the tenth is free and taken
    expect(huntDn(range('5100', '5199', local.slice(1)), (dn) => users.has(dn))).toEqual({ ok: true, dn: '5100' });
    users.delete('5109');
    expect(huntDn(range('5100', '5199', local), (dn) => users.has(dn))).toEqual({ ok: true, dn: '5109' });
  });

  it('ends at `to`; keeps the digit count across a carry; never leaves the range', () => {
    expect(huntDn(range('5100', '5102'), () => true)).toEqual({ ok: false, why: 'range-exhausted', tried: 3 });
    expect(huntDn(range('0998', '1005'), (dn) => dn < '1001')).toEqual({ ok: true, dn: '1001' });
    expect(huntDn(range('98', '99'), () => true)).toEqual({ ok: false, why: 'range-exhausted', tried: 2 });
    expect(huntDn(range('5100', '5100'), () => false)).toEqual({ ok: true, dn: '5100' });
  });

  it('knows the range and what the world already gives out', () => {
    expect(inDnRange(range('5100', '5199'), '5150')).toBe(true);
    for (const dn of ['5099', '5200', '515', '51500', '']) expect(inDnRange(range('5100', '5199'), dn)).toBe(false);
    const dns = worldDns({ users: [user('5123', '', { keys: [{ key: 'key:2', type: 'blf', dn: '5124' }] })], sets: [set('5000')], alarmDn: '0', voicemailDn: '8500' });
    expect([...dns].sort()).toEqual(['0', '5000', '5123', '5124', '8500']);
  });
});

describe('the world fields', () => {
  it('is on only with both dn-range and access-codes set-registration', () => {
    const both = parseControllerConfig({ 'dn-range': { from: '5100', to: '5199', 'local-only': ['5100'] }, 'access-codes': { 'set-registration': '99' } }, 'w.yaml');
    expect(both.dnRange).toEqual(range('5100', '5199', ['5100']));
    expect(autoDnOf(both)).toEqual({ range: range('5100', '5199', ['5100']), code: '99' });
    expect(autoDnOf(parseControllerConfig({ 'dn-range': { from: '5100', to: '5199' } }, 'w.yaml'))).toBeUndefined();
    expect(autoDnOf(parseControllerConfig({ 'access-codes': { 'set-registration': '99' } }, 'w.yaml'))).toBeUndefined();
    expect(autoDnOf(parseControllerConfig({}, 'w.yaml'))).toBeUndefined();
  });

  it('refuses a bad range at load, naming the field', () => {
    expect(errorOf({ 'dn-range': { from: '5100' } })).toMatch(/^world\.yaml: \/dn-range must have required property 'to'/);
    expect(errorOf({ 'dn-range': { from: '5100', to: '51x' } })).toMatch(/^world\.yaml: \/dn-range\/to must match pattern/);
    expect(errorOf({ 'dn-range': { from: '5100', to: '5199', localonly: [] } })).toBe('world.yaml: /dn-range: unknown field "localonly"');
    expect(errorOf({ 'dn-range': { from: '5100', to: '519' } })).toBe('world.yaml: /dn-range: from and to must have the same number of digits');
    expect(errorOf({ 'dn-range': { from: '5199', to: '5100' } })).toBe('world.yaml: /dn-range: from must not be above to');
    expect(errorOf({ 'access-codes': { 'set-registration': '*99' } })).toMatch(/^world\.yaml: \/access-codes\/set-registration must match pattern/);
  });
});

describe('call server: registering with Automatic DN Selection', () => {
  const auto = { dnRange: range('5100', '5199', ['5100']), accessCodes: { login: '222', logout: '333', remoteLogout: '111', setRegistration: '99' } };

  it('asks a desk set with no DN for the code, and gives it the first free DN for it', async () => {
    const w = world({ ...auto, users: [user('5123', '1234')], sets: [set('5101')] });
    const p = w.phone(1);
    expect(await p.register('')).toMatchObject({ type: 'register-ack', result: 'dn-required', dn: '' });
    expect(w.server.phones()).toEqual([]);
    expect(await p.register('99')).toMatchObject({ type: 'register-ack', result: 'ok', dn: '5102' });
    expect(w.server.phones()).toEqual([expect.objectContaining({ mac: p.mac, dn: '5102' })]);
    // a second new set: 5102 is the first one's now
    expect(await w.phone(2).register('99')).toMatchObject({ result: 'ok', dn: '5103' });
    // the first, registering again with its DN (a lost heartbeat), keeps it; after a power cycle the code gives it the same one
    expect(await p.register('5102')).toMatchObject({ result: 'ok', dn: '5102' });
    expect(await p.register('99')).toMatchObject({ result: 'ok', dn: '5102' });
    // and it takes a hot desk login
    expect(await p.login('5123', '1234')).toMatchObject({ code: 'ok' });
  });

  it('asks again for a wrong code; answers no-dn when the hunt gives up', async () => {
    const local = Array.from({ length: 10 }, (_, i) => String(5100 + i));
    const w = world({ ...auto, dnRange: range('5100', '5199', local) });
    const p = w.phone(1);
    expect(await p.register('98')).toMatchObject({ result: 'dn-required' });
    expect(await p.register('99')).toMatchObject({ result: 'no-dn', dn: '' });
    expect(w.server.phones()).toEqual([]);
  });

  it('leaves handsets and worlds without the feature as they were: a set with no DN registers userless', async () => {
    const w = world(auto);
    for (const [i, model] of ['5604', '5607', '5614'].entries()) expect(await w.phone(10 + i).register('', '', model)).toMatchObject({ result: 'ok', dn: '' });
    expect(await w.phone(2).register('', '', '5340', undefined)).toMatchObject({ result: 'dn-required' });
    const plain = world({ dnRange: auto.dnRange });
    expect(await plain.phone(1).register('')).toMatchObject({ result: 'ok', dn: '' });
    expect(await plain.phone(2).register('5000')).toMatchObject({ result: 'ok', dn: '5000' });
  });
});
