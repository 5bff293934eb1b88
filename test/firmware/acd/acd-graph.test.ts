// Model-based test of the ACD owner (firmware/acd/acd.ts): xstate/graph walks it, on a desk set and on a
// handset, from sample events - the controller's agent-state pushes (every state, a logout pending, the
// agent gone), the answers to its own agent-request (each state, a refusal, no answer), the keys
// machine's agent keys (Make Busy, Agent Logout, Agent Login, none), the keys pressed (those three,
// Cancel, a key that is no agent key), the session's news (the agent-logout code, the user gone) and a
// re-home. Each path is then replayed on a live owner beside recorders for the display, the link, the
// session, the keys and the service: at every step the agent published, the status rows asked of the
// session, the Make Busy lamp asked of the keys and the keys its layer takes must be what the agent's
// state says (docs/design.md "ACD hot desk agents"), and each key press must ask what the contract says.
import { describe, expect, it } from 'vitest';
import type { AnyEventObject, AnyMachineSnapshot } from 'xstate';
import { acdMachine } from '../../../firmware/acd/acd.ts';
import { ACD_TEXT } from '../../../firmware/acd/acd-strings.ts';
import type { AgentKey } from '../../../firmware/acd/agent-keys.ts';
import type { AgentView } from '../../../firmware/acd/view.ts';
import { SYSTEM } from '../../../firmware/service/events.ts';
import { AGENT_STATES, type AgentStateName } from '../../../firmware/signalling/messages.ts';
import { checkCoverage, checkPassedLive, labelOf, live, named, replay, replayAll, walk, type Walk } from '../../support/graph-walk.ts';

const ID = '1001';
const KEYS: AgentKey[] = [
  { key: 'key:2', feature: 'make-busy' },
  { key: 'key:3', feature: 'agent-logout' },
  { key: 'key:5', feature: 'agent-login' },
];
const state = (s: AgentStateName, logoutPending = false) => ({ type: 'agent-state' as const, id: s === 'logged-out' ? '' : ID, state: s, logoutPending });

const SAMPLES: AnyEventObject[] = [
  ...AGENT_STATES.map((s) => named(`push ${s}`, { type: 'sig.push', msg: state(s) })),
  named('push on-call, logout pending', { type: 'sig.push', msg: state('on-call', true) }),
  named('agent keys', { type: 'acd.keys', keys: KEYS }),
  named('no agent keys', { type: 'acd.keys', keys: [] }),
  ...['key:2', 'key:3', 'key:5', 'key:9', 'cancel'].map((key) => named(`key ${key}`, { type: 'key', key })),
  named('agent-logout code', { type: 'acd.logout' }),
  named('user out', { type: 'acd.user-out' }),
  named('rehoming', { type: 'service.rehoming', mode: 'failover' }),
];

/** The answers to the request in flight, if any. */
function answers(s: AnyMachineSnapshot): AnyEventObject[] {
  const id = s.context.expect as string;
  if (id === '') return [];
  return [
    ...AGENT_STATES.map((st) => named(`answer ${st}`, { type: 'sig.answer', id, msg: state(st) })),
    named('answer on-call, logout pending', { type: 'sig.answer', id, msg: state('on-call', true) }),
    named('answer refused', { type: 'sig.answer', id, msg: { type: 'ack', status: 'rejected' } }),
    named('no answer', { type: 'sig.failed', id, reason: 'timeout' }),
  ];
}

const agentText = (a: AgentView | undefined) => (a ? `${a.id}:${a.state}${a.logoutPending ? '+pending' : ''}` : '-');
const abstraction = (s: AnyMachineSnapshot) =>
  `${JSON.stringify(s.value)} agent=${agentText(s.context.agent)} keys=${s.context.keys.length} asked=${s.context.expect === '' ? '-' : s.context.asked}`;

const walks: [string, boolean, Walk][] = [false, true].map((handset) => [
  handset ? 'a handset' : 'a desk set',
  handset,
  walk(acdMachine, { input: { handset }, events: (s) => [...SAMPLES, ...answers(s)], abstraction, edge: (_, e) => e.type === 'key' || e.type === 'acd.logout' }),
]);

/** What the owner asks of whom, and what each holds before it asks anything. */
const ASKED: [string, string, (e: AnyEventObject) => unknown, string][] = [
  [SYSTEM.session, 'session.agent-status', (e) => e.rows, JSON.stringify([])],
  [SYSTEM.keys, 'keys.feature', (e) => e.cadence, JSON.stringify('off')],
  [SYSTEM.display, 'display.show', (e) => e.takes, JSON.stringify([])],
];

