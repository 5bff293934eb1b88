// The phone's DHCP client (RFC 2131 section 4.4) as an XState v5 machine:
//
//            +--------------------------- NAK / 5 REQUESTs unanswered --------------------+
//            v                                                                            |
//   (init) --1-10 s--> [selecting] --good OFFER--> [requesting] --ACK--> [bound] <--ACK--+ |
//     ^   ^             ^      |                                        |  |  |          | |
//     |   |             +------+ DISCOVER again (4 s doubling to 64 s)  |  | T1        ACK|
//     |   |                                                             |  |  v          | |
//     |   +--10 s-- [declined] <--------- decline ----------------------+  | [renewing] -+ |
//     |                                                                    |  | T2       |
//     +------------- lease end / NAK ------------------------ [rebinding] <----+          |
//                                                                          |             |
//   bound / renewing / rebinding --release--> ((released)): final, output = the lease   |
//
// It never touches the network or a clock. Datagrams go out through the named action `transmit`
// ({ bytes, to }), a no-op until the owner binds it with
// `dhcpClientMachine.provide({ actions: { transmit: (_, p) => stack.sendUdp(...) } })`; replies come in
// as { type: 'dhcp.rx', msg } events. What the phone shows and what happens to the lease (DhcpClientEmitted)
// goes out through the named action `report`, whose default emits it (`actor.on('dhcp.bound', ...)`);
// a parent that invokes the client binds `report: sendParent((_, e) => e)` instead. Time is the actor's
// clock (`after` delays); randomness (start delay, xids, jitter) is a xoshiro128** state kept as plain
// numbers in the context, seeded by `input.seed`. On RELEASE the machine stops in a final state whose
// output carries the released lease (the boot machine's VLAN re-DHCP then invokes a fresh client).
import { assign, emit, enqueueActions, setup } from 'xstate';
import { formatMac, parseMac } from '../link/addr.ts';
import { nextRandomInt, randomState } from '../random.ts';
import { buildDecline, buildDiscover, buildRelease, buildRenewRequest, buildSelectingRequest } from './dhcp-client-messages.ts';
import type { ClientIdentity } from './dhcp-client-messages.ts';
import { judgeOffer, leaseFromAck } from './dhcp-client-lease.ts';
import type { DhcpLease } from './dhcp-client-lease.ts';
import { BOOTREPLY, clientMac, decodeDhcpMessage, getMessageType } from './dhcp-message.ts';
import { DhcpMessageType } from './dhcp-options.ts';
import { MITEL_VENDOR_CLASS } from './dhcp-mitel-carrier.ts';

import type { Context, DhcpClientEmitted, DhcpClientEvent, DhcpClientInput, DhcpClientOutput, DhcpDestination, DhcpTransmit, InternalEvent } from './dhcp-client-types.ts';

export type { DhcpLease } from './dhcp-client-lease.ts';
export type { DhcpClientEmitted, DhcpClientEvent, DhcpClientInput, DhcpClientOutput, DhcpDestination, DhcpTransmit } from './dhcp-client-types.ts';

const FIRST_TIMEOUT_MS = 4_000;
const MAX_TIMEOUT_MS = 64_000;
/** RFC 2131 4.4.5: in RENEWING and REBINDING, retransmit no more often than once a minute. */
const MIN_RENEW_RETRY_MS = 60_000;
/** Timers are capped where Node's timer API (behind the real clock) would overflow: ~24.8 days. */
const MAX_DELAY_MS = 2 ** 31 - 1;
const clampDelay = (ms: number) => Math.max(0, Math.min(MAX_DELAY_MS, ms));
const BROADCAST: DhcpDestination = { broadcast: true };

const secs = (c: Context) => c.elapsedMs / 1000;
const leaseMs = (c: Context, pick: (l: DhcpLease) => number) => (c.lease ? clampDelay(pick(c.lease) * 1000) : 0);
const identity = (c: Context): ClientIdentity => ({ mac: parseMac(c.mac)!, vendorClass: c.vendorClass });
/** A fresh transaction id and the generator state after it. */
const drawXid = (c: Context) => {
  const r = nextRandomInt(c.rng, 0, 0xffffffff);
  return { xid: r.value >>> 0, rng: r.state };
};

