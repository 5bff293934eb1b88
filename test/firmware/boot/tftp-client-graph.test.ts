// Model-based test of the TFTP client: xstate/graph walks the machine itself (pure transitions) from a set
// of sample datagrams - good, greedy and oversized OACKs, the next block full or short, a gap, a repeat,
// an oversized block, an ERROR, a stranger, garbage - the owner's accept and abort, an ICMP unreachable,
// and every timer as its `xstate.after` event. Each shortest path it finds is then played against a live
// actor with `transmit` bound: at every step the live actor must be where the model says and must have
// done what that state does (on the wire and in its reports). (getShortestPaths rather than
// createTestModel: the test model refuses machines with `after` transitions; a timer firing is its event.)
import { describe, expect, it } from 'vitest';
import { createActor, type AnyActorRef, type AnyMachineSnapshot, type AnyStateMachine, type AnyStateNode } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { VirtualClock } from '../../../firmware/clock.ts';
import { tftpClientMachine, type TftpClientEmitted, type TftpClientInput } from '../../../firmware/boot/tftp-client.ts';
import { decodeTftp, encodeTftp, type TftpPacket } from '../../../firmware/boot/tftp-packet.ts';

const SERVER_TID = 50000;
const STRANGER = 40000;
const INPUT: TftpClientInput = {
  serverIp: '10.0.0.1',
  file: 'fw.bin',
  seed: 5,
  options: { blksize: 512, windowsize: 2, timeout: 1, tsize: true },
  requestTries: 2,
  maxRetries: 1,
  // two full blocks fit: the third overflows
  maxBytes: 2 * 512,
  confirmFirstBlock: true,
};

/** Each sample event's name, for the walk to tell them apart. */
const labels = new WeakMap<object, string>();
const named = <E extends object>(label: string, e: E): E => (labels.set(e, label), e);
const labelOf = (e: { type: string }) => labels.get(e) ?? e.type.replace(/^xstate\.after\.(\w+)\..*/, 'after $1');

const rx = (label: string, srcPort: number, p: TftpPacket) => named(label, { type: 'tftp.rx' as const, srcPort, bytes: encodeTftp(p) });
const fill = (n: number, v: number) => new Uint8Array(n).fill(v & 0xff);

/** What the server (or a stranger, or the owner, or the network) may do next. */
function samples(s: AnyMachineSnapshot) {
  const c = s.context;
  const port: number = c.serverTid ?? SERVER_TID;
  const block = (n: number) => n & 0xffff;
  return [
    rx('OACK', port, { op: 'OACK', options: { blksize: 512, windowsize: 2, timeout: 1, tsize: 1000 }, others: [] }),
    rx('OACK granting more than asked', port, { op: 'OACK', options: { blksize: 1024 }, others: [] }),
    rx('OACK with a tsize over maxBytes', port, { op: 'OACK', options: { blksize: 512, tsize: 5000 }, others: [] }),
    rx('next block, full', port, { op: 'DATA', block: block(c.expected), data: fill(c.terms.blksize, c.expected) }),
    rx('next block, short', port, { op: 'DATA', block: block(c.expected), data: fill(100, c.expected) }),
    rx('a block ahead (gap)', port, { op: 'DATA', block: block(c.expected + 1), data: fill(c.terms.blksize, c.expected + 1) }),
    rx('the block before (repeat)', port, { op: 'DATA', block: block(c.expected - 1), data: fill(c.terms.blksize, c.expected - 1) }),
    rx('next block, oversized', port, { op: 'DATA', block: block(c.expected), data: fill(c.terms.blksize + 1, 0) }),
    rx('ERROR', port, { op: 'ERROR', code: 1, message: 'File not found' }),
    rx('DATA from a stranger', STRANGER, { op: 'DATA', block: 1, data: fill(10, 1) }),
    named('garbage', { type: 'tftp.rx' as const, srcPort: port, bytes: Uint8Array.of(0, 9, 1) }),
    named('accept', { type: 'tftp.accept' as const }),
    named('abort', { type: 'tftp.abort' as const, message: 'owner says stop' }),
    named('port unreachable', { type: 'tftp.unreachable' as const, port: c.request.ports[c.portIndex] }),
  ];
}

/** The timers running in a snapshot, as the events they deliver when they fire. */
const timers = (s: AnyMachineSnapshot) =>
  s._nodes.flatMap((n) => n.ownEvents).filter((t) => t.startsWith('xstate.after.')).map((type) => ({ type }));

/** Every state node under the root. */
function allStates(node: AnyStateNode): AnyStateNode[] {
  return Object.values(node.states).flatMap((child) => [child, ...allStates(child)]);
}

/**
 * What the walk tells snapshots apart by: the state value, the port tried and the timeouts in a row, the
 * block wanted next, whether options were taken and whether the gap was ACKed. Each is bounded (ports,
 * requestTries, maxRetries, and maxBytes bounds the blocks); the rest of the context (stats, the held
 * block) is not looked at. Snapshots alike by this are one state of the model, so the live actor is
 * compared with a path's snapshots through this.
 */
const abstraction = (s: AnyMachineSnapshot) => {
  const c = s.context;
  return `${JSON.stringify(s.value)} port=${c.portIndex} retries=${c.retries} next=${c.expected} negotiated=${c.terms.negotiated} gapAcked=${c.gapAckedAt === c.expected}`;
};

const logic: AnyStateMachine = tftpClientMachine;
// A vertex is a state of the model AND the transition into it: the shortest paths take every transition.
const paths = getShortestPaths(logic, {
  input: INPUT,
  events: (s) => (s.status === 'done' ? [] : [...samples(s), ...timers(s)]),
  serializeEvent: labelOf,
  serializeState: (s, e, prev) => `${abstraction(s)} <- ${e ? labelOf(e) : 'start'} <- ${prev ? abstraction(prev) : ''}`,
});

