// The ACD owner's events and context (plain data), and the events others send it. acd.ts is the machine.
import type { LinkReply, ServiceNotice, SigPush } from '../service/events.ts';
import type { AgentAction } from '../signalling/messages.ts';
import type { AgentKey, AgentFeature } from './agent-keys.ts';
import type { AgentView } from './view.ts';

export interface AcdInput {
  /** A 5604/5607/5614: no hot desk ACD agents there (the Agent Login key is refused on the display). */
  handset: boolean;
}

/** Keys -> ACD: the agent keys the set shows now (sent on every layout change). */
export interface AcdKeys {
  type: 'acd.keys';
  keys: AgentKey[];
}
/** Session -> ACD: the agent-logout access code was dialled. */
export interface AcdLogout {
  type: 'acd.logout';
}
/** Session -> ACD: the set's user left (logout in any form): whatever agent was here is gone with them. */
export interface AcdUserOut {
  type: 'acd.user-out';
}

export type AcdEvent = { type: 'key'; key: string } | SigPush | LinkReply | ServiceNotice | AcdKeys | AcdLogout | AcdUserOut;

/** ACD -> session: the agent's status rows on the logged-in screen ([] for none). */
export interface SessionAgentStatus {
  type: 'session.agent-status';
  rows: string[];
}
/** ACD -> session: the Agent Login key: open the agent login (ID, #, PIN, #). */
export interface SessionAgentLogin {
  type: 'session.agent-login';
}
/** ACD -> keys: the lamp of every key of this agent feature. */
export interface KeysFeature {
  type: 'keys.feature';
  feature: AgentFeature;
  cadence: string;
}

export interface AcdContext extends AcdInput {
  /** The agent logged in on the set, as the controller last said; undefined for none. */
  agent: AgentView | undefined;
  keys: AgentKey[];
  /** Request ids: a late answer to an abandoned request is ignored. */
  seq: number;
  expect: string;
  /** What the request in flight asked for. */
  asked: AgentAction | undefined;
  presented: Presented;
}

/** What the owner last asked of the display (the keys its layer takes), the session (the status rows) and the keys (the Make Busy lamp). */
export interface Presented {
  takes: string;
  rows: string;
  makeBusy: 'on' | 'off';
}

/** What the display, the session and the keys hold before the owner asks anything: no layer, no rows, the lamp dark. */
export const NOTHING_PRESENTED: Presented = { takes: '', rows: '', makeBusy: 'off' };
