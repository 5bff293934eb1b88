// Model-based test of the DHCP client: xstate/graph walks the machine itself (pure transitions) from a set
// of sample events - good and bad offers, ACK, NAK, garbage, release, decline, and every timer as its
// `xstate.after` event - and each shortest path it finds is then played against a live actor with its
// `transmit` bound. At every step the live actor must be where the model says, with the same context,
// and must have put on the wire what that state sends. (getShortestPaths rather than createTestModel:
// the test model refuses machines with `after` transitions; here a timer firing is simply its event.)
import { describe, expect, it } from 'vitest';
import { createActor, type AnyActorRef, type AnyMachineSnapshot, type AnyStateMachine, type AnyStateNode } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { VirtualClock } from '../../../firmware/clock.ts';
import { dhcpClientMachine, type DhcpClientEmitted, type DhcpDestination } from '../../../firmware/boot/dhcp-client.ts';
import {
  BOOTREPLY,
  decodeDhcpMessage,
  emptyDhcpMessage,
  encodeDhcpMessage,
  getMessageType,
  getRequestedIp,
  getServerId,
  type DhcpMessage,
} from '../../../firmware/boot/dhcp-message.ts';
import { DhcpMessageType, DhcpOptionCode, opt } from '../../../firmware/boot/dhcp-options.ts';

const MAC = Uint8Array.of(0x08, 0x00, 0x0f, 0x12, 0x34, 0x56);
const MITEL = 'id:ipphone.mitel.com;sw_tftp=10.0.0.1;call_srv=10.0.0.1';
const SERVER = '10.0.0.1';
const INPUT = { mac: MAC, seed: 11, startDelayMs: { min: 1000, max: 3000 } };
/** Raised inside the machine, never sent from outside. */
const INTERNAL = new Set(['dhcp.reply', 'offer.accepted', 'lease.granted']);

function reply(xid: number, type: 2 | 5 | 6, mitel = true): Uint8Array {
  const m = emptyDhcpMessage(BOOTREPLY, xid, MAC);
  m.yiaddr = type === 6 ? '0.0.0.0' : '10.0.0.9';
  m.options = [opt.messageType(type), opt.ip(DhcpOptionCode.ServerId, SERVER), opt.u32(DhcpOptionCode.LeaseTime, 3600)];
  if (mitel) m.options.push(opt.text(43, MITEL));
  return encodeDhcpMessage(m);
}

/** Each sample event's name, for the walk to tell them apart (their bytes carry the xid, which changes). */
const labels = new WeakMap<object, string>();
const named = <E extends object>(label: string, e: E): E => (labels.set(e, label), e);
const labelOf = (e: { type: string }) => labels.get(e) ?? e.type.replace(/^xstate\.after\.(\w+)\..*/, 'after $1');

/** What a server (or the wire, or the user) may do next, answering the transaction in progress. */
function samples(xid: number) {
  return [
    named('OFFER', { type: 'dhcp.rx' as const, msg: reply(xid, DhcpMessageType.Offer) }),
    named('OFFER without the Mitel string', { type: 'dhcp.rx' as const, msg: reply(xid, DhcpMessageType.Offer, false) }),
    named('ACK', { type: 'dhcp.rx' as const, msg: reply(xid, DhcpMessageType.Ack) }),
    named('NAK', { type: 'dhcp.rx' as const, msg: reply(xid, DhcpMessageType.Nak) }),
    named('ACK to another transaction', { type: 'dhcp.rx' as const, msg: reply(xid + 1, DhcpMessageType.Ack) }),
    named('garbage', { type: 'dhcp.rx' as const, msg: Uint8Array.of(1, 2, 3) }),
    named('release', { type: 'release' as const }),
    named('decline', { type: 'decline' as const, reason: 'ARP reply' }),
  ];
}

/** Every state node under the root, by id ('dhcp.renewing.sending'). */
function allStates(node: AnyStateNode): AnyStateNode[] {
  return Object.values(node.states).flatMap((child) => [child, ...allStates(child)]);
}

/** The timers running in a snapshot, as the events they deliver when they fire. */
const timers = (s: AnyMachineSnapshot) =>
  s._nodes.flatMap((n) => n.ownEvents).filter((t) => t.startsWith('xstate.after.')).map((type) => ({ type }));

// The walk sees the machine as any machine: its timers' events are not in the machine's event type.
const logic: AnyStateMachine = dhcpClientMachine;
/**
 * What the walk tells snapshots apart by: the state value, whether a lease is held, and in REQUESTING the
 * REQUEST count (it bounds itself: maxRequestAttempts). Context beyond that (xids, the PRNG, jitter) would
 * make every snapshot new and the walk endless. Snapshots alike by this are one state of the model, so a
 * path's own snapshots may be any of the alike ones: the live actor is compared with them through this.
 */
const abstraction = (s: AnyMachineSnapshot) =>
  `${JSON.stringify(s.value)}${s.matches('requesting') ? ` attempts=${s.context.attempts}` : ''} lease=${s.context.lease !== undefined}`;