type Args = { context: Context };
// The datagrams, as params of `transmit`: built from the context at the moment the action runs.
const discover = ({ context: c }: Args): DhcpTransmit => ({
  bytes: buildDiscover(identity(c), { xid: c.xid, secs: secs(c), broadcastFlag: c.broadcastFlag }),
  to: BROADCAST,
});
const selectingRequest = ({ context: c }: Args): DhcpTransmit => ({
  bytes: buildSelectingRequest(identity(c), {
    xid: c.xid,
    secs: secs(c),
    broadcastFlag: c.broadcastFlag,
    requestedIp: c.offer!.yiaddr,
    serverId: c.offer!.serverId,
  }),
  to: BROADCAST,
});
const renewRequest = ({ context: c }: Args): DhcpTransmit => ({
  bytes: buildRenewRequest(identity(c), { xid: c.xid, secs: secs(c), ciaddr: c.lease!.ip }),
  to: { broadcast: false, ip: c.lease!.serverId },
});
const rebindRequest = (args: Args): DhcpTransmit => ({ ...renewRequest(args), to: BROADCAST });
const release = ({ context: c }: Args): DhcpTransmit => ({
  bytes: buildRelease(identity(c), { xid: c.xid, secs: 0, ciaddr: c.lease!.ip, serverId: c.lease!.serverId }),
  to: { broadcast: false, ip: c.lease!.serverId },
});
const decline = ({ context: c, event }: Args & { event: DhcpClientEvent | InternalEvent }): DhcpTransmit => ({
  bytes: buildDecline(identity(c), {
    xid: c.xid,
    secs: 0,
    requestedIp: c.lease!.ip,
    serverId: c.lease!.serverId,
    message: event.type === 'decline' ? event.reason : undefined,
  }),
  to: BROADCAST,
});

const status = (text: string) => ({ type: 'report', params: { type: 'dhcp.status', text } }) as const;

/**
 * RENEWING and REBINDING answer alike (RFC 2131 4.4.5): an ACK extends the lease, a NAK drops it, and
 * the user may still release; they differ only in whom they ask and when they give up.
 */
const WHILE_EXTENDING = {
  'dhcp.reply': [
    { guard: 'isAck', actions: 'takeAck' },
    { guard: 'isNak', target: 'init', actions: ['reportNak', 'forgetLease'] },
  ],
  'lease.granted': 'bound',
  release: { target: 'released', actions: ['newTransaction', status('DHCP: Releasing'), { type: 'transmit', params: release }, 'reportReleased'] },
} as const;

const client = setup({
  types: {
    context: {} as Context,
    input: {} as DhcpClientInput,
    events: {} as DhcpClientEvent | InternalEvent,
    emitted: {} as DhcpClientEmitted,
    output: {} as DhcpClientOutput,
  },
  delays: {
    initDelay: ({ context }) => context.initDelayMs,
    retransmit: ({ context }) => context.timeoutMs,
    declineWait: ({ context }) => context.declineWaitMs,
    untilT1: ({ context }) => leaseMs(context, (l) => l.t1Seconds),
    untilT2: ({ context }) => leaseMs(context, (l) => l.t2Seconds - l.t1Seconds),
    untilExpiry: ({ context }) => leaseMs(context, (l) => l.leaseSeconds - l.t2Seconds),
    renewRetry: ({ context }) => context.retryMs,
  },
  guards: {
    isOffer: ({ event }) => event.type === 'dhcp.reply' && event.kind === DhcpMessageType.Offer,
    isAck: ({ event }) => event.type === 'dhcp.reply' && event.kind === DhcpMessageType.Ack,
    isNak: ({ event }) => event.type === 'dhcp.reply' && event.kind === DhcpMessageType.Nak,
    requestsLeft: ({ context }) => context.attempts < context.maxRequestAttempts,
    retryBeforeDeadline: ({ context }) => context.retryMs < context.remainingMs,
  },
  actions: {
    /** The one door out: a datagram for the server(s). Bound by the owner; a no-op by default. */
    transmit: (_, _datagram: DhcpTransmit) => {},
    /** The one door for news: emitted by default; a parent binds `sendParent((_, e) => e)`. */
    report: emit((_, e: DhcpClientEmitted) => e),
    pickInitDelay: assign(({ context }) => {
      const { min, max } = context.startDelayMs;
      const r = nextRandomInt(context.rng, Math.max(0, min), Math.max(0, min, max));
      return { initDelayMs: r.value, rng: r.state };
    }),
    beginDiscovery: assign(({ context }) => ({
      ...drawXid(context),
      elapsedMs: 0,
      backoffMs: FIRST_TIMEOUT_MS,
      offersSeen: 0,
      offer: undefined,
      lease: undefined,
      renewal: false,
    })),
    newTransaction: assign(({ context }) => drawXid(context)),
    pickTimeout: assign(({ context }) => {
      const r = nextRandomInt(context.rng, -1000, 1000);
      return { timeoutMs: Math.max(0, context.backoffMs + r.value), rng: r.state };
    }),
    /** A retransmission timer ran out: it counts towards `secs`, and the next one waits twice as long. */
    backOff: assign(({ context }) => ({
      elapsedMs: context.elapsedMs + context.timeoutMs,
      backoffMs: Math.min(MAX_TIMEOUT_MS, context.backoffMs * 2),
    })),
    takeOffer: assign({
      offer: ({ event }) => (event.type === 'offer.accepted' ? { yiaddr: event.yiaddr, serverId: event.serverId, leaseSeconds: event.leaseSeconds, mitel: event.mitel } : undefined),
      backoffMs: FIRST_TIMEOUT_MS,
      attempts: 0,
    }),
    countRequest: assign({ attempts: ({ context }) => context.attempts + 1 }),
    forgetLease: assign({ lease: undefined, offer: undefined }),
    beginRenewal: assign(({ context }) => ({
      ...drawXid(context),
      elapsedMs: 0,
      remainingMs: leaseMs(context, (l) => l.t2Seconds - l.t1Seconds),
    })),
    // RENEWING took the whole T1..T2 interval: that is what `secs` says when REBINDING starts.
    beginRebinding: assign(({ context }) => ({
      ...drawXid(context),
      elapsedMs: leaseMs(context, (l) => l.t2Seconds - l.t1Seconds),
      remainingMs: leaseMs(context, (l) => l.leaseSeconds - l.t2Seconds),
    })),
    // RFC 2131 4.4.5: wait half the time left, but at least a minute, between retransmissions.
    pickRenewRetry: assign({ retryMs: ({ context }) => Math.max(MIN_RENEW_RETRY_MS, context.remainingMs / 2) }),
    spendRetry: assign(({ context }) => ({ remainingMs: context.remainingMs - context.retryMs, elapsedMs: context.elapsedMs + context.retryMs })),
  },
});

