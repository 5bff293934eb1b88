// What the set shows for ACD agents. MAKE BUSY and WORK TIMER are Mitel's own display texts, in
// capitals on every language, as the ACD agent guides show them; the rest fits 16 columns (the 5604).
export const ACD_TEXT = {
  makeBusy: 'MAKE BUSY',
  workTimer: 'WORK TIMER',
  /** The entry prompt of an agent login opened by the Agent Login key or code. */
  agentId: 'Agent ID:',
  agent: (id: string) => `Agent ${id}`,
  /** A 5604/5607/5614 takes no hot desk ACD agent. */
  notSupported: ['ACD Agent Login', 'Not Supported'],
  /** No log-over: someone is logged in on the set. */
  setInUse: ['Set In Use', 'Log Out First'],
  noAgent: ['No Agent', 'Logged In'],
  logoutPending: ['Logout Pending'],
  logoutRefused: ['Logout Refused'],
} as const;
