// The agent login as the hot desk session runs it when the Agent Login key or the agent-login access code
// opened it: the same two entry screens as a hot desk login (the PIN only ever masked, through the same
// entry pad), with the agent ID in place of the extension. An agent ID is 1 to 7 digits, and `#` ends each
// field on every model (OK too, where the set has it), as the ACD agent guides have it: code, ID #, PIN #.
/** Mitel: "you as an Agent are assigned a 1- to 7-digit Identification (I.D.) number to log in with". */
export const MAX_AGENT_ID_DIGITS = 7;

export function isAgentSubmitKey(key: string): boolean {
  return key === '#' || key === 'ok';
}