// The steps that decide what to say: they enqueue `report` (and raise internal events), so they are
// made with the setup above, which knows those actions' names and params.

/** Every datagram is decoded once, here; only replies to our transaction go on, as 'dhcp.reply'. */
const screen = client.createAction(
  enqueueActions(({ context, event, enqueue }) => {
    if (event.type !== 'dhcp.rx') return;
    const decoded = decodeDhcpMessage(event.msg);
    let reason: string | undefined;
    if (!decoded.ok) reason = decoded.reason;
    else if (decoded.msg.op !== BOOTREPLY) reason = 'not a reply';
    else if (decoded.msg.xid !== context.xid) reason = `xid ${decoded.msg.xid.toString(16)} is not ours`;
    else if (clientMac(decoded.msg) !== context.mac) reason = 'chaddr is not ours';
    const kind = decoded.ok ? getMessageType(decoded.msg) : undefined;
    if (reason === undefined && kind === undefined) reason = 'no message type';
    if (reason !== undefined || !decoded.ok || kind === undefined) {
      enqueue({ type: 'report', params: { type: 'dhcp.ignored', reason: reason ?? 'malformed' } });
      return;
    }
    enqueue.raise({ type: 'dhcp.reply', msg: decoded.msg, kind });
  }),
);

const judge = client.createAction(
  enqueueActions(({ context, event, enqueue }) => {
    if (event.type !== 'dhcp.reply') return;
    const n = context.offersSeen + 1;
    enqueue.assign({ offersSeen: n });
    const verdict = judgeOffer(event.msg);
    const using = verdict.ok ? verdict.mitel.option : verdict.usingOption;
    if (using !== undefined) enqueue(status(`Using option ${using}`));
    enqueue(status(`DHCP: Offer ${n} ${verdict.ok ? 'Acc' : 'Rej'}`));
    if (verdict.ok) enqueue.raise({ type: 'offer.accepted', yiaddr: verdict.yiaddr, serverId: verdict.serverId, leaseSeconds: verdict.leaseSeconds, mitel: verdict.mitel });
    else enqueue({ type: 'report', params: { type: 'dhcp.ignored', reason: `offer ${n} rejected: ${verdict.reason}` } });
  }),
);

/** ACK while REQUESTING, RENEWING or REBINDING: take the lease it grants, or ignore a bad one. */
const takeAck = client.createAction(
  enqueueActions(({ context, event, enqueue }) => {
    if (event.type !== 'dhcp.reply') return;
    const fallback = context.lease ?? context.offer;
    const result = leaseFromAck(event.msg, { serverId: fallback?.serverId, leaseSeconds: fallback?.leaseSeconds, mitel: fallback?.mitel });
    if (!result.ok) {
      enqueue({ type: 'report', params: { type: 'dhcp.ignored', reason: result.reason } });
      return;
    }
    enqueue.assign({ lease: result.lease, renewal: context.lease !== undefined });
    enqueue.raise({ type: 'lease.granted' });
  }),
);

