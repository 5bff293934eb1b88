// The ACD owner: the agent logged in on this set (an ACD hot desk agent: the hot desk session logged them
// in with their agent ID), the agent's state as the controller says it, the agent keys (Make Busy, Agent
// Logout, Agent Login: `feature` keys of the layout, agent-keys.ts), their lamps (asked of the keys
// machine) and the agent's status texts (MAKE BUSY, WORK TIMER: asked of the session, on the user's
// screen). The controller decides every change (topic `acd`, agent-state); this owner asks for them
// (agent-request) and shows what it is told.
//
//   none --agent-state {an agent}--> agent.route --> available | makeBusy | workTimer | onCall
//   agent --agent-state logged-out / acd.user-out (the session's user left)--> none
//   available, workTimer --Make Busy key--> agent-request make-busy      (onCall: Make Busy after the call)
//   makeBusy --Make Busy key--> agent-request available;  workTimer --Cancel--> agent-request available
//   agent --Agent Logout key / acd.logout (the code)--> agent-request logout
//   none --Agent Login key--> session.agent-login (the session's login: ID #, PIN #); handsets: refused
//
// Its display layer (`acd`, below the session's) shows nothing: it only takes the agent keys and, in
// the work timer, Cancel, which the session's logged-in screen does not take.
import { and, assign, sendTo, setup } from 'xstate';
import type { DisplayEvent } from '../display/display.ts';
import { SYSTEM, type LinkEvent } from '../service/events.ts';
import type { AgentAction, AgentState, Message } from '../signalling/messages.ts';
import { ACD_TEXT } from './acd-strings.ts';
import { NOTHING_PRESENTED, type AcdContext, type AcdEvent, type AcdInput, type KeysFeature, type Presented, type SessionAgentLogin, type SessionAgentStatus } from './acd-types.ts';
import type { AgentFeature } from './agent-keys.ts';
import type { AgentView } from './view.ts';

export type { AcdInput } from './acd-types.ts';

const keyOf = (e: AcdEvent) => (e.type === 'key' ? e.key : '');
const featureOf = (c: AcdContext, e: AcdEvent): AgentFeature | undefined => c.keys.find((k) => k.key === keyOf(e))?.feature;
const stateMsg = (c: AcdContext, e: AcdEvent): AgentState | undefined => {
  const m: Message | undefined = e.type === 'sig.push' ? e.msg : e.type === 'sig.answer' && e.id === c.expect ? e.msg : undefined;
  return m?.type === 'agent-state' ? m : undefined;
};
const viewOf = (m: AgentState): AgentView | undefined => (m.state === 'logged-out' ? undefined : { id: m.id, state: m.state, logoutPending: m.logoutPending });

/** What the session shows above the user on its logged-in screen, for each agent state. */
function statusRows(agent: AgentView | undefined): string[] {
  if (agent?.state === 'make-busy') return [ACD_TEXT.makeBusy];
  if (agent?.state === 'work-timer') return [ACD_TEXT.workTimer];
  return [];
}

