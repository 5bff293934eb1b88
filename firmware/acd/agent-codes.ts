// The ACD agent access codes a set dials (docs/design.md "ACD hot desk agents"), next to the hot desk
// ones in ../hotdesk/dial-codes.ts. They exist only when the controller's world names them: a world with
// no agents dials as it always has.
//   agent login:   <agent-login>  <ID>  #  <PIN>  #   (the ID and PIN parts are the session's entry screens)
//   agent logout:  <agent-logout>                     (complete as soon as the code matches)
import type { AccessCodes } from '../hotdesk/dial-codes.ts';

export interface AgentCodes {
  /** "" for none. */
  agentLogin: string;
  agentLogout: string;
}

/** Every access code a set may be given: the hot desk ones and the agent ones. */
export type SetAccessCodes = AccessCodes & AgentCodes;

export const NO_AGENT_CODES: AgentCodes = Object.freeze({ agentLogin: '', agentLogout: '' });

export type AgentDialMatch = { kind: 'agent-login' } | { kind: 'agent-logout' } | { kind: 'partial' } | { kind: 'invalid' };

/** What the keys dialled so far mean to the agent codes. */
export function matchAgentDialed(dialed: string, codes: AgentCodes): AgentDialMatch {
  if (dialed === '') return { kind: 'invalid' };
  if (codes.agentLogin !== '' && dialed === codes.agentLogin) return { kind: 'agent-login' };
  if (codes.agentLogout !== '' && dialed === codes.agentLogout) return { kind: 'agent-logout' };
  for (const code of [codes.agentLogin, codes.agentLogout]) if (code !== '' && code.startsWith(dialed)) return { kind: 'partial' };
  return { kind: 'invalid' };
}

/** The agent codes out of a set's input (those it was not given are none). */
export function agentCodesOf(codes: Partial<AgentCodes> | undefined): AgentCodes {
  return { agentLogin: codes?.agentLogin ?? '', agentLogout: codes?.agentLogout ?? '' };
}
