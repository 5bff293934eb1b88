// The ACD agent on the phone, in service against a fake call server (test/support/rig.ts): the agent
// login the Agent Login key and the agent-login code open in the session (Agent ID:, 1-7 digits, #, the
// PIN masked and never in any actor's context, #), no log-over, the agent-logout code, the status texts
// and the Make Busy lamp as the controller's agent-state says, and the agent keys' requests.
import { describe, expect, it } from 'vitest';
import { ACD_TEXT } from '../../../firmware/acd/acd-strings.ts';
import { matchAgentDialed } from '../../../firmware/acd/agent-codes.ts';
import type { KeyEntry } from '../../../firmware/signalling/key-layout.ts';
import { hotdeskKeyLogin, rig, type Rig } from '../../support/rig.ts';

const AGENT = { ext: '1234567', pin: '7391', name: 'Ann Agent', keys: [
  { key: 1, type: 'line', dn: '1234567', label: '' },
  { key: 2, type: 'feature', dn: 'make-busy', label: 'Make Busy' },
  { key: 3, type: 'feature', dn: 'agent-logout', label: 'Agent Logout' },
] as KeyEntry[] };
const USER = { ext: '5123', pin: '4711', name: 'Alice Smith' };
const SET_KEYS: KeyEntry[] = [{ key: 5, type: 'feature', dn: 'agent-login', label: 'Agent Login' }];
const CODES = { agentLogin: '444', agentLogout: '445' };

/** The set's own programming with the Agent Login key on key 5. */
async function setProgramming(r: Rig): Promise<void> {
  await r.boot();
  void r.primary.pushLayout(r.primary.phone!, SET_KEYS);
  await r.advance(1000);
}

/** The agent the ACD owner holds (the rig reads the owners' contexts, as its ctx() does). */
const agentOf = (r: Rig) => r.actor.system.get('acd')?.getSnapshot().context.agent;

const agentState = (state: 'available' | 'make-busy' | 'work-timer' | 'on-call' | 'logged-out', logoutPending = false) =>
  ({ type: 'agent-state', id: state === 'logged-out' ? '' : AGENT.ext, state, logoutPending }) as const;

describe('agent codes', () => {
  it('match whole, start as partial, and are none when not given', () => {
    expect(matchAgentDialed('444', CODES)).toEqual({ kind: 'agent-login' });
    expect(matchAgentDialed('445', CODES)).toEqual({ kind: 'agent-logout' });
    expect(matchAgentDialed('44', CODES)).toEqual({ kind: 'partial' });
    expect(matchAgentDialed('4', CODES)).toEqual({ kind: 'partial' });
    expect(matchAgentDialed('446', CODES)).toEqual({ kind: 'invalid' });
    expect(matchAgentDialed('', CODES)).toEqual({ kind: 'invalid' });
    expect(matchAgentDialed('444', { agentLogin: '', agentLogout: '' })).toEqual({ kind: 'invalid' });
  });
});