/** What an agent state shows, written out independently of the machine. */
const rowsFor = (a: AgentView | undefined) => (a?.state === 'make-busy' ? [ACD_TEXT.makeBusy] : a?.state === 'work-timer' ? [ACD_TEXT.workTimer] : []);

describe.each(walks)('the ACD owner on %s, model-based', (_name, handset, w) => {
  const eventless = new Set<string>();

  it('reaches every state of the machine', () => {
    checkCoverage('acd', w);
  });

  replayAll(w, (path) => {
    const published: (AgentView | undefined)[] = [];
    const l = live(acdMachine.provide({ actions: { publish: (_, p) => void published.push(p.agent) } }), {
      systemId: SYSTEM.acd,
      input: { handset },
      peers: [SYSTEM.display, SYSTEM.link, SYSTEM.session, SYSTEM.keys, SYSTEM.service],
    });
    const last = (to: string, type: string) => l.sent.filter((x) => x.to === to && x.event.type === type).at(-1)?.event;
    // what was sent before the step being checked (replay sends, then checks)
    let mark = 0;
    const marked = { ...l, send: (e: AnyEventObject) => ((mark = l.sent.length), l.send(e)) };
    replay(path, marked, abstraction, (snap, step, i) => {
      const agent = snap.context.agent as AgentView | undefined;
      if (i === 0) return;
      // the agent as the last agent-state said it, and everything it shows
      // (what each holds: the last thing asked of it, or what it starts with: no rows, the lamp dark, no layer)
      expect(published.at(-1)).toEqual(agent);
      expect(last(SYSTEM.session, 'session.agent-status')?.rows ?? []).toEqual(rowsFor(agent));
      expect(last(SYSTEM.keys, 'keys.feature') ?? { feature: 'make-busy', cadence: 'off' }).toMatchObject({ feature: 'make-busy', cadence: agent?.state === 'make-busy' ? 'on' : 'off' });
      const layer = last(SYSTEM.display, 'display.show') ?? { layer: 'acd', rows: [], takes: [] };
      expect(layer).toMatchObject({ layer: 'acd', rows: [] });
      const keys = (snap.context.keys as AgentKey[]).map((k) => k.key);
      expect(layer.takes).toEqual([...keys, ...(agent?.state === 'work-timer' ? ['cancel'] : [])]);
      // and it is asked again only for a change: never what it holds already
      for (const [to, type, of, start] of ASKED) {
        const values = l.sent.filter((x) => x.to === to && x.event.type === type).map((x) => JSON.stringify(of(x.event)));
        values.forEach((v, k) => expect(v, `${type} #${k}`).not.toBe(k === 0 ? start : values[k - 1]));
      }

      // a key or the code asks what the contract says, of whom it says
      const e = step.event;
      const before = path.steps[i - 1].state;
      if (e.type !== 'key' && e.type !== 'acd.logout') return;
      const was = before.context.agent as AgentView | undefined;
      const hadKeys = before.context.keys as AgentKey[];
      const feature = e.type === 'acd.logout' ? 'agent-logout' : hadKeys.find((k) => k.key === e.key)?.feature;
      const sentNow = l.sent.slice(mark);
      const asked = sentNow.filter((x) => x.to === SYSTEM.link && x.event.type === 'sig.request').map((x) => x.event.msg.action);
      const notices = sentNow.filter((x) => x.to === SYSTEM.display && x.event.type === 'display.notice').map((x) => x.event.rows.join(' '));
      const logins = sentNow.filter((x) => x.to === SYSTEM.session && x.event.type === 'session.agent-login').length;
      const want: string[] = [];
      if (was && feature === 'agent-logout') want.push('logout');
      else if (was && feature === 'make-busy') want.push(was.state === 'make-busy' ? 'available' : 'make-busy');
      else if (was?.state === 'work-timer' && e.type === 'key' && e.key === 'cancel') want.push('available');
      expect(asked, labelOf(e)).toEqual(want);
      expect(logins, labelOf(e)).toBe(!was && feature === 'agent-login' && !handset ? 1 : 0);
      const notice = !was && feature === 'agent-login' && handset ? ACD_TEXT.notSupported : was && feature === 'agent-login' ? ACD_TEXT.setInUse : !was && e.type === 'acd.logout' ? ACD_TEXT.noAgent : undefined;
      expect(notices, labelOf(e)).toEqual(notice ? [notice.join(' ')] : []);
    });
    for (const id of l.eventless) eventless.add(id);
  });

  it('took the eventless transition out of every transient node it counts (live)', () => {
    checkPassedLive(w, eventless);
  });
});
