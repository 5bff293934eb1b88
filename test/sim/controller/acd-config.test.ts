// The ACD part of the controller's world (docs/design.md "ACD hot desk agents"): what it defaults to and
// every mistake it refuses at load, each naming the field and never a PIN.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseControllerConfig } from '../../../sim/controller/config.ts';

const world = (extra: Record<string, unknown>) => parseControllerConfig(extra, 'w.yaml');
const refused = (extra: Record<string, unknown>): string => {
  try {
    world(extra);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('the world loaded');
};

describe('ACD agents in the controller\'s world', () => {
  it('gives an agent its defaults and joins the groups either side names', () => {
    const w = world({
      agents: [{ id: '1001', pin: '7391', groups: ['700'] }, { id: '1002', pin: '5814', 'work-timer': '10m' }],
      'acd-groups': [{ id: '700' }, { id: '710', agents: ['1002', '1001'] }],
      'access-codes': { 'agent-login': '444', 'agent-logout': '445' },
    });
    expect(w.agents?.[0]).toMatchObject({ id: '1001', name: 'Agent 1001', language: 'en', workTimerMs: 0, groups: ['700', '710'] });
    expect(w.agents?.[0].keys.map((k) => [k.key, k.type, k.feature ?? k.dn])).toEqual([
      ['key:1', 'line', '1001'],
      ['key:2', 'feature', 'make-busy'],
      ['key:3', 'feature', 'agent-logout'],
    ]);
    expect(w.agents?.[1].workTimerMs).toBe(600_000);
    expect(w.acdGroups).toEqual([{ id: '700', agents: ['1001'] }, { id: '710', agents: ['1002', '1001'] }]);
    expect(w.accessCodes).toMatchObject({ agentLogin: '444', agentLogout: '445' });
  });

  it('has no agent codes unless the world names them', () => {
    expect(world({}).accessCodes).toMatchObject({ agentLogin: '', agentLogout: '' });
  });

  it('reads a feature key of a user or a set, and refuses a feature it does not know', () => {
    const w = world({ sets: [{ profile: 5340, dn: '5000', keys: [{ key: 5, type: 'feature', feature: 'agent-login' }] }] });
    expect(w.sets[0].keys[0]).toMatchObject({ key: 'key:5', type: 'feature', feature: 'agent-login' });
    expect(refused({ users: [{ ext: '5123', pin: '1', keys: [{ key: 2, type: 'feature', feature: 'make-bussy' }] }] })).toBe(
      'w.yaml: /users/0/keys/0/feature must be one of agent-login, agent-logout, make-busy',
    );
    expect(refused({ users: [{ ext: '5123', pin: '1', keys: [{ key: 2, type: 'blf', dn: '5124', feature: 'make-busy' }] }] })).toBe('w.yaml: /users/0/keys/0/feature is only for feature keys');
  });

  it.each([
    ['an agent ID of 8 digits', { agents: [{ id: '10010000', pin: '1' }] }, /\/agents\/0\/id/],
    ['a PIN of 9 digits', { agents: [{ id: '1001', pin: '739173917' }] }, /\/agents\/0\/pin must be 0 to 8 digits/],
    ['an agent ID that is a user\'s extension', { users: [{ ext: '1001', pin: '1' }], agents: [{ id: '1001', pin: '2' }] }, /\/agents\/0\/id 1001 is already \/users\/0\/ext/],
    ['an agent ID that is a set\'s DN', { sets: [{ profile: 5340, dn: '1001' }], agents: [{ id: '1001', pin: '2' }] }, /\/agents\/0\/id 1001 is already \/sets\/0\/dn/],
    ['an agent ID given twice', { agents: [{ id: '1001', pin: '1' }, { id: '1001', pin: '2' }] }, /\/agents\/1\/id 1001 is already \/agents\/0\/id/],
    ['a group id that is an agent ID', { agents: [{ id: '700', pin: '1' }], 'acd-groups': [{ id: '700' }] }, /\/agents\/0\/id 700 is already \/acd-groups\/0\/id/],
    ['a group no group list has', { agents: [{ id: '1001', pin: '1', groups: ['701'] }], 'acd-groups': [{ id: '700' }] }, /\/agents\/0\/groups\/0 names no group/],
    ['an agent no agent list has', { 'acd-groups': [{ id: '700', agents: ['1009'] }] }, /\/acd-groups\/0\/agents\/0 names no agent/],
    ['a work timer over 600 s', { agents: [{ id: '1001', pin: '1', 'work-timer': '601s' }] }, /\/agents\/0\/work-timer must be 0 to 600 s/],
    ['an unknown field', { agents: [{ id: '1001', pin: '1', group: ['700'] }] }, /unknown field "group"/],
    ['an agent code that starts like the logout code', { 'access-codes': { logout: '333', 'agent-logout': '3334' } }, /agent-logout and \/access-codes\/logout start alike/],
    ['two agent codes alike', { 'access-codes': { 'agent-login': '44', 'agent-logout': '445' } }, /agent-login and \/access-codes\/agent-logout start alike/],
  ])('refuses %s, naming the field', (_what, extra, message) => {
    const m = refused(extra);
    expect(m).toMatch(message);
    // a PIN is never echoed
    for (const a of ((extra as { agents?: { pin: string }[] }).agents ?? [])) if (a.pin.length > 3) expect(m).not.toContain(a.pin);
  });
});