const effects = setup({
  types: { context: {} as AcdContext, input: {} as AcdInput, events: {} as AcdEvent },
  guards: {
    agentIn: ({ context, event }) => {
      const m = stateMsg(context, event);
      return m !== undefined && m.state !== 'logged-out';
    },
    agentOut: ({ context, event }) => stateMsg(context, event)?.state === 'logged-out',
    refused: ({ context, event }) => event.type === 'sig.answer' && event.id === context.expect && event.msg.type === 'ack',
    logoutRefused: ({ context, event }) => event.type === 'sig.answer' && event.id === context.expect && event.msg.type === 'ack' && context.asked === 'logout',
    failed: ({ context, event }) => event.type === 'sig.failed' && event.id === context.expect,
    isAvailable: ({ context }) => context.agent?.state === 'available',
    isMakeBusy: ({ context }) => context.agent?.state === 'make-busy',
    isWorkTimer: ({ context }) => context.agent?.state === 'work-timer',
    makeBusyKey: ({ context, event }) => featureOf(context, event) === 'make-busy',
    agentLogoutKey: ({ context, event }) => featureOf(context, event) === 'agent-logout',
    agentLoginKey: ({ context, event }) => featureOf(context, event) === 'agent-login',
    cancelKey: ({ event }) => keyOf(event) === 'cancel',
    handset: ({ context }) => context.handset,
  },
  actions: {
    /** The agent now, for the scenario runner and the panel (the board binds it). */
    publish: (_, _params: { agent: AgentView | undefined }) => {},
    trace: (_, _params: { message: string }) => {},
    toDisplay: sendTo(({ system }) => system.get(SYSTEM.display), (_, e: DisplayEvent) => e),
    toLink: sendTo(({ system }) => system.get(SYSTEM.link), (_, e: LinkEvent) => e),
    toSession: sendTo(({ system }) => system.get(SYSTEM.session), (_, e: SessionAgentStatus | SessionAgentLogin) => e),
    toKeys: sendTo(({ system }) => system.get(SYSTEM.keys), (_, e: KeysFeature) => e),
    notice: sendTo(({ system }) => system.get(SYSTEM.display), (_, p: { rows: readonly string[] }): DisplayEvent => ({ type: 'display.notice', rows: [...p.rows] })),
    take: assign({
      agent: ({ context, event }) => {
        const m = stateMsg(context, event);
        return m ? viewOf(m) : context.agent;
      },
    }),
    drop: assign({ agent: undefined }),
    /** An agent-request, named by the owner's next id (a late answer to an older one is ignored). */
    ask: sendTo(
      ({ system }) => system.get(SYSTEM.link),
      ({ context, self }, p: { action: AgentAction }): LinkEvent => ({ type: 'sig.request', id: `acd:${context.seq}`, msg: { type: 'agent-request', action: p.action }, replyTo: self }),
    ),
    bumpRequest: assign(({ context }, p: { action: AgentAction }) => ({ expect: `acd:${context.seq}`, seq: context.seq + 1, asked: p.action })),
  },
});

const request = (action: AgentAction) => [
  { type: 'ask' as const, params: { action } },
  { type: 'bumpRequest' as const, params: { action } },
];

const acd = effects.extend({
  actions: {
    /**
     * Everything the agent's state shows: the layer's keys, the status rows, the Make Busy lamp, the view.
     * Each is asked again only when it changes: a set with no agent and no agent keys (most of a fleet) asks nothing.
     */
    present: effects.enqueueActions(({ context, self, enqueue }) => {
      const agent = context.agent;
      const takes = [...context.keys.map((k) => k.key), ...(agent?.state === 'work-timer' ? ['cancel'] : [])];
      const rows = statusRows(agent);
      const now: Presented = { takes: takes.join(' '), rows: rows.join('\n'), makeBusy: agent?.state === 'make-busy' ? 'on' : 'off' };
      const was = context.presented;
      const newTakes = now.takes !== was.takes;
      const newRows = now.rows !== was.rows;
      const newLamp = now.makeBusy !== was.makeBusy;
      if (newTakes) enqueue({ type: 'toDisplay', params: { type: 'display.show', layer: 'acd', rows: [], takes, owner: self } });
      if (newRows) enqueue({ type: 'toSession', params: { type: 'session.agent-status', rows } });
      if (newLamp) enqueue({ type: 'toKeys', params: { type: 'keys.feature', feature: 'make-busy', cadence: now.makeBusy } });
      if (newTakes || newRows || newLamp) enqueue.assign({ presented: now });
      enqueue({ type: 'publish', params: { agent: agent ? { ...agent } : undefined } });
    }),
    /** A logout asked during a call waits for its end: say so (the call layer stays up). */
    noticePending: effects.enqueueActions(({ context, event, enqueue }) => {
      const m = stateMsg(context, event);
      if (m?.logoutPending && !context.agent?.logoutPending) enqueue({ type: 'notice', params: { rows: ACD_TEXT.logoutPending } });
    }),
    cancelOwn: effects.enqueueActions(({ self, enqueue }) => {
      enqueue({ type: 'toLink', params: { type: 'sig.cancel', owner: self } });
      enqueue.assign({ expect: '' });
    }),
  },
});

