// The call server's ACD (sim/controller/call-server/acd/acd-desk.ts) on its own, against a stand-in for
// the call server (its lines, its calls, its logout) on a virtual clock: who may log in where, the agent
// states and what the set is told, the queue and which agent a call rings, the work timer on the clock,
// Make Busy during a call, and agent logout at once or when the call ends.
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../../firmware/clock.ts';
import type { AgentState, Message } from '../../../../firmware/signalling/messages.ts';
import { AcdDesk } from '../../../../sim/controller/call-server/acd/acd-desk.ts';
import type { AcdGroupConfig, AgentConfig } from '../../../../sim/controller/call-server/acd/agents.ts';
import type { LineState } from '../../../../sim/controller/call-server/lines.ts';
import type { LogoutOutcome } from '../../../../sim/controller/call-server/types.ts';

const agent = (id: string, workTimerMs = 0): AgentConfig => ({ id, pin: '7391', name: `Agent ${id}`, language: 'en', groups: ['700'], workTimerMs, keys: [] });

function rig(agents: AgentConfig[] = [agent('1001', 30_000), agent('1002')], groups: AcdGroupConfig[] = [{ id: '700', agents: ['1001', '1002'] }]) {
  const clock = new VirtualClock();
  const pushed: { mac: string; msg: AgentState }[] = [];
  const placed: { from: string; to: string }[] = [];
  const lines = new Map<string, LineState>();
  const refuseCallsTo = new Set<string>();
  let logoutAnswer: LogoutOutcome = 'done';
  const desk: AcdDesk = new AcdDesk(agents, groups, {
    clock,
    info: () => {},
    push: (mac, msg) => void pushed.push({ mac, msg }),
    placeCall: (from, to) => {
      if (refuseCallsTo.has(to)) throw new Error(`placeCall ${from} -> ${to}: released busy`);
      placed.push({ from, to });
      lines.set(to, 'ringing');
    },
    lineState: (dn) => lines.get(dn) ?? 'idle',
    logout: (id) => {
      if (logoutAnswer === 'done') desk.sessionEnded(id);
      return logoutAnswer;
    },
  });
  /** The agent's line moves as its calls would make it, and the call server says so. */
  const line = (dn: string, state: LineState) => {
    lines.set(dn, state);
    desk.lineChanged(dn);
  };
  const told = (mac: string) => pushed.filter((p) => p.mac === mac).at(-1)?.msg;
  return { clock, desk, pushed, placed, line, told, refuseCallsTo, setLogout: (o: LogoutOutcome) => (logoutAnswer = o) };
}

const stateOf = (m: Message) => (m.type === 'agent-state' ? `${m.state}${m.logoutPending ? '+pending' : ''}` : `${m.type} ${m.type === 'ack' ? m.status : ''}`);