describe('the ACD agent on a desk set', () => {
  it('logs in with the Agent Login key: ID # (7 digits at most), the PIN masked and never kept, #', async () => {
    const r = rig({ profile: '5340', users: [AGENT] });
    await setProgramming(r);
    expect(r.ctx().keys.map((k) => k.id)).toEqual(['key:5']);
    await r.press('key:5');
    expect(r.shown()).toEqual([ACD_TEXT.agentId]);
    await r.dial('12345678'); // an 8th digit is not taken
    expect(r.shown()).toEqual([ACD_TEXT.agentId, '1234567']);
    await r.press('#');
    expect(r.shown()[0]).toBe('Enter PIN:');
    await r.dial(AGENT.pin);
    expect(r.shown()).toEqual(['Enter PIN:', '****']);
    for (const snap of r.snapshots()) expect(JSON.stringify(snap?.context ?? {})).not.toContain(AGENT.pin);
    await r.press('#');
    await r.advance(500);
    expect(r.primary.got('login-begin').map((m) => m.ext)).toEqual(['1234567']);
    expect(r.ctx().user?.ext).toBe('1234567');
    expect(r.trace.some((t) => JSON.stringify(t).includes(AGENT.pin))).toBe(false);
  });

  it('shows MAKE BUSY and WORK TIMER above the agent, lights Make Busy, and asks for the changes its keys mean', async () => {
    const r = rig({ profile: '5340', users: [AGENT] });
    await r.boot();
    await hotdeskKeyLogin(r, AGENT.ext, AGENT.pin);
    await r.advance(1000);
    r.primary.push(agentState('available'));
    await r.advance(200);
    expect(agentOf(r)).toEqual({ id: AGENT.ext, state: 'available', logoutPending: false });
    expect(r.shown()).toEqual(['Ann Agent', AGENT.ext]);
    await r.press('key:2');
    expect(r.primary.got('agent-request').map((m) => m.action)).toEqual(['make-busy']);
    r.primary.push(agentState('make-busy'));
    await r.advance(200);
    expect(r.shown()).toEqual([ACD_TEXT.makeBusy, 'Ann Agent', AGENT.ext]);
    expect(r.lamps.get('key:2').cadence).toBe('on');
    await r.press('key:2');
    expect(r.primary.got('agent-request').map((m) => m.action)).toEqual(['make-busy', 'available']);
    r.primary.push(agentState('work-timer'));
    await r.advance(200);
    expect(r.shown()).toEqual([ACD_TEXT.workTimer, 'Ann Agent', AGENT.ext]);
    expect(r.lamps.get('key:2').cadence).toBe('off');
    await r.press('cancel');
    expect(r.primary.got('agent-request').map((m) => m.action)).toEqual(['make-busy', 'available', 'available']);
    await r.press('key:3');
    expect(r.primary.got('agent-request').at(-1)?.action).toBe('logout');
    // the agent leaves with the session's user
    r.primary.push({ type: 'logout-notice', reason: 'user', ext: AGENT.ext, byDn: '' });
    await r.advance(4000);
    expect(agentOf(r)).toBeUndefined();
    expect(r.shown()).toEqual(['No User Logged In']);
  });
});

describe('the agent codes on a dial set', () => {
  it('opens the agent login with the agent-login code, and refuses it with a user logged in (no log-over)', async () => {
    const r = rig({ profile: '5304', users: [AGENT, USER], input: { accessCodes: CODES } });
    await r.boot();
    await r.dial('444');
    expect(r.shown()).toEqual([ACD_TEXT.agentId]);
    await r.press('cancel');
    // a user logs in with the login code; the agent-login code is refused on the spot
    await r.dial(`222*${USER.ext}#${USER.pin}#`);
    await r.advance(500);
    expect(r.ctx().user?.ext).toBe(USER.ext);
    await r.dial('444');
    expect(r.shown()).toEqual([...ACD_TEXT.setInUse]);
    expect(r.ctx().user?.ext).toBe(USER.ext);
    expect(r.primary.got('login-begin')).toHaveLength(1);
    // the agent-logout code asks the ACD owner, which has no agent here
    await r.advance(4000);
    await r.dial('445');
    expect(r.shown()).toEqual([...ACD_TEXT.noAgent]);
    expect(r.primary.got('agent-request')).toHaveLength(0);
  });

  it('takes the agent-logout code for the agent logged in', async () => {
    const r = rig({ profile: '5304', users: [AGENT], input: { accessCodes: CODES } });
    await r.boot();
    await r.dial(`444${AGENT.ext}#${AGENT.pin}#`);
    await r.advance(500);
    r.primary.push(agentState('available'));
    await r.advance(200);
    await r.dial('445');
    expect(r.primary.got('agent-request').map((m) => m.action)).toEqual(['logout']);
  });
});