export const acdMachine = acd.createMachine({
  id: 'acd',
  context: ({ input }) => ({ ...input, agent: undefined, keys: [], seq: 1, expect: '', asked: undefined, presented: NOTHING_PRESENTED }),
  on: {
    'sig.push': [
      { guard: 'agentIn', target: '.agent', reenter: true, actions: 'take' },
      { guard: 'agentOut', target: '.none', reenter: true, actions: 'drop' },
    ],
    'sig.answer': [
      { guard: 'agentIn', target: '.agent', reenter: true, actions: ['noticePending', 'take', assign({ expect: '' })] },
      { guard: 'agentOut', target: '.none', reenter: true, actions: ['drop', assign({ expect: '' })] },
      { guard: 'logoutRefused', actions: [{ type: 'notice', params: { rows: ACD_TEXT.logoutRefused } }, assign({ expect: '' })] },
      { guard: 'refused', actions: [{ type: 'trace', params: { message: 'agent request refused' } }, assign({ expect: '' })] },
    ],
    'sig.failed': { guard: 'failed', actions: [{ type: 'trace', params: { message: 'agent request: no answer' } }, assign({ expect: '' })] },
    'acd.keys': { actions: [assign({ keys: ({ event }) => event.keys }), 'present'] },
    'acd.user-out': { target: '.none', actions: 'drop' },
    'service.rehoming': { actions: 'cancelOwn' },
  },
  initial: 'none',
  states: {
    none: {
      entry: 'present',
      on: {
        key: [
          // the handsets take no hot desk ACD agent: say so rather than open a login that must fail
          { guard: and(['agentLoginKey', 'handset']), actions: { type: 'notice', params: { rows: ACD_TEXT.notSupported } } },
          { guard: 'agentLoginKey', actions: { type: 'toSession', params: { type: 'session.agent-login' } } },
        ],
        'acd.logout': { actions: { type: 'notice', params: { rows: ACD_TEXT.noAgent } } },
      },
    },
    agent: {
      initial: 'route',
      on: {
        key: [
          { guard: 'agentLogoutKey', actions: request('logout') },
          // no log-over: the agent logs out before anyone else logs in here
          { guard: 'agentLoginKey', actions: { type: 'notice', params: { rows: ACD_TEXT.setInUse } } },
        ],
        'acd.logout': { actions: request('logout') },
      },
      states: {
        route: {
          always: [{ guard: 'isAvailable', target: 'available' }, { guard: 'isMakeBusy', target: 'makeBusy' }, { guard: 'isWorkTimer', target: 'workTimer' }, { target: 'onCall' }],
        },
        available: {
          entry: 'present',
          on: { key: { guard: 'makeBusyKey', actions: request('make-busy') } },
        },
        makeBusy: {
          entry: 'present',
          on: { key: { guard: 'makeBusyKey', actions: request('available') } },
        },
        workTimer: {
          entry: 'present',
          on: {
            key: [
              { guard: 'makeBusyKey', actions: request('make-busy') },
              // Cancel ends the work timer: the agent is available for the next ACD call now
              { guard: 'cancelKey', actions: request('available') },
            ],
          },
        },
        /** An ACD call rings or is up: Make Busy now means Make Busy once the call ends. */
        onCall: {
          entry: 'present',
          on: { key: { guard: 'makeBusyKey', actions: request('make-busy') } },
        },
      },
    },
  },
});

export type AcdMachine = typeof acdMachine;
