// The world's call fields (alarm-dn; a line key's ring and ring-delay) and what register-ack carries
// from them: the alarm DN and the dial plan's length.
import { describe, expect, it } from 'vitest';
import { parseControllerConfig } from '../../../../sim/controller/config.ts';
import { errorOf } from '../../../support/config.ts';
import { callIdOf, dial, offeredId, registered, said, settle } from './call-harness.ts';
import { set, user, world } from './harness.ts';

describe('world: call fields', () => {
  it('alarm-dn defaults to the operator; ring defaults to ring on line keys, delay-ring to 10 s', () => {
    const c = parseControllerConfig(
      {
        users: [{ ext: '5123', pin: '1', keys: [{ key: 1, type: 'line', dn: '5123' }, { key: 2, type: 'multicall', dn: '5200', ring: 'delay-ring' }, { key: 3, type: 'blf', dn: '5124' }] }],
        sets: [{ profile: 5340, dn: '5000', keys: [{ key: 1, type: 'line', dn: '5100', ring: 'delay-ring', 'ring-delay': '2.5s' }, { key: 2, type: 'line', dn: '5101', ring: 'no-ring' }] }],
      },
      'world.yaml',
    );
    expect(c.alarmDn).toBe('0');
    expect(c.users[0].keys.map((k) => [k.ring, k.ringDelayMs])).toEqual([
      ['ring', undefined],
      ['delay-ring', 10_000],
      [undefined, undefined],
    ]);
    expect(c.sets[0].keys.map((k) => [k.ring, k.ringDelayMs])).toEqual([
      ['delay-ring', 2_500],
      ['no-ring', undefined],
    ]);
    expect(parseControllerConfig({ 'alarm-dn': '7000' }, 'w').alarmDn).toBe('7000');
  });

  it.each([
    [{ users: [{ ext: '5123', pin: '1', keys: [{ key: 1, type: 'blf', dn: '5124', ring: 'no-ring' }] }] }, 'world.yaml: /users/0/keys/0/ring is only for line and multicall keys'],
    [{ sets: [{ profile: 5340, keys: [{ key: 1, type: 'speed-dial', dn: '5', 'ring-delay': '3s' }] }] }, 'world.yaml: /sets/0/keys/0/ring-delay is only for line and multicall keys'],
    [{ users: [{ ext: '5123', pin: '1', keys: [{ key: 1, type: 'line', dn: '5', 'ring-delay': '3s' }] }] }, 'world.yaml: /users/0/keys/0/ring-delay needs ring: delay-ring'],
    [{ users: [{ ext: '5123', pin: '1', keys: [{ key: 1, type: 'line', dn: '5', ring: 'loud' }] }] }, 'world.yaml: /users/0/keys/0/ring must be one of'],
    [{ users: [{ ext: '5123', pin: '1', keys: [{ key: 1, type: 'line', dn: '5', ring: 'delay-ring', 'ring-delay': 'soon' }] }] }, 'world.yaml: /users/0/keys/0/ring-delay'],
    [{ 'alarm-dn': 'help' }, 'world.yaml: /alarm-dn must match pattern'],
  ])('refuses bad call fields in one line naming the field (%#)', (raw, message) => {
    const m = errorOf(raw);
    expect(m.startsWith(message)).toBe(true);
    expect(m.split('\n')).toHaveLength(1);
  });

  it('a parsed ring type reaches the phone in the call-setup', async () => {
    const c = parseControllerConfig({ sets: [{ profile: 5340, dn: '5000', keys: [{ key: 4, type: 'line', dn: '5000', ring: 'no-ring' }] }, { profile: 5340, dn: '5001' }] }, 'w');
    const w = world({ users: c.users, sets: c.sets });
    const a = await registered(w, 1, '5000');
    const b = await registered(w, 2, '5001');
    callIdOf(await dial(b, '5000'));
    await settle(w);
    const id = offeredId(a);
    expect(said(a)).toEqual([`setup ${id} line 4 5001>5000 no-ring`]);
  });
});

describe('register-ack: the dial plan', () => {
  it('carries the world\'s alarm DN and the length every DN shares', async () => {
    const w = world({ users: [user('5123', '1')], sets: [set('5000'), { profile: '5304', keys: [], remoteLogoutAllowed: false }], alarmDn: '7000' });
    expect(await w.phone(1).register('5000')).toMatchObject({ type: 'register-ack', alarmDn: '7000', dialDigits: 4 });
  });

  it('dialDigits is 0 when the DNs differ in length or there are none; the alarm DN defaults to 0', async () => {
    const mixed = world({ users: [user('5123', '1')], sets: [set('500')] });
    expect(await mixed.phone(1).register()).toMatchObject({ alarmDn: '0', dialDigits: 0 });
    expect(await world().phone(1).register()).toMatchObject({ alarmDn: '0', dialDigits: 0 });
  });
});
