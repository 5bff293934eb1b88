// An agent's keys are programmable keys of a layout (the agent's own, or the set's for Agent Login):
// `feature` keys whose feature code names an agent feature. The key layout carries the feature code in
// its `dn` field (firmware/signalling/key-layout.ts), so `{ type: feature, dn: make-busy }` is the
// Make Busy key. The keys machine lights them as the ACD owner asks (featureLampWrites).

export const AGENT_FEATURES = ['agent-login', 'agent-logout', 'make-busy'] as const;
export type AgentFeature = (typeof AGENT_FEATURES)[number];

export function isAgentFeature(code: string): code is AgentFeature {
  return (AGENT_FEATURES as readonly string[]).includes(code);
}

/** One agent key the set shows: its contract name (`key:N`) and its feature. */
export interface AgentKey {
  key: string;
  feature: AgentFeature;
}

/** The keys shown that carry an agent feature, in key order. */
export function agentKeysOf(keys: readonly { id: string; type: string; dn: string }[]): AgentKey[] {
  return keys.flatMap((k) => (k.type === 'feature' && isAgentFeature(k.dn) ? [{ key: k.id, feature: k.dn }] : []));
}

/** The lamp each shown key of a lit feature shows (`off` for the others of that feature). */
export function featureLampWrites(keys: readonly { id: string; type: string; dn: string }[], lamps: Readonly<Record<string, string>>): { key: string; cadence: string }[] {
  return agentKeysOf(keys).map((k) => ({ key: k.key, cadence: lamps[k.feature] ?? 'off' }));
}
