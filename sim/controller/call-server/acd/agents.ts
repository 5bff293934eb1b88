// ACD hot desk agents as the controller's world gives them (docs/design.md "ACD hot desk agents"): each
// agent has an ID (1-7 digits) and a PIN, a name, the ACD groups it answers for and the work timer after
// each ACD call; each group lists its agents. An agent's personal profile is a hot desk user of its own
// (the agent ID is its extension, its prime line): so an agent logs in through the hot desk login, with
// the PIN challenge and lockout, downloads its keys, is called on its ID and logs out as any user does.
import type { HotdeskUser, KeyEntry } from '../../config.ts';

/** Mitel: the work timer "varies from 0 to 600 seconds". */
export const MAX_WORK_TIMER_MS = 600_000;

export interface AgentConfig {
  id: string;
  pin: string;
  name: string;
  language: string;
  /** Every group the agent answers for (its own `groups` and the groups whose `agents` name it). */
  groups: string[];
  workTimerMs: number;
  keys: KeyEntry[];
}

export interface AcdGroupConfig {
  id: string;
  /** In distribution order (the agents' own `groups` add theirs after the group's list). */
  agents: string[];
}

/** The keys of an agent that names none: its prime line, Make Busy and Agent Logout. */
export function defaultAgentKeys(id: string): KeyEntry[] {
  return [
    { key: 'key:1', type: 'line', dn: id, label: id, ring: 'ring' },
    { key: 'key:2', type: 'feature', feature: 'make-busy', label: 'Make Busy' },
    { key: 'key:3', type: 'feature', feature: 'agent-logout', label: 'Agent Logout' },
  ];
}

/** The agents' personal profiles, as the hot desk users the directory logs in. */
export function agentUsers(agents: readonly AgentConfig[]): HotdeskUser[] {
  return agents.map((a) => ({
    ext: a.id,
    pin: a.pin,
    name: a.name,
    language: a.language,
    hotdesk: true,
    remoteLogoutAllowed: true,
    keys: a.keys,
  }));
}

/** What a key's layout entry carries in its `dn`: a feature key's feature code, else its DN. */
export function keyCode(k: KeyEntry): string {
  return k.type === 'feature' && k.feature !== undefined ? k.feature : (k.dn ?? '');
}
