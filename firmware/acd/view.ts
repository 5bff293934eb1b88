// The ACD agent as tests, scenarios and panels read it (HotdeskView.agent): plain data the ACD owner
// publishes on every change.

/** An agent's state as the set shows it (the scenario contract's `expect-agent` states). */
export const AGENT_VIEW_STATES = ['available', 'make-busy', 'work-timer', 'on-call'] as const;
export type AgentViewState = (typeof AGENT_VIEW_STATES)[number];

export interface AgentView {
  /** The agent ID logged in on the set. */
  id: string;
  state: AgentViewState;
  /** A logout asked during a call: the agent leaves when the call ends. */
  logoutPending: boolean;
}
