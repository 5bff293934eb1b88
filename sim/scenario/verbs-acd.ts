// The ACD agent steps (docs/design.md "ACD hot desk agents"): `expect-agent` reads the agent logged in on
// the phone now (HotdeskView.agent, which the ACD owner publishes), and the agent key names `press`
// takes (`agent-login`, `agent-logout`, `make-busy`) are resolved, when the step runs, to the
// programmable key of the phone's layout that carries that feature (a `feature` key). The `acd-call`
// controller action is checked against the world's ACD groups when the file loads.
import { AGENT_VIEW_STATES, type AgentViewState } from '../../firmware/acd/view.ts';
import { AGENT_FEATURES, agentKeysOf, type AgentFeature } from '../../firmware/acd/agent-keys.ts';
import { ArgError, StepFailure } from './errors.ts';
import type { StepContext } from './context.ts';
import type { ScenarioTarget } from './target.ts';
import type { Verb } from './verbs.ts';
import { onlyKeys } from './verb-args.ts';

/** `none`, or the agent logged in now: `{ id, state }` (state optional). */
export type AgentArg = { id: string; state?: AgentViewState } | 'none';

function agentArg(value: unknown): AgentArg {
  if (value === 'none') return 'none';
  const v = value as Record<string, unknown> | null;
  const help = `expect-agent takes none or { id, state: ${AGENT_VIEW_STATES.join(' | ')} }`;
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw help;
  for (const k of Object.keys(v)) if (k !== 'id' && k !== 'state') throw new ArgError(`unknown key "${k}" in expect-agent (${help})`, [k]);
  if ((typeof v.id !== 'string' && typeof v.id !== 'number') || !/^[0-9]{1,7}$/.test(String(v.id))) {
    throw new ArgError(`expect-agent "id" is the agent ID (1 to 7 digits; got ${JSON.stringify(v.id)})`, ['id']);
  }
  if (v.state !== undefined && (typeof v.state !== 'string' || !(AGENT_VIEW_STATES as readonly string[]).includes(v.state))) {
    throw new ArgError(`expect-agent "state" must be one of ${AGENT_VIEW_STATES.join(', ')} (got ${JSON.stringify(v.state)})`, ['state']);
  }
  return { id: String(v.id), ...(v.state === undefined ? {} : { state: v.state as AgentViewState }) };
}

const expectAgent: Verb<AgentArg> = {
  parse(value, extras) {
    onlyKeys(extras, [], 'expect-agent');
    return agentArg(value);
  },
  async run(target, arg) {
    const view = target.hotdesk?.();
    if (!view) throw new StepFailure('the phone is not in service (no agent to read)');
    const agent = view.agent;
    if (arg === 'none') {
      if (agent) throw new StepFailure(`agent ${agent.id} is logged in (${agent.state})`);
      return;
    }
    if (!agent) throw new StepFailure(`no agent is logged in, not ${arg.id}${view.user ? ` (user ${view.user.ext} is)` : ''}`);
    if (agent.id !== arg.id) throw new StepFailure(`agent ${agent.id} is logged in, not ${arg.id}`);
    if (arg.state !== undefined && agent.state !== arg.state) throw new StepFailure(`agent ${agent.id} is ${agent.state}, not ${arg.state}`);
  },
  describe: (arg) => (arg === 'none' ? 'expect-agent: none' : `expect-agent: ${arg.id}${arg.state ? ` ${arg.state}` : ''}`),
};

export const ACD_VERBS: Record<string, Verb<any>> = {
  'expect-agent': expectAgent,
};

// ---- the agent keys `press` names ----

/** The press names of the agent keys (a contract): each is the programmable key carrying that feature. */
export const AGENT_KEY_NAMES: readonly AgentFeature[] = AGENT_FEATURES;

/** Checked when the file loads: the handsets have no hot desk ACD agents, so no agent keys. */
export function checkAgentKey(key: string, ctx: StepContext): void {
  if (!(AGENT_KEY_NAMES as readonly string[]).includes(key)) return;
  if (ctx.profile.kind === 'handset') throw `${key}: the ${ctx.profile.id} takes no hot desk ACD agent (the 5604/5607/5614 do not), so it has no agent keys`;
  if (ctx.profile.programmableKeys === 0) throw `${key}: the ${ctx.profile.id} has no programmable keys to carry an agent key`;
}

/** The key a `press` acts on now: an agent key name becomes the `key:N` of the layout that carries it. */
export function resolvePress(target: ScenarioTarget, key: string): string {
  if (!(AGENT_KEY_NAMES as readonly string[]).includes(key)) return key;
  const keys = target.hotdesk?.()?.keys ?? [];
  const found = agentKeysOf(keys).find((k) => k.feature === key);
  if (!found) {
    const shown = agentKeysOf(keys).map((k) => `${k.key} ${k.feature}`);
    throw new StepFailure(`the phone shows no ${key} key (a feature key ${key} of the layout; agent keys shown: ${shown.length ? shown.join(', ') : 'none'})`);
  }
  return found.key;
}

// ---- the acd-call action ----

/** `controller: { acd-call: { group } }` names a group of the world's `acd-groups` (checked at load). */
export function checkAcdCall(action: unknown, ctx: StepContext): void {
  const a = action as Record<string, unknown> | null;
  const call = a && typeof a === 'object' ? (a['acd-call'] as Record<string, unknown> | undefined) : undefined;
  if (!call || typeof call !== 'object') return;
  const group = String(call.group);
  const groups = (ctx.world.acdGroups ?? []).map((g) => g.id);
  if (!groups.includes(group)) {
    throw new ArgError(`controller acd-call: no ACD group ${group} in the world (acd-groups: ${groups.length ? groups.join(', ') : 'none'})`, ['acd-call', 'group']);
  }
}
