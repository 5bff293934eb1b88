// The call server's ACD (docs/design.md "ACD hot desk agents"): the agents logged in (an agent's hot
// desk session is its ACD session), their states, the groups' queues, the work timers on the injected
// clock, and the distribution of queued ACD calls to available agents. The call server owns sessions,
// phones and calls and hands them in through AcdHost; this owns the agents.
//
//   agent:  available --Make Busy--> make-busy --available--> available
//           available --an ACD call offered--> on-call --the call ends, answered--> work-timer --timer / Cancel--> available
//                                                      --the call ends unanswered, or work timer 0--> available
//           on-call --Make Busy--> (make-busy once the call ends);  any --logout--> make-busy, then logged out
//   queue:  acd-call --> waits until an agent of its group is available with an idle line: the one
//           available longest takes it (the call server plays the caller, who calls the agent's ID)
import type { Clock, TimerId } from '../../../../firmware/hal.ts';
import type { AgentAction, AgentState, AgentStateName, LoginCode, Message } from '../../../../firmware/signalling/messages.ts';
import type { LineState } from '../lines.ts';
import type { LogoutOutcome } from '../types.ts';
import type { AcdGroupConfig, AgentConfig } from './agents.ts';

export interface AcdHost {
  clock: Clock;
  info(message: string): void;
  /** A reliable push to the registered phone `mac` (traced when unanswered, never thrown). */
  push(mac: string, msg: AgentState): void;
  /** A call from the party the call server plays, `from`, to `to`. Throws when it cannot be placed. */
  placeCall(from: string, to: string): void;
  /** The prime line of `dn` as its calls make it. */
  lineState(dn: string): LineState;
  /** The agent's hot desk session logs out, as the logout code asks it (waits while the line is busy). */
  logout(id: string): LogoutOutcome;
}

/** A logged-in agent as the call server keeps it. */
interface Agent {
  id: string;
  mac: string;
  state: Exclude<AgentStateName, 'logged-out'>;
  /** Clock ms since the agent is available: the one available longest takes the next call. */
  since: number;
  /** The ACD call offered to the agent, or up: seen answered (its line busy) or not yet. */
  call?: { answered: boolean };
  /** Make Busy asked during an ACD call: the agent is Make Busy when it ends. */
  busyAfterCall: boolean;
  logoutPending: boolean;
  timer?: TimerId;
}

interface Queued {
  from: string;
  group: string;
  at: number;
}

/** What tests and the admin side read of an agent logged in here. */
export interface AgentInfo {
  id: string;
  mac: string;
  state: Agent['state'];
  logoutPending: boolean;
}

const REJECTED: Message = { type: 'ack', status: 'rejected' };

export class AcdDesk {
  private readonly agents = new Map<string, AgentConfig>();
  private readonly groups = new Map<string, AcdGroupConfig>();
  private readonly live = new Map<string, Agent>();
  private readonly queue: Queued[] = [];
  private distributing = false;

  constructor(
    agents: readonly AgentConfig[],
    groups: readonly AcdGroupConfig[],
    private readonly h: AcdHost,
  ) {
    for (const a of agents) this.agents.set(a.id, a);
    for (const g of groups) this.groups.set(g.id, g);
  }

  isAgent(ext: string): boolean {
    return this.agents.has(ext);
  }

  /**
   * Why a login of `ext` on a set is refused, or undefined: the handsets take no ACD agent, and no
   * log-over where an agent is concerned (an agent logs in on a free set only, and nobody logs in over
   * an agent). `occupant`: who is logged in on the set now.
   */
  loginRefusal(ext: string, handset: boolean, occupant: string | undefined): LoginCode | undefined {
    if (handset && this.isAgent(ext)) return 'acd-not-supported';
    if (occupant !== undefined && (this.isAgent(ext) || this.isAgent(occupant))) return 'set-in-use';
    return undefined;
  }

  // ---- the agents' sessions (the call server's hot desk sessions of agent IDs) ----