interface Sent {
  port: number;
  p: TftpPacket;
}

/** The system under test: the same machine, live, with `transmit` bound and its reports heard. */
function liveClient() {
  const sent: Sent[] = [];
  const reports: TftpClientEmitted[] = [];
  const actor = createActor(
    tftpClientMachine.provide({
      actions: {
        transmit: (_, { dstPort, srcPort, bytes }) => {
          const d = decodeTftp(bytes);
          if (!d.ok) throw new Error(d.reason);
          expect(srcPort).toBe(actor.getSnapshot().context.localPort);
          sent.push({ port: dstPort, p: d.packet });
        },
      },
    }),
    { clock: new VirtualClock(), input: INPUT },
  );
  actor.on('*', (e) => reports.push(e));
  return { actor, sent, reports };
}

/** Plays one path against a live client, checking it against the model at every step. */
function play(path: (typeof paths)[number]) {
  const live = liveClient();
  const ref: AnyActorRef = live.actor;
  live.actor.start();
  const ctx = () => live.actor.getSnapshot().context;
  const ends = () => live.reports.filter((e) => e.type === 'tftp.done' || e.type === 'tftp.failed');
  const checks: Record<string, () => void> = {
    'tftp.requesting': () => expect(live.sent.at(-1)).toMatchObject({ port: ctx().request.ports[ctx().portIndex], p: { op: 'RRQ', file: 'fw.bin', mode: 'octet' } }),
    'tftp.transferring.deciding': () => {
      expect(live.reports.at(-1)).toMatchObject({ type: 'tftp.firstBlock' });
      expect(live.reports.some((e) => e.type === 'tftp.data')).toBe(false);
    },
    'tftp.done': () => {
      expect(live.sent.filter((x) => x.p.op === 'ACK').at(-1)).toEqual({ port: SERVER_TID, p: { op: 'ACK', block: ctx().finalBlock } });
      expect(ends()).toEqual([{ type: 'tftp.done', done: expect.objectContaining({ bytes: ctx().received, port: SERVER_TID }) }]);
    },
    'tftp.closed': () => expect(live.actor.getSnapshot()).toMatchObject({ status: 'done', output: { result: 'done' } }),
    'tftp.failed': () => {
      expect(ends()).toHaveLength(1);
      expect(live.reports.at(-1)).toMatchObject({ type: 'tftp.failed' });
      expect(live.actor.getSnapshot()).toMatchObject({ status: 'done', output: { result: 'failed', failure: ctx().failure } });
    },
    'tftp.aborted': () => {
      expect(ends()).toEqual([]);
      expect(live.actor.getSnapshot()).toMatchObject({ status: 'done', output: { result: 'aborted' } });
      if (ctx().serverTid !== undefined) expect(live.sent.at(-1)).toMatchObject({ port: SERVER_TID, p: { op: 'ERROR' } });
    },
  };
  for (const [i, step] of path.steps.entries()) {
    // Every event, a timer's included, goes to the live actor as it comes: a timer firing is exactly its
    // `xstate.after` event arriving (the live actor's own timers never run: its clock stands still).
    if (i > 0) ref.send(step.event);
    const snap = live.actor.getSnapshot();
    expect(snap.value).toEqual(step.state.value);
    expect(abstraction(snap)).toBe(abstraction(step.state));
    for (const node of step.state._nodes) checks[node.id]?.();
    // Always: the counters count what went out, and what was stored was streamed in order, each block once.
    const c = ctx();
    expect([c.stats.packetsSent, c.stats.rrqsSent, c.stats.acksSent]).toEqual([live.sent.length, live.sent.filter((x) => x.p.op === 'RRQ').length, live.sent.filter((x) => x.p.op === 'ACK').length]);
    let offset = 0;
    for (const e of live.reports) {
      if (e.type === 'tftp.data') expect(e.offset).toBe(offset), (offset += e.bytes.length);
      if (e.type === 'tftp.progress') expect(e.received).toBe(offset);
    }
    expect(offset).toBe(c.received);
  }
}

describe('TFTP client, model-based', () => {
  const states = allStates(tftpClientMachine.root);
  const reached = new Set<string>();
  for (const path of paths) for (const step of path.steps) step.state._nodes.forEach((n) => reached.add(n.id));

  it('reaches every state of the machine', () => {
    const missing = states.filter((n) => !reached.has(n.id)).map((n) => n.id);
    console.log(`tftpClientMachine: states reached ${states.length - missing.length} / states in machine ${states.length} (${paths.length} paths)`);
    expect(missing).toEqual([]);
  });

  it('fails in every way a download can fail', () => {
    const kinds = new Set(paths.filter((p) => p.state.value === 'failed').map((p) => p.state.context.failure.kind));
    expect([...kinds].sort()).toEqual(['bad-oack', 'no-answer', 'protocol', 'server-error', 'timeout', 'too-large']);
  });

  // One test per state the paths end in, each playing all of its paths.
  const byEnd = new Map<string, typeof paths>();
  for (const path of paths) {
    const key = JSON.stringify(path.state.value);
    byEnd.set(key, [...(byEnd.get(key) ?? []), path]);
  }
  for (const [end, group] of byEnd) {
    it(`${group.length} paths ending in ${end}`, () => {
      for (const path of group) {
        try {
          play(path);
        } catch (err) {
          throw new Error(`path ${path.steps.slice(1).map((st) => labelOf(st.event)).join(' > ')}: ${(err as Error).message}`);
        }
      }
    });
  }
});