describe('the call server\'s ACD', () => {
  it('refuses an agent on a handset, and any login where an agent is concerned on an occupied set', () => {
    const { desk } = rig();
    expect(desk.loginRefusal('1001', true, undefined)).toBe('acd-not-supported');
    expect(desk.loginRefusal('1001', false, undefined)).toBeUndefined();
    expect(desk.loginRefusal('1001', false, '5123')).toBe('set-in-use'); // an agent over a user
    expect(desk.loginRefusal('5123', false, '1001')).toBe('set-in-use'); // a user over an agent
    expect(desk.loginRefusal('1002', false, '1001')).toBe('set-in-use');
    expect(desk.loginRefusal('5124', false, '5123')).toBeUndefined(); // users as before agents
    expect(desk.loginRefusal('5123', true, undefined)).toBeUndefined(); // a user on a handset
  });

  it('makes an agent available at login, and Make Busy and available on request', () => {
    const { desk, told } = rig();
    desk.sessionStarted('1001', 'mac-a');
    expect(told('mac-a')).toEqual({ type: 'agent-state', id: '1001', state: 'available', logoutPending: false });
    expect(stateOf(desk.request('mac-a', '1001', 'make-busy'))).toBe('make-busy');
    expect(told('mac-a')?.state).toBe('make-busy');
    expect(stateOf(desk.request('mac-a', '1001', 'available'))).toBe('available');
    expect(desk.list()).toEqual([{ id: '1001', mac: 'mac-a', state: 'available', logoutPending: false }]);
    // a set with no agent, or another agent's set, asks for nothing
    expect(stateOf(desk.request('mac-b', undefined, 'make-busy'))).toBe('ack rejected');
    expect(stateOf(desk.request('mac-b', '1001', 'make-busy'))).toBe('ack rejected');
  });

  it('queues a call with no agent available and rings the agent available longest once there is one', () => {
    const { clock, desk, placed, told } = rig();
    expect(desk.acdCall('700', '8001')).toBe('queued');
    desk.sessionStarted('1002', 'mac-b');
    expect(placed).toEqual([{ from: '8001', to: '1002' }]);
    expect(told('mac-b')?.state).toBe('on-call');
    clock.advanceSync(1000);
    desk.sessionStarted('1001', 'mac-a');
    desk.request('mac-a', '1001', 'make-busy');
    desk.request('mac-a', '1001', 'available');
    expect(desk.acdCall('700', '8002')).toBe('offered');
    expect(placed.at(-1)).toEqual({ from: '8002', to: '1001' });
    expect(desk.acdCall('700', '8003')).toBe('queued');
    expect(desk.waiting('700')).toBe(1);
  });

  it('picks by time available, not by the group\'s order', () => {
    const { clock, desk, placed } = rig();
    desk.sessionStarted('1002', 'mac-b');
    clock.advanceSync(5000);
    desk.sessionStarted('1001', 'mac-a');
    desk.acdCall('700', '8001');
    expect(placed).toEqual([{ from: '8001', to: '1002' }]);
  });

  it('runs the work timer after an answered call on the clock, then offers the waiting call', async () => {
    const { clock, desk, placed, line, told } = rig([agent('1001', 30_000)], [{ id: '700', agents: ['1001'] }]);
    desk.sessionStarted('1001', 'mac-a');
    desk.acdCall('700', '8001');
    line('1001', 'busy'); // answered
    line('1001', 'idle'); // ended
    expect(told('mac-a')?.state).toBe('work-timer');
    desk.acdCall('700', '8002');
    expect(placed).toHaveLength(1);
    await clock.advance(29_999);
    expect(told('mac-a')?.state).toBe('work-timer');
    await clock.advance(1);
    expect(placed.at(-1)).toEqual({ from: '8002', to: '1001' });
    expect(told('mac-a')?.state).toBe('on-call');
  });

  it('ends the work timer early on Cancel (available), and starts none for a call never answered', () => {
    const { clock, desk, line, told } = rig([agent('1001', 30_000)], [{ id: '700', agents: ['1001'] }]);
    desk.sessionStarted('1001', 'mac-a');
    desk.acdCall('700', '8001');
    line('1001', 'busy');
    line('1001', 'idle');
    expect(stateOf(desk.request('mac-a', '1001', 'available'))).toBe('available');
    expect(clock.pending).toBe(0);
    desk.acdCall('700', '8002');
    line('1001', 'idle'); // the caller gave up while it rang
    expect(told('mac-a')?.state).toBe('available');
    expect(clock.pending).toBe(0);
  });

  it('makes an agent who asks for Make Busy during a call Make Busy when it ends (no work timer)', () => {
    const { desk, line, told } = rig();
    desk.sessionStarted('1001', 'mac-a');
    desk.acdCall('700', '8001');
    line('1001', 'busy');
    expect(stateOf(desk.request('mac-a', '1001', 'make-busy'))).toBe('on-call');
    line('1001', 'idle');
    expect(told('mac-a')?.state).toBe('make-busy');
  });

  it('keeps a call queued when it cannot be placed, and lets the next agent take it', () => {
    const { desk, placed, refuseCallsTo } = rig();
    refuseCallsTo.add('1001');
    desk.sessionStarted('1001', 'mac-a');
    expect(desk.acdCall('700', '8001')).toBe('queued');
    expect(desk.list()[0].state).toBe('available');
    desk.sessionStarted('1002', 'mac-b');
    expect(placed).toEqual([{ from: '8001', to: '1002' }]);
  });

  it('logs an idle agent out at once, Make Busy first; during a call, when it ends', () => {
    const { desk, line, told, setLogout, placed } = rig();
    desk.sessionStarted('1001', 'mac-a');
    expect(stateOf(desk.request('mac-a', '1001', 'logout'))).toBe('logged-out');
    expect(told('mac-a')).toEqual({ type: 'agent-state', id: '1001', state: 'logged-out', logoutPending: false });
    expect(desk.list()).toEqual([]);

    desk.sessionStarted('1002', 'mac-b');
    desk.acdCall('700', '8001');
    line('1002', 'busy');
    setLogout('waiting');
    expect(stateOf(desk.request('mac-b', '1002', 'logout'))).toBe('on-call+pending');
    desk.acdCall('700', '8002');
    line('1002', 'idle');
    // left in Make Busy: no work timer, and the waiting call is not offered to the leaving agent
    expect(told('mac-b')?.state).toBe('make-busy');
    expect(placed).toHaveLength(1);
    expect(desk.waiting('700')).toBe(1);
    desk.sessionEnded('1002');
    expect(told('mac-b')?.state).toBe('logged-out');
  });

  it('answers a logout refused (a call rings the agent) with a rejection and changes nothing', () => {
    const { desk, setLogout } = rig();
    desk.sessionStarted('1001', 'mac-a');
    setLogout('refused-ringing');
    expect(stateOf(desk.request('mac-a', '1001', 'logout'))).toBe('ack rejected');
    expect(desk.list()[0]).toMatchObject({ state: 'available', logoutPending: false });
  });

  it('lets a queued caller hang up, and refuses a call to a group that does not exist', () => {
    const { desk } = rig();
    desk.acdCall('700', '8001');
    expect(desk.abandon('8001')).toBe(true);
    expect(desk.abandon('8001')).toBe(false);
    expect(desk.waiting()).toBe(0);
    expect(() => desk.acdCall('799', '8001')).toThrow(/no ACD group 799/);
  });
});