  /** A session of `ext` began on `mac` (a login, or a re-homed phone's restored session). */
  sessionStarted(ext: string, mac: string): void {
    if (!this.isAgent(ext)) return;
    this.drop(ext);
    const agent: Agent = { id: ext, mac, state: 'available', since: this.h.clock.now(), busyAfterCall: false, logoutPending: false };
    this.live.set(ext, agent);
    this.h.info(`acd: agent ${ext} logged in on ${mac}, available`);
    this.tell(agent);
    this.distribute();
  }

  /** The session of `ext` ended: the agent leaves the groups, and the set is told. */
  sessionEnded(ext: string): void {
    const agent = this.drop(ext);
    if (!agent) return;
    this.h.info(`acd: agent ${ext} logged out`);
    this.h.push(agent.mac, { type: 'agent-state', id: ext, state: 'logged-out', logoutPending: false });
  }

  /** An agent-request from the phone `mac`, whose session is `ext`'s (undefined: nobody's). */
  request(mac: string, ext: string | undefined, action: AgentAction): Message {
    const agent = ext === undefined ? undefined : this.live.get(ext);
    if (!agent || agent.mac !== mac) {
      this.h.info(`acd: agent-request ${action} from ${mac} refused: no agent logged in there`);
      return REJECTED;
    }
    switch (action) {
      case 'make-busy':
        if (agent.state === 'on-call') agent.busyAfterCall = true;
        else this.become(agent, 'make-busy');
        break;
      case 'available':
        if (agent.state === 'on-call') agent.busyAfterCall = false;
        else if (agent.state !== 'available') this.become(agent, 'available');
        break;
      case 'logout':
        return this.logout(agent);
    }
    this.distribute();
    return this.stateOf(agent);
  }

  /**
   * Agent logout: the agent goes to Make Busy at once (no ACD call is offered from now on) and leaves
   * the set when the prime line is idle: during a call, the logout waits for its end.
   */
  private logout(agent: Agent): Message {
    const before = agent.state;
    if (agent.state !== 'on-call') this.become(agent, 'make-busy', false);
    const outcome = this.h.logout(agent.id);
    if (outcome === 'done' || outcome === 'not-logged-in') return { type: 'agent-state', id: agent.id, state: 'logged-out', logoutPending: false };
    if (outcome === 'waiting') {
      agent.logoutPending = true;
      this.h.info(`acd: agent ${agent.id} logs out when the call ends`);
      return this.stateOf(agent);
    }
    // refused (a call rings the agent): nothing changed after all
    if (before !== agent.state) this.become(agent, before, false);
    this.h.info(`acd: logout of agent ${agent.id} ${outcome}`);
    return REJECTED;
  }

  // ---- ACD calls ----

  /** A call from the party `from` into the queue of `group`: it rings an available agent, or waits. */
  acdCall(group: string, from: string): 'offered' | 'queued' {
    if (!this.groups.has(group)) throw new Error(`acd-call: no ACD group ${group}`);
    this.queue.push({ from, group, at: this.h.clock.now() });
    const before = this.queue.length;
    this.distribute();
    const waiting = this.queue.length === before;
    this.h.info(`acd: call from ${from} into group ${group}: ${waiting ? `queued (${this.waiting(group)} waiting)` : 'offered'}`);
    return waiting ? 'queued' : 'offered';
  }

