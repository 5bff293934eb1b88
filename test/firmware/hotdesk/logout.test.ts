import { describe, expect, it } from 'vitest';
import { ALICE, hotdeskKeyLogin, rig } from '../../support/rig.ts';

async function loggedIn(profile = '5340') {
  const r = rig({ profile, users: [ALICE, { ext: '5124', pin: '1', name: 'Bob' }] });
  await r.boot();
  if (profile === '5304') await r.dial('222*5123#1234#');
  else await hotdeskKeyLogin(r, '5123', '1234');
  await r.advance(500);
  expect(r.ctx().user?.ext).toBe('5123');
  return r;
}

describe('hot desk logout', () => {
  it('Logout softkey: logout-request, Logged Out, then No User Logged In', async () => {
    const r = await loggedIn();
    await r.press('logout');
    expect(r.primary.got('logout-request')).toEqual([{ type: 'logout-request', reason: 'user', ext: '5123' }]);
    expect(r.shown()).toEqual(['Logged Out']);
    await r.advance(3000);
    expect(r.shown()).toEqual(['No User Logged In']);
    expect(r.ctx().user).toBeUndefined();
  });

  it('HotDesking key while logged in: Logout? then the Logout softkey', async () => {
    const r = await loggedIn();
    await r.press('hotdesk');
    expect(r.shown()).toEqual(['Hot Desking', 'Logout?']);
    await r.press('logout');
    await r.advance(3000);
    expect(r.shown()).toEqual(['No User Logged In']);
  });

  it('dial flow: the logout access code logs out', async () => {
    const r = await loggedIn('5304');
    await r.dial('333');
    await r.advance(3000);
    expect(r.primary.got('logout-request')).toHaveLength(1);
    expect(r.shown()).toEqual(['No User Logged In']);
  });

  it('refused while the prime line rings: shown, the user stays logged in', async () => {
    const r = await loggedIn();
    r.primary.logoutAnswer = (ext) => ({ type: 'logout-refused', reason: 'ringing', ext });
    await r.press('logout');
    expect(r.shown()).toEqual(['Logout Refused', 'Call Ringing']);
    await r.advance(3000);
    expect(r.shown()).toEqual(['Alice Smith', '5123']);
    expect(r.ctx().user?.ext).toBe('5123');
  });

  it('waits while the prime line is busy, and completes when the controller says so', async () => {
    const r = await loggedIn();
    r.primary.logoutAnswer = (ext) => ({ type: 'logout-refused', reason: 'busy', ext });
    await r.press('logout');
    expect(r.shown()).toEqual(['Logout Pending']);
    await r.advance(3000);
    expect(r.ctx().logoutPending).toBe(true);
    expect(r.ctx().user?.ext).toBe('5123');
    r.primary.push({ type: 'logout-notice', reason: 'user', ext: '5123', byDn: '' });
    await r.advance(100);
    expect(r.shown()).toEqual(['Logged Out']);
    await r.advance(3000);
    expect(r.shown()).toEqual(['No User Logged In']);
    expect(r.ctx().logoutPending).toBe(false);
  });

  it.each([
    ['remote', '5000', ['Remote Logout', '5000']],
    ['auto', '', ['Auto Logout']],
    ['scheduled', '', ['Scheduled Logout']],
    ['login-elsewhere', '5001', ['Logged In Elsewhere', '5001']],
    ['failover-version', '', ['Version Mismatch']],
  ] as const)('server-initiated logout (%s) shows why, then No User Logged In', async (reason, byDn, expected) => {
    const r = await loggedIn();
    r.primary.push({ type: 'logout-notice', reason, ext: '5123', byDn });
    await r.advance(100);
    expect(r.shown()).toEqual(expected);
    await r.advance(3000);
    expect(r.shown()).toEqual(['No User Logged In']);
  });

  it('ignores a logout notice for someone else', async () => {
    const r = await loggedIn();
    r.primary.push({ type: 'logout-notice', reason: 'remote', ext: '5999', byDn: '' });
    await r.advance(100);
    expect(r.ctx().user?.ext).toBe('5123');
  });

  it('remote logout from this set: remote-logout code + extension + #', async () => {
    const r = rig();
    await r.boot();
    await r.dial('1115124#');
    expect(r.primary.got('logout-request')).toEqual([{ type: 'logout-request', reason: 'remote', ext: '5124' }]);
    expect(r.shown()).toEqual(['5124 Logged Out']);
    await r.advance(3000);
    expect(r.shown()).toEqual(['No User Logged In']);
  });

  it("remote logout without #: the extension is whole at the register-ack's dial plan length", async () => {
    const r = rig();
    r.primary.dialDigits = 4;
    await r.boot();
    await r.dial('111512');
    expect(r.primary.got('logout-request')).toEqual([]);
    await r.dial('4');
    expect(r.primary.got('logout-request')).toEqual([{ type: 'logout-request', reason: 'remote', ext: '5124' }]);
    expect(r.shown()).toEqual(['5124 Logged Out']);
  });

  it('a handset takes neither the login nor the logout code (HotDesk phone mode only)', async () => {
    const r = rig({ profile: '5607' });
    r.primary.dialDigits = 4;
    await r.boot();
    await r.dial('222*');
    expect(r.shown()).not.toContain('Enter Extension:');
    await r.advance(5000);
    await r.press('login');
    expect(r.shown()).toContain('Enter Extension:');
  });

  it('remote logout refused by COS shows Not Allowed', async () => {
    const r = rig();
    r.primary.logoutAnswer = (ext) => ({ type: 'logout-refused', reason: 'not-allowed', ext });
    await r.boot();
    await r.dial('1115124#');
    expect(r.shown()).toEqual(['Logout Refused', 'Not Allowed']);
  });
});
