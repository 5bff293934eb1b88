// Shared parts of the model-based tests of the phone's machines (test/**/*-graph.test.ts): xstate/graph
// walks a machine itself (pure transitions, actions not executed) from sample events that a function of
// the current snapshot makes (request ids come from its context), every timer delivered as its
// `xstate.after` event; the shortest paths it finds are then replayed on a live actor.
//
// What is counted: every StateNode of the machine, the root included (atomic, compound, parallel and
// final nodes alike: machine.root and, recursively, each node's `states`). A node is reached when it is
// in a snapshot of some path, or when a path passes through it within a macrostep (a transient state
// left at once by an eventless `always` transition). The walk finds the second kind by running each
// path's last event through `machine.microstep` from the state before it (every path is a shorter path
// plus one event, so this sees every macrostep of the walk); the live replays then check that the
// eventless transition out of each such node was taken, with the inspection API (`@xstate.microstep`).
import { expect, it } from 'vitest';
import {
  createActor,
  createEmptyActor,
  fromCallback,
  setup,
  type Actor,
  type AnyActorRef,
  type AnyEventObject,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type AnyStateNode,
  type InspectionEvent,
} from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { VirtualClock } from '../../firmware/clock.ts';

/** Every state node of `node`'s tree, `node` itself first. */
export function allStates(node: AnyStateNode): AnyStateNode[] {
  return [node, ...Object.values(node.states).flatMap((child) => allStates(child))];
}

/** The timers running in a snapshot, as the events they deliver when they fire. */
export function timers(s: AnyMachineSnapshot): AnyEventObject[] {
  return s._nodes.flatMap((n) => n.ownEvents).filter((t) => t.startsWith('xstate.after.')).map((type) => ({ type }));
}

/** Each sample event's name, for the walk to tell them apart (ids and refs change from step to step). */
const labels = new WeakMap<object, string>();
export const named = <E extends object>(label: string, e: E): E => (labels.set(e, label), e);
export const labelOf = (e: { type: string }): string => labels.get(e) ?? e.type.replace(/^xstate\.after\.(\w+)\..*/, 'after $1');

export interface Step {
  state: AnyMachineSnapshot;
  event: AnyEventObject;
}
export interface Path {
  state: AnyMachineSnapshot;
  steps: Step[];
}

/** A scope like the one xstate/graph walks with: no system, no parent, actions never executed. */
function mockScope() {
  const empty = createEmptyActor();
  return {
    self: empty,
    logger: () => {},
    id: '',
    sessionId: 'walk',
    defer: () => {},
    system: empty.system,
    stopChild: () => {},
    emit: () => {},
    actionExecutor: () => {},
  };
}

export interface Walk {
  machine: AnyStateMachine;
  paths: Path[];
  /** Paths no other path starts with: what the live replay plays. */
  replayed: Path[];
  states: AnyStateNode[];
  /** Node id -> how it was reached. */
  reached: Map<string, 'snapshot' | 'passed'>;
}

export interface WalkOptions {
  input?: unknown;
  events: (s: AnyMachineSnapshot) => AnyEventObject[];
  /** The state value and a small, bounded context summary: what tells snapshots apart. */
  abstraction: (s: AnyMachineSnapshot) => string;
  /**
   * Which transitions to take as well as states: when this says so of an event that leaves the
   * abstraction as it was (a key routed, a field opened on the entry pad, a progress report), that transition is
   * a vertex of its own, so some path takes it and the replay sees what it does. It must depend on
   * nothing of `prev` but what the abstraction sees.
   */
  edge?: (prev: AnyMachineSnapshot, event: AnyEventObject) => boolean;
}

export function walk(machine: AnyStateMachine, opts: WalkOptions): Walk {
  // A transition taken for its own sake (see `edge`) changes nothing the abstraction sees, so what follows
  // it is what follows the state it left: the walk does not go on from there.
  const leaves = new WeakSet<AnyMachineSnapshot>();
  const paths = getShortestPaths(machine, {
    input: opts.input,
    events: (s: AnyMachineSnapshot) => (s.status === 'active' && !leaves.has(s) ? opts.events(s) : []),
    serializeEvent: labelOf as never,
    serializeState: (s: AnyMachineSnapshot, e: AnyEventObject | undefined, prev: AnyMachineSnapshot | undefined) => {
      const a = opts.abstraction(s);
      // (a function of the abstractions and the event only: the shortest-path pass calls this again with
      // other snapshots of the same vertices)
      if (!e || !prev || !opts.edge?.(prev, e) || a !== opts.abstraction(prev)) return a;
      leaves.add(s);
      return `${a} <- ${labelOf(e)}`;
    },
  }) as unknown as Path[];
  const states = allStates(machine.root);
  const reached = new Map<string, 'snapshot' | 'passed'>();
  for (const path of paths) for (const step of path.steps) for (const n of step.state._nodes) reached.set(n.id, 'snapshot');
  // Transient nodes: each path is the path to its last step's state plus one edge, so the last step's
  // microsteps (from the state before it) show every node the walk passes through without stopping.
  for (const path of paths) {
    const scope = mockScope() as never;
    const last = path.steps.at(-1);
    const before = path.steps.at(-2);
    if (!last || !before) continue;
    for (const micro of machine.microstep(before.state, last.event, scope)) for (const n of micro._nodes) if (!reached.has(n.id)) reached.set(n.id, 'passed');
  }
  return { machine, paths, replayed: dedupe(paths), states, reached };
}