  /** The party `dn` hangs up while its ACD calls wait in a queue: they leave it. True when one did. */
  abandon(dn: string): boolean {
    const before = this.queue.length;
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i].from === dn) this.queue.splice(i, 1);
    if (this.queue.length !== before) this.h.info(`acd: ${dn} hung up while queued`);
    return this.queue.length !== before;
  }

  /** How many ACD calls wait in `group`'s queue (every queue's with none). */
  waiting(group?: string): number {
    return this.queue.filter((q) => group === undefined || q.group === group).length;
  }

  /** The line of `dn` moved (the call server's linesChanged): an agent's ACD call rang, was answered, ended. */
  lineChanged(dn: string): void {
    const agent = this.live.get(dn);
    if (!agent) return;
    const line = this.h.lineState(dn);
    if (agent.call) {
      if (line === 'busy') agent.call.answered = true;
      if (line !== 'idle') return;
      const answered = agent.call.answered;
      agent.call = undefined;
      this.callEnded(agent, answered);
    }
    // a personal call that ended leaves an available agent free for the queue
    if (line === 'idle') this.distribute();
  }

  /** How many agents of `group` are logged in here. */
  loggedIn(group: string): number {
    return (this.groups.get(group)?.agents ?? []).filter((id) => this.live.has(id)).length;
  }

  /** The agents logged in here, oldest login first. */
  list(): AgentInfo[] {
    return [...this.live.values()].map((a) => ({ id: a.id, mac: a.mac, state: a.state, logoutPending: a.logoutPending }));
  }

  close(): void {
    for (const a of this.live.values()) this.h.clock.clearTimeout(a.timer);
  }

  // ---- plumbing ----

  /** After an ACD call: Make Busy if asked, the work timer if it was answered and the agent has one. */
  private callEnded(agent: Agent, answered: boolean): void {
    const workMs = this.agents.get(agent.id)?.workTimerMs ?? 0;
    if (agent.logoutPending || agent.busyAfterCall) this.become(agent, 'make-busy');
    else if (answered && workMs > 0) this.become(agent, 'work-timer');
    else this.become(agent, 'available');
    agent.busyAfterCall = false;
    if (agent.state === 'work-timer') {
      agent.timer = this.h.clock.setTimeout(() => {
        agent.timer = undefined;
        if (this.live.get(agent.id) !== agent || agent.state !== 'work-timer') return;
        this.become(agent, 'available');
        this.distribute();
      }, workMs);
    }
  }

  private become(agent: Agent, state: Agent['state'], tell = true): void {
    this.h.clock.clearTimeout(agent.timer);
    agent.timer = undefined;
    if (state === 'available' && agent.state !== 'available') agent.since = this.h.clock.now();
    agent.state = state;
    this.h.info(`acd: agent ${agent.id} ${state}`);
    if (tell) this.tell(agent);
  }

  private stateOf(agent: Agent): AgentState {
    return { type: 'agent-state', id: agent.id, state: agent.state, logoutPending: agent.logoutPending };
  }

  private tell(agent: Agent): void {
    this.h.push(agent.mac, this.stateOf(agent));
  }

  private drop(ext: string): Agent | undefined {
    const agent = this.live.get(ext);
    if (!agent) return undefined;
    this.h.clock.clearTimeout(agent.timer);
    this.live.delete(ext);
    return agent;
  }

  /** The available agent of `group` with an idle line who has waited longest (the group's order breaks ties). */
  private pick(group: string, skip: ReadonlySet<string>): Agent | undefined {
    let best: Agent | undefined;
    for (const id of this.groups.get(group)?.agents ?? []) {
      const a = this.live.get(id);
      if (!a || a.state !== 'available' || a.logoutPending || skip.has(id) || this.h.lineState(id) !== 'idle') continue;
      if (!best || a.since < best.since) best = a;
    }
    return best;
  }

  /** Offers queued calls, oldest first, to available agents until none can be placed. */
  private distribute(): void {
    if (this.distributing) return;
    this.distributing = true;
    try {
      const refused = new Set<string>();
      for (let i = 0; i < this.queue.length; ) {
        const q = this.queue[i];
        const agent = this.pick(q.group, refused);
        if (!agent) {
          i++;
          continue;
        }
        // the agent is taken before the call is placed: the offer's own line changes find it on-call
        agent.call = { answered: false };
        this.become(agent, 'on-call');
        try {
          this.h.placeCall(q.from, agent.id);
        } catch (err) {
          const since = agent.since;
          agent.call = undefined;
          this.become(agent, 'available');
          agent.since = since; // not placed: the agent keeps its place in the line
          refused.add(agent.id);
          this.h.info(`acd: call from ${q.from} not offered to ${agent.id}: ${(err as Error).message}`);
          continue;
        }
        this.queue.splice(i, 1);
        this.h.info(`acd: call from ${q.from} (group ${q.group}, queued ${this.h.clock.now() - q.at} ms) rings agent ${agent.id}`);
      }
    } finally {
      this.distributing = false;
    }
  }
}
