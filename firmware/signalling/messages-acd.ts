// ACD hot desk agents: an agent logs in through the hot desk login (the agent ID in place of the
// extension); the controller then tells the set the agent's state, and the set asks for the agent's
// changes (Make Busy, available again, a work timer cancelled, logout). The controller is the one that
// decides: the set shows what agent-state says.
//   controller --agent-state {id, state, logoutPending}--> phone    (after login, on every change)
//   phone --agent-request {action}--> controller --agent-state--> phone (the answer: the state now)
import { body } from './body-spec.ts';
import type { BodyTable } from './body-spec.ts';
import { bool, enumOf, str } from './wire-fields.ts';

/** `logged-out`: no agent on the set (the agent logged out, or the session ended). */
export const AGENT_STATES = ['logged-out', 'available', 'make-busy', 'work-timer', 'on-call'] as const;
export type AgentStateName = (typeof AGENT_STATES)[number];

/** `available`: Make Busy off, or a work timer cancelled. */
export const AGENT_ACTIONS = ['make-busy', 'available', 'logout'] as const;
export type AgentAction = (typeof AGENT_ACTIONS)[number];

/** Controller -> phone: the state of the agent logged in on the set (also the answer to agent-request). */
export interface AgentState {
  type: 'agent-state';
  id: string; // the agent ID ("" with logged-out when the set has no agent)
  state: AgentStateName;
  /** The agent asked to log out during a call: it happens when the call ends (no ACD call until then). */
  logoutPending: boolean;
}

/** Phone -> controller: the agent on this set asks for a change. */
export interface AgentRequest {
  type: 'agent-request';
  action: AgentAction;
}

export type AcdMessage = AgentState | AgentRequest;

export const acdBodies: BodyTable<AcdMessage> = {
  'agent-state': body(0x90, [str('id'), enumOf(AGENT_STATES, 'state'), bool('logoutPending')]),
  'agent-request': body(0x91, [enumOf(AGENT_ACTIONS, 'action')]),
};