// A vertex of the walk is a state of the model AND the transition into it, so the shortest paths take
// every transition of the model (from every state, every sample event and timer that does something).
const paths = getShortestPaths(logic, {
  input: INPUT,
  // a released client has stopped: nothing reaches it any more
  events: (s) => (s.status === 'done' ? [] : [...samples(s.context.xid), ...timers(s)]),
  serializeEvent: labelOf,
  serializeState: (s, e, prev) => `${abstraction(s)} <- ${e ? labelOf(e) : 'start'} <- ${prev ? abstraction(prev) : ''}`,
});

const describePath = (steps: { event: { type: string } }[]) => steps.slice(1).map((st) => labelOf(st.event)).join(' > ') || '(initial)';

interface Sent {
  msg: DhcpMessage;
  type: number | undefined;
  to: DhcpDestination;
}

/** The system under test: the same machine, live, with `transmit` bound and its reports heard. */
function liveClient() {
  const sent: Sent[] = [];
  const reports: DhcpClientEmitted[] = [];
  const actor = createActor(
    dhcpClientMachine.provide({
      actions: {
        transmit: (_, { bytes, to }) => {
          const d = decodeDhcpMessage(bytes);
          if (!d.ok) throw new Error(d.reason);
          sent.push({ msg: d.msg, type: getMessageType(d.msg), to });
        },
      },
    }),
    { clock: new VirtualClock(), input: INPUT },
  );
  actor.on('*', (e) => reports.push(e));
  return { actor, sent, reports };
}

describe('DHCP client, model-based', () => {
  const states = allStates(dhcpClientMachine.root);
  const reached = new Set<string>();
  for (const path of paths) for (const step of path.steps) step.state._nodes.forEach((n) => reached.add(n.id));

  it('reaches every state of the machine', () => {
    const missing = states.filter((n) => !reached.has(n.id)).map((n) => n.id);
    console.log(`dhcpClientMachine: states reached ${states.length - missing.length} / states in machine ${states.length} (${paths.length} paths)`);
    expect(missing).toEqual([]);
  });

  for (const path of paths) {
    it(`${JSON.stringify(path.state.value)}: ${describePath(path.steps)}`, () => {
      const live = liveClient();
      const ref: AnyActorRef = live.actor;
      live.actor.start();
      const lastSent = () => live.sent.at(-1);
      const xid = () => live.actor.getSnapshot().context.xid;
      // What each state must have put on the wire or said, checked whenever the path stands in it.
      const checks: Record<string, () => void> = {
        'dhcp.selecting': () => {
          expect(lastSent()).toMatchObject({ type: DhcpMessageType.Discover, to: { broadcast: true }, msg: { xid: xid() } });
          expect(live.reports).toContainEqual({ type: 'dhcp.status', text: 'DHCP: Discovery' });
        },
        'dhcp.requesting': () => {
          const r = lastSent()!;
          expect(r).toMatchObject({ type: DhcpMessageType.Request, to: { broadcast: true }, msg: { xid: xid(), ciaddr: '0.0.0.0' } });
          expect([getRequestedIp(r.msg), getServerId(r.msg)]).toEqual(['10.0.0.9', SERVER]);
        },
        'dhcp.bound': () => {
          const lease = live.reports.filter((e) => e.type === 'dhcp.bound' || e.type === 'dhcp.renewed').at(-1);
          expect(lease).toMatchObject({ lease: { ip: '10.0.0.9', serverId: SERVER, leaseSeconds: 3600 } });
        },
        'dhcp.renewing.sending': () => {
          expect(lastSent()).toMatchObject({ type: DhcpMessageType.Request, to: { broadcast: false, ip: SERVER }, msg: { ciaddr: '10.0.0.9', xid: xid() } });
        },
        'dhcp.rebinding.sending': () => {
          expect(lastSent()).toMatchObject({ type: DhcpMessageType.Request, to: { broadcast: true }, msg: { ciaddr: '10.0.0.9', xid: xid() } });
        },
        'dhcp.declined': () => {
          expect(lastSent()).toMatchObject({ type: DhcpMessageType.Decline, to: { broadcast: true } });
          expect(live.actor.getSnapshot().context.lease).toBeUndefined();
        },
        'dhcp.released': () => {
          expect(lastSent()).toMatchObject({ type: DhcpMessageType.Release, to: { broadcast: false, ip: SERVER }, msg: { ciaddr: '10.0.0.9' } });
          expect(live.reports.at(-1)).toMatchObject({ type: 'dhcp.released', lease: { ip: '10.0.0.9' } });
          expect(live.actor.getSnapshot()).toMatchObject({ status: 'done', output: { reason: 'released', lease: { ip: '10.0.0.9' } } });
        },
      };
      for (const [i, step] of path.steps.entries()) {
        // Every event, a timer's included, is delivered to the live actor as it comes: a timer firing is
        // exactly its `xstate.after` event arriving (the live actor's own timers never run: its clock stands).
        if (i > 0) ref.send(step.event);
        const snap = live.actor.getSnapshot();
        expect(snap.value).toEqual(step.state.value);
        expect(abstraction(snap)).toBe(abstraction(step.state));
        for (const node of step.state._nodes) checks[node.id]?.();
      }
    });
  }
});