const reportBound = client.createAction(
  enqueueActions(({ context, enqueue }) => {
    if (!context.lease) return;
    if (context.renewal) enqueue({ type: 'report', params: { type: 'dhcp.renewed', lease: context.lease } });
    else {
      enqueue(status('DHCP: Ack'));
      enqueue({ type: 'report', params: { type: 'dhcp.bound', lease: context.lease } });
    }
  }),
);

const reportNak = client.createAction(
  enqueueActions(({ context, enqueue }) => {
    if (context.lease) enqueue({ type: 'report', params: { type: 'dhcp.expired', reason: 'NAK' } });
    else enqueue(status('DHCP: Nak'));
  }),
);

const reportReleased = client.createAction(
  enqueueActions(({ context, enqueue }) => {
    if (context.lease) enqueue({ type: 'report', params: { type: 'dhcp.released', lease: context.lease } });
  }),
);

export const dhcpClientMachine = client.extend({ actions: { screen, judgeOffer: judge, takeAck, reportBound, reportNak, reportReleased } }).createMachine({
  id: 'dhcp',
  context: ({ input }) => ({
    mac: formatMac(typeof input.mac === 'string' ? parseMac(input.mac)! : input.mac),
    vendorClass: input.vendorClass ?? MITEL_VENDOR_CLASS,
    broadcastFlag: input.broadcastFlag ?? true,
    startDelayMs: input.startDelayMs ?? { min: 1_000, max: 10_000 },
    maxRequestAttempts: input.maxRequestAttempts ?? 5,
    declineWaitMs: input.declineWaitMs ?? 10_000,
    rng: randomState(input.seed),
    xid: 0,
    elapsedMs: 0,
    backoffMs: FIRST_TIMEOUT_MS,
    timeoutMs: FIRST_TIMEOUT_MS,
    attempts: 0,
    offersSeen: 0,
    initDelayMs: 0,
    remainingMs: 0,
    retryMs: 0,
    renewal: false,
  }),
  on: { 'dhcp.rx': { actions: 'screen' } },
  initial: 'init',
  states: {
    init: {
      entry: 'pickInitDelay',
      after: { initDelay: { target: 'selecting', actions: ['beginDiscovery', status('DHCP: Discovery')] } },
    },
    selecting: {
      entry: ['pickTimeout', { type: 'transmit', params: discover }],
      after: { retransmit: { target: 'selecting', reenter: true, actions: 'backOff' } },
      on: {
        'dhcp.reply': { guard: 'isOffer', actions: 'judgeOffer' },
        'offer.accepted': { target: 'requesting', actions: 'takeOffer' },
      },
    },
    requesting: {
      entry: ['pickTimeout', 'countRequest', { type: 'transmit', params: selectingRequest }],
      after: {
        retransmit: [
          { guard: 'requestsLeft', target: 'requesting', reenter: true, actions: 'backOff' },
          { target: 'init', actions: 'forgetLease' },
        ],
      },
      on: {
        'dhcp.reply': [
          { guard: 'isAck', actions: 'takeAck' },
          { guard: 'isNak', target: 'init', actions: ['reportNak', 'forgetLease'] },
        ],
        'lease.granted': 'bound',
      },
    },
    bound: {
      entry: 'reportBound',
      after: { untilT1: 'renewing' },
      on: {
        release: WHILE_EXTENDING.release,
        decline: { target: 'declined', actions: [status('DHCP: Declined'), { type: 'transmit', params: decline }] },
      },
    },
    renewing: {
      entry: 'beginRenewal',
      after: { untilT2: 'rebinding' },
      on: WHILE_EXTENDING,
      initial: 'sending',
      states: {
        sending: {
          entry: ['pickRenewRetry', { type: 'transmit', params: renewRequest }],
          after: { renewRetry: { guard: 'retryBeforeDeadline', target: 'sending', reenter: true, actions: 'spendRetry' } },
        },
      },
    },
    rebinding: {
      entry: 'beginRebinding',
      after: { untilExpiry: { target: 'init', actions: [{ type: 'report', params: { type: 'dhcp.expired', reason: 'lease ended without an ACK' } }, 'forgetLease'] } },
      on: WHILE_EXTENDING,
      initial: 'sending',
      states: {
        sending: {
          entry: ['pickRenewRetry', { type: 'transmit', params: rebindRequest }],
          after: { renewRetry: { guard: 'retryBeforeDeadline', target: 'sending', reenter: true, actions: 'spendRetry' } },
        },
      },
    },
    declined: {
      entry: 'forgetLease',
      after: { declineWait: 'init' },
    },
    released: {
      type: 'final',
    },
  },
  output: ({ context }) => ({ reason: 'released', lease: context.lease! }),
});

export type DhcpClientMachine = typeof dhcpClientMachine;