/** Drops every path whose events begin another path's: replaying the longer one covers it. */
function dedupe(paths: Path[]): Path[] {
  const keyed = paths.map((p) => ({ p, key: p.steps.slice(1).map((s) => labelOf(s.event)) }));
  keyed.sort((a, b) => b.key.length - a.key.length);
  const kept: typeof keyed = [];
  for (const k of keyed) {
    if (!kept.some((o) => k.key.every((e, i) => o.key[i] === e))) kept.push(k);
  }
  return kept.map((k) => k.p);
}

/**
 * Prints `<name>: states reached N / states in machine M` and checks that every node is reached, or
 * left out with its reason in `excluded` (node id -> reason). An excluded node that is reached fails.
 */
export function checkCoverage(name: string, w: Walk, excluded: Record<string, string> = {}): void {
  const missing = w.states.filter((n) => !w.reached.has(n.id)).map((n) => n.id);
  const passed = [...w.reached].filter(([, how]) => how === 'passed').map(([id]) => id);
  console.log(`${name}: states reached ${w.states.length - missing.length} / states in machine ${w.states.length}`);
  console.log(
    `${name}: every StateNode counted, the root included; ${w.paths.length} paths, ${w.replayed.length} replayed;` +
      ` passed through within a macrostep: ${passed.join(', ') || 'none'}`,
  );
  for (const [id, why] of Object.entries(excluded)) console.log(`${name}: left out ${id}: ${why}`);
  expect(missing.sort()).toEqual(Object.keys(excluded).sort());
}

export const describePath = (p: Path): string => p.steps.slice(1).map((s) => labelOf(s.event)).join(' > ') || '(initial)';

/** What the machine sent to the actors it finds in the system (or its parent), in order. */
export interface Sent {
  to: string;
  event: AnyEventObject;
}

/** A stand-in for an actor in the system: it keeps what it is sent. */
export const recorder = (log: Sent[]) => fromCallback<AnyEventObject, { name: string }>(({ input, receive }) => receive((event) => void log.push({ to: input.name, event })));

export interface Live {
  root: Actor<AnyStateMachine>;
  /** The machine under test, as its parent invoked it. */
  sut: () => AnyActorRef;
  sent: Sent[];
  /** The eventless transitions the machine under test took, by source node id. */
  eventless: string[];
  send: (e: AnyEventObject) => void;
  snapshot: () => AnyMachineSnapshot;
}

/**
 * The machine under test invoked (under `systemId`) by a small parent, next to recorders registered in
 * the system under `peers`: its `sendTo(system.get(...))` and `sendParent` actions run as written and
 * land in `sent` (the parent's as `parent`). Its own timers never run (the clock stands): a timer
 * firing is its `xstate.after` event, sent like any other.
 */
export function live(machine: AnyStateMachine, opts: { systemId: string; input?: unknown; peers: string[] }): Live {
  const sent: Sent[] = [];
  const eventless: string[] = [];
  const rec = recorder(sent);
  const parent = setup({ actors: { sut: machine, rec } }).createMachine({
    invoke: [
      ...opts.peers.map((name) => ({ id: name, systemId: name, src: 'rec' as const, input: { name } })),
      { id: 'sut', systemId: opts.systemId, src: 'sut' as const, input: opts.input as never },
    ],
    on: { '*': { actions: ({ event }) => void sent.push({ to: 'parent', event }) } },
  });
  const inspect = (ev: InspectionEvent) => {
    if (ev.type !== '@xstate.microstep' || (ev.actorRef as AnyActorRef).id !== 'sut') return;
    for (const t of ev._transitions) if (t.eventType === '') eventless.push(t.source.id);
  };
  const root = createActor(parent, { clock: new VirtualClock(), inspect });
  root.start();
  const sut = () => root.getSnapshot().children.sut as AnyActorRef;
  return { root, sut, sent, eventless, send: (e) => sut().send(e), snapshot: () => sut().getSnapshot() as AnyMachineSnapshot };
}

/**
 * Replays a path on a live machine: at every step the live snapshot must be where the walk says (state
 * value and abstraction), and `check` runs. The eventless transitions the live machine took go into
 * `eventless` (see checkPassedLive).
 */
export function replay(path: Path, l: { send: (e: AnyEventObject) => void; snapshot: () => AnyMachineSnapshot; eventless: string[] }, abstraction: (s: AnyMachineSnapshot) => string, check: (s: AnyMachineSnapshot, step: Step, i: number) => void = () => {}): void {
  for (const [i, step] of path.steps.entries()) {
    if (i > 0) l.send(step.event);
    const snap = l.snapshot();
    expect(snap.value, `after ${labelOf(step.event)}`).toEqual(step.state.value);
    expect(abstraction(snap)).toBe(abstraction(step.state));
    check(snap, step, i);
  }
}

/**
 * One test per final state value, each replaying the paths that end there (a failure names its path):
 * hundreds of paths cost one test each otherwise.
 */
export function replayAll(w: Walk, play: (path: Path) => void): void {
  const groups = new Map<string, Path[]>();
  for (const p of w.replayed) {
    const key = JSON.stringify(p.state.value);
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  for (const [value, paths] of groups) {
    it(`replays the ${paths.length} path(s) to ${value} on a live machine`, () => {
      for (const path of paths) {
        try {
          play(path);
        } catch (err) {
          if (err instanceof Error) err.message = `path ${describePath(path)}: ${err.message}`;
          throw err;
        }
      }
    });
  }
}

/** Every node the walk counts as passed through: the live replays took an eventless transition out of it. */
export function checkPassedLive(w: Walk, eventless: ReadonlySet<string>): void {
  const passed = [...w.reached].filter(([, how]) => how === 'passed').map(([id]) => id);
  for (const id of passed) expect(eventless.has(id), `an eventless transition out of ${id} in a live replay`).toBe(true);
}
