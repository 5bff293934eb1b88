// The ACD part of the controller's world, checked past what the schema can say (config.ts calls it):
// every agent ID and group once, none of them a user's extension or a set's DN (an agent ID is its own
// extension), every group an agent names and every agent a group names known, a work timer of 0-600 s,
// and agent access codes that no other access code starts (a dialled code must mean one thing). Errors
// name the field, never a value that could be a PIN.
import { parseDuration } from '../../../duration.ts';
import { defaultAgentKeys, MAX_WORK_TIMER_MS, type AcdGroupConfig, type AgentConfig } from './agents.ts';
import type { KeyEntry } from '../../config.ts';

export interface AcdWorld {
  agents: AgentConfig[];
  acdGroups: AcdGroupConfig[];
}

/** The hot desk access codes as config.ts read them, for the prefix check. */
interface Codes {
  login: string;
  logout: string;
  remoteLogout: string;
  agentLogin: string;
  agentLogout: string;
}

type Fail = (message: string) => Error;

/** `keys`: config.ts's key-entry reader (the same entries as a user's). */
export function parseAcd(
  c: Record<string, any>,
  taken: { users: readonly { ext: string }[]; sets: readonly { dn?: string }[] },
  keys: (list: unknown, where: string) => KeyEntry[],
  source: string,
  fail: Fail,
): AcdWorld {
  const rawAgents = (c.agents ?? []) as Record<string, any>[];
  const rawGroups = (c['acd-groups'] ?? []) as Record<string, any>[];
  const owner = new Map<string, string>();
  for (const [i, u] of taken.users.entries()) owner.set(u.ext, `/users/${i}/ext`);
  for (const [i, s] of taken.sets.entries()) if (s.dn !== undefined && !owner.has(s.dn)) owner.set(s.dn, `/sets/${i}/dn`);
  const claim = (dn: string, where: string, what: string) => {
    const before = owner.get(dn);
    if (before) throw fail(`${source}: ${where} ${dn} is already ${before}: an ${what} needs a number of its own`);
    owner.set(dn, where);
  };
  for (const [i, g] of rawGroups.entries()) claim(g.id, `/acd-groups/${i}/id`, 'ACD group');
  for (const [i, a] of rawAgents.entries()) claim(a.id, `/agents/${i}/id`, 'agent ID');

  const groupIds = new Set(rawGroups.map((g) => g.id as string));
  const agentIds = new Set(rawAgents.map((a) => a.id as string));
  const members = new Map<string, string[]>(rawGroups.map((g) => [g.id as string, []]));
  const join = (group: string, agent: string) => {
    const list = members.get(group)!;
    if (!list.includes(agent)) list.push(agent);
  };
  for (const [i, g] of rawGroups.entries()) {
    for (const [j, id] of ((g.agents ?? []) as string[]).entries()) {
      if (!agentIds.has(id)) throw fail(`${source}: /acd-groups/${i}/agents/${j} names no agent of /agents (${id})`);
      join(g.id, id);
    }
  }
  const agents = rawAgents.map((a, i): AgentConfig => {
    for (const [j, g] of ((a.groups ?? []) as string[]).entries()) {
      if (!groupIds.has(g)) throw fail(`${source}: /agents/${i}/groups/${j} names no group of /acd-groups (${g})`);
      join(g, a.id);
    }
    const workTimerMs = a['work-timer'] === undefined ? 0 : parseDuration(a['work-timer']);
    if (workTimerMs === undefined || workTimerMs > MAX_WORK_TIMER_MS) throw fail(`${source}: /agents/${i}/work-timer must be 0 to 600 s`);
    return {
      id: a.id,
      pin: a.pin,
      name: a.name ?? `Agent ${a.id}`,
      language: a.language ?? 'en',
      groups: [],
      workTimerMs,
      keys: a.keys === undefined ? defaultAgentKeys(a.id) : keys(a.keys, `${source}: /agents/${i}/keys`),
    };
  });
  const acdGroups = rawGroups.map((g): AcdGroupConfig => ({ id: g.id, agents: members.get(g.id)! }));
  for (const agent of agents) agent.groups = acdGroups.filter((g) => g.agents.includes(agent.id)).map((g) => g.id);
  return { agents, acdGroups };
}

/** The agent codes must not start another code, nor be started by one: each dialled code means one thing. */
export function checkAgentCodes(codes: Codes, source: string, fail: Fail): void {
  const all: [string, string][] = [
    ['login', codes.login === '' ? '' : `${codes.login}*`],
    ['logout', codes.logout],
    ['remote-logout', codes.remoteLogout],
    ['agent-login', codes.agentLogin],
    ['agent-logout', codes.agentLogout],
  ];
  for (const [name, code] of all.slice(3)) {
    if (code === '') continue;
    for (const [other, theirs] of all) {
      if (other === name || theirs === '') continue;
      if (theirs.startsWith(code) || code.startsWith(theirs)) throw fail(`${source}: /access-codes/${name} and /access-codes/${other} start alike: a dialled code would mean both`);
    }
  }
}
