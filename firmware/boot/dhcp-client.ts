// The phone's DHCP client (RFC 2131 section 4.4) as an XState v5 machine:
//   init --random 1-10 s--> selecting --good offer--> requesting --ACK--> bound
//   bound --T1--> renewing --T2--> rebinding --lease end--> init;  NAK -> init
//   bound --decline--> declined --10 s--> init;  bound/renewing/rebinding --release--> released (final)
// It never touches the network: `input.send` carries datagrams out, replies come in as
// { type: 'dhcp.rx', msg } events. Time is the actor's clock (createActor(machine, { clock, input })),
// randomness the injected Random. What the phone shows goes to `input.onStatus` and is emitted as
// 'dhcp.status'; lease changes are emitted ('dhcp.bound', 'dhcp.renewed', 'dhcp.expired',
// 'dhcp.released') and copied to `input.onEvent`, so a parent that invokes this machine can forward
// them into itself with `input: ({ self }) => ({ ..., onEvent: (e) => self.send(e) })`. On RELEASE
// the machine stops in a final state whose output carries the released lease (the boot machine's
// VLAN re-DHCP then invokes a fresh client on the tagged link).
import { assign, enqueueActions, setup } from 'xstate';
import type { Clock, Random } from '../hal.ts';
import { formatMac } from '../link/addr.ts';
import { buildDecline, buildDiscover, buildRelease, buildRenewRequest, buildSelectingRequest } from './dhcp-client-messages.ts';
import type { ClientIdentity } from './dhcp-client-messages.ts';
import { judgeOffer, leaseFromAck } from './dhcp-client-lease.ts';
import type { DhcpLease, MitelFound } from './dhcp-client-lease.ts';
import { BOOTREPLY, clientMac, decodeDhcpMessage, getMessageType } from './dhcp-message.ts';
import type { DhcpMessage } from './dhcp-message.ts';
import { DhcpMessageType } from './dhcp-options.ts';
import { MITEL_VENDOR_CLASS } from './dhcp-mitel-carrier.ts';

export type { DhcpLease } from './dhcp-client-lease.ts';

/** Where a datagram goes: broadcast (255.255.255.255) or unicast to a server. Ports are 68 -> 67. */
export type DhcpDestination = { broadcast: true } | { broadcast: false; ip: string };

export interface DhcpClientInput {
  mac: Uint8Array;
  random: Random;
  send: (msg: Uint8Array, to: DhcpDestination) => void;
  /** Display lines: 'DHCP: Discovery', 'Using option 125', 'DHCP: Offer 1 Acc', 'DHCP: Ack', ... */
  onStatus?: (text: string) => void;
  /** Every emitted event, for a parent actor or a tracer. */
  onEvent?: (event: DhcpClientEmitted) => void;
  /** Only for the `secs` field (seconds since acquisition began); 0 without it. */
  clock?: Clock;
  /** INIT's random wait before the first DISCOVER, in ms (RFC 2131 4.4.1: 1 to 10 s). May be 0. */
  startDelayMs?: { min: number; max: number };
  vendorClass?: string;
  /** Ask servers to broadcast replies (we have no address to unicast to yet). Default true. */
  broadcastFlag?: boolean;
  /** REQUEST transmissions in REQUESTING before giving up and starting over. Default 5. */
  maxRequestAttempts?: number;
  /** Wait after a DECLINE before starting over (RFC 2131 3.1.5: at least 10 s). */
  declineWaitMs?: number;
}

export type DhcpClientEvent =
  | { type: 'dhcp.rx'; msg: Uint8Array }
  /** Give the lease back (RELEASE) and stop: the VLAN re-DHCP path. */
  | { type: 'release' }
  /** The address answered an ARP probe: DECLINE it and start over. */
  | { type: 'decline'; reason?: string };

export type DhcpClientEmitted =
  | { type: 'dhcp.status'; text: string }
  | { type: 'dhcp.bound'; lease: DhcpLease }
  | { type: 'dhcp.renewed'; lease: DhcpLease }
  | { type: 'dhcp.expired'; reason: string }
  | { type: 'dhcp.released'; lease: DhcpLease }
  | { type: 'dhcp.ignored'; reason: string };

export interface DhcpClientOutput {
  reason: 'released';
  lease: DhcpLease;
}

type InternalEvent =
  | { type: 'dhcp.reply'; msg: DhcpMessage; kind: number }
  | { type: 'offer.accepted'; yiaddr: string; serverId: string; leaseSeconds?: number; mitel: MitelFound }
  | { type: 'lease.granted' };

interface Offer {
  yiaddr: string;
  serverId: string;
  leaseSeconds?: number;
  mitel: MitelFound;
}

interface Context {
  deps: DhcpClientInput;
  identity: ClientIdentity;
  mac: string;
  xid: number;
  startedAt: number;
  /** The current retransmission base: 4 s doubling to 64 s. */
  backoffMs: number;
  /** The base plus this round's -1..+1 s of jitter. */
  timeoutMs: number;
  attempts: number;
  offersSeen: number;
  initDelayMs: number;
  offer?: Offer;
  lease?: DhcpLease;
  /** RENEWING/REBINDING: time left until T2 (or lease end) and the next retransmission. */
  remainingMs: number;
  retryMs: number;
  renewal: boolean;
}

const FIRST_TIMEOUT_MS = 4_000;
const MAX_TIMEOUT_MS = 64_000;
/** RFC 2131 4.4.5: in RENEWING and REBINDING, retransmit no more often than once a minute. */
const MIN_RENEW_RETRY_MS = 60_000;
/** Timers are capped where Node's timer API (behind the real clock) would overflow: ~24.8 days. */
const MAX_DELAY_MS = 2 ** 31 - 1;
const clampDelay = (ms: number) => Math.max(0, Math.min(MAX_DELAY_MS, ms));

const now = (c: Context) => c.deps.clock?.now() ?? 0;
const secs = (c: Context) => (now(c) - c.startedAt) / 1000;
const jittered = (c: Context, base: number) => Math.max(0, base + c.deps.random.int(-1000, 1000));
const newXid = (c: Context) => c.deps.random.int(0, 0xffffffff) >>> 0;
const leaseMs = (c: Context, pick: (l: DhcpLease) => number) => (c.lease ? clampDelay(pick(c.lease) * 1000) : 0);

function announce(
  enqueue: { emit: (e: DhcpClientEmitted) => void } & ((action: () => void) => void),
  context: Context,
  event: DhcpClientEmitted,
): void {
  enqueue.emit(event);
  enqueue(() => {
    if (event.type === 'dhcp.status') context.deps.onStatus?.(event.text);
    context.deps.onEvent?.(event);
  });
}

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
  release: { target: 'released', actions: 'sendRelease' },
} as const;

export const dhcpClientMachine = setup({
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
    declineWait: ({ context }) => context.deps.declineWaitMs ?? 10_000,
    untilT1: ({ context }) => leaseMs(context, (l) => l.t1Seconds),
    untilT2: ({ context }) => leaseMs(context, (l) => l.t2Seconds - l.t1Seconds),
    untilExpiry: ({ context }) => leaseMs(context, (l) => l.leaseSeconds - l.t2Seconds),
    renewRetry: ({ context }) => context.retryMs,
  },
  guards: {
    isOffer: ({ event }) => event.type === 'dhcp.reply' && event.kind === DhcpMessageType.Offer,
    isAck: ({ event }) => event.type === 'dhcp.reply' && event.kind === DhcpMessageType.Ack,
    isNak: ({ event }) => event.type === 'dhcp.reply' && event.kind === DhcpMessageType.Nak,
    requestsLeft: ({ context }) => context.attempts < (context.deps.maxRequestAttempts ?? 5),
    retryBeforeDeadline: ({ context }) => context.retryMs < context.remainingMs,
  },
  actions: {
    // Every datagram is decoded once, here; only replies to our transaction go on, as 'dhcp.reply'.
    screen: enqueueActions(({ context, event, enqueue }) => {
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
        announce(enqueue, context, { type: 'dhcp.ignored', reason: reason ?? 'malformed' });
        return;
      }
      enqueue.raise({ type: 'dhcp.reply', msg: decoded.msg, kind });
    }),
    pickInitDelay: assign({
      initDelayMs: ({ context }) => {
        const { min, max } = context.deps.startDelayMs ?? { min: 1_000, max: 10_000 };
        return context.deps.random.int(Math.max(0, min), Math.max(0, min, max));
      },
    }),
    beginDiscovery: enqueueActions(({ context, enqueue }) => {
      enqueue.assign({ xid: newXid(context), startedAt: now(context), backoffMs: FIRST_TIMEOUT_MS, offersSeen: 0, offer: undefined, lease: undefined, renewal: false });
      announce(enqueue, context, { type: 'dhcp.status', text: 'DHCP: Discovery' });
    }),
    pickTimeout: assign({ timeoutMs: ({ context }) => jittered(context, context.backoffMs) }),
    doubleBackoff: assign({ backoffMs: ({ context }) => Math.min(MAX_TIMEOUT_MS, context.backoffMs * 2) }),
    sendDiscover: ({ context }) => {
      const msg = buildDiscover(context.identity, { xid: context.xid, secs: secs(context), broadcastFlag: context.deps.broadcastFlag ?? true });
      context.deps.send(msg, { broadcast: true });
    },
    judgeOffer: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'dhcp.reply') return;
      const n = context.offersSeen + 1;
      enqueue.assign({ offersSeen: n });
      const verdict = judgeOffer(event.msg);
      const using = verdict.ok ? verdict.mitel.option : verdict.usingOption;
      if (using !== undefined) announce(enqueue, context, { type: 'dhcp.status', text: `Using option ${using}` });
      announce(enqueue, context, { type: 'dhcp.status', text: `DHCP: Offer ${n} ${verdict.ok ? 'Acc' : 'Rej'}` });
      if (verdict.ok) enqueue.raise({ type: 'offer.accepted', ...verdict });
      else announce(enqueue, context, { type: 'dhcp.ignored', reason: `offer ${n} rejected: ${verdict.reason}` });
    }),
    takeOffer: assign({
      offer: ({ event }) => (event.type === 'offer.accepted' ? { yiaddr: event.yiaddr, serverId: event.serverId, leaseSeconds: event.leaseSeconds, mitel: event.mitel } : undefined),
      backoffMs: FIRST_TIMEOUT_MS,
      attempts: 0,
    }),
    sendSelectingRequest: assign({
      attempts: ({ context }) => {
        const offer = context.offer!;
        const msg = buildSelectingRequest(context.identity, {
          xid: context.xid,
          secs: secs(context),
          broadcastFlag: context.deps.broadcastFlag ?? true,
          requestedIp: offer.yiaddr,
          serverId: offer.serverId,
        });
        context.deps.send(msg, { broadcast: true });
        return context.attempts + 1;
      },
    }),
    // ACK while REQUESTING, RENEWING or REBINDING: take the lease it grants, or ignore a bad one.
    takeAck: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'dhcp.reply') return;
      const fallback = context.lease ?? context.offer;
      const result = leaseFromAck(event.msg, { serverId: fallback?.serverId, leaseSeconds: fallback?.leaseSeconds, mitel: fallback?.mitel });
      if (!result.ok) {
        announce(enqueue, context, { type: 'dhcp.ignored', reason: result.reason });
        return;
      }
      enqueue.assign({ lease: result.lease, renewal: context.lease !== undefined });
      enqueue.raise({ type: 'lease.granted' });
    }),
    reportBound: enqueueActions(({ context, enqueue }) => {
      if (!context.lease) return;
      if (context.renewal) announce(enqueue, context, { type: 'dhcp.renewed', lease: context.lease });
      else {
        announce(enqueue, context, { type: 'dhcp.status', text: 'DHCP: Ack' });
        announce(enqueue, context, { type: 'dhcp.bound', lease: context.lease });
      }
    }),
    reportNak: enqueueActions(({ context, enqueue }) => {
      if (context.lease) announce(enqueue, context, { type: 'dhcp.expired', reason: 'NAK' });
      else announce(enqueue, context, { type: 'dhcp.status', text: 'DHCP: Nak' });
    }),
    reportExpired: enqueueActions(({ context, enqueue }) => {
      announce(enqueue, context, { type: 'dhcp.expired', reason: 'lease ended without an ACK' });
    }),
    forgetLease: assign({ lease: undefined, offer: undefined }),
    beginRenewal: assign({
      xid: ({ context }) => newXid(context),
      startedAt: ({ context }) => now(context),
      remainingMs: ({ context }) => leaseMs(context, (l) => l.t2Seconds - l.t1Seconds),
    }),
    beginRebinding: assign({
      xid: ({ context }) => newXid(context),
      remainingMs: ({ context }) => leaseMs(context, (l) => l.leaseSeconds - l.t2Seconds),
    }),
    // RFC 2131 4.4.5: wait half the time left, but at least a minute, between retransmissions.
    pickRenewRetry: assign({ retryMs: ({ context }) => Math.max(MIN_RENEW_RETRY_MS, context.remainingMs / 2) }),
    spendRetry: assign({ remainingMs: ({ context }) => context.remainingMs - context.retryMs }),
    sendRenew: ({ context }) => {
      const lease = context.lease!;
      context.deps.send(buildRenewRequest(context.identity, { xid: context.xid, secs: secs(context), ciaddr: lease.ip }), { broadcast: false, ip: lease.serverId });
    },
    sendRebind: ({ context }) => {
      const lease = context.lease!;
      context.deps.send(buildRenewRequest(context.identity, { xid: context.xid, secs: secs(context), ciaddr: lease.ip }), { broadcast: true });
    },
    sendRelease: enqueueActions(({ context, enqueue }) => {
      const lease = context.lease!;
      announce(enqueue, context, { type: 'dhcp.status', text: 'DHCP: Releasing' });
      enqueue(() => context.deps.send(buildRelease(context.identity, { xid: newXid(context), secs: 0, ciaddr: lease.ip, serverId: lease.serverId }), { broadcast: false, ip: lease.serverId }));
      announce(enqueue, context, { type: 'dhcp.released', lease });
    }),
    sendDecline: enqueueActions(({ context, event, enqueue }) => {
      const lease = context.lease!;
      const message = event.type === 'decline' ? event.reason : undefined;
      announce(enqueue, context, { type: 'dhcp.status', text: 'DHCP: Declined' });
      enqueue(() => context.deps.send(buildDecline(context.identity, { xid: context.xid, secs: 0, requestedIp: lease.ip, serverId: lease.serverId, message }), { broadcast: true }));
    }),
  },
}).createMachine({
  id: 'dhcp',
  context: ({ input }) => ({
    deps: input,
    identity: { mac: input.mac, vendorClass: input.vendorClass ?? MITEL_VENDOR_CLASS },
    mac: formatMac(input.mac),
    xid: 0,
    startedAt: 0,
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
      after: { initDelay: { target: 'selecting', actions: 'beginDiscovery' } },
    },
    selecting: {
      entry: ['pickTimeout', 'sendDiscover'],
      after: { retransmit: { target: 'selecting', reenter: true, actions: 'doubleBackoff' } },
      on: {
        'dhcp.reply': { guard: 'isOffer', actions: 'judgeOffer' },
        'offer.accepted': { target: 'requesting', actions: 'takeOffer' },
      },
    },
    requesting: {
      entry: ['pickTimeout', 'sendSelectingRequest'],
      after: {
        retransmit: [
          { guard: 'requestsLeft', target: 'requesting', reenter: true, actions: 'doubleBackoff' },
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
        release: { target: 'released', actions: 'sendRelease' },
        decline: { target: 'declined', actions: 'sendDecline' },
      },
    },
    renewing: {
      entry: 'beginRenewal',
      after: { untilT2: 'rebinding' },
      on: WHILE_EXTENDING,
      initial: 'sending',
      states: {
        sending: {
          entry: ['pickRenewRetry', 'sendRenew'],
          after: { renewRetry: { guard: 'retryBeforeDeadline', target: 'sending', reenter: true, actions: 'spendRetry' } },
        },
      },
    },
    rebinding: {
      entry: 'beginRebinding',
      after: { untilExpiry: { target: 'init', actions: ['reportExpired', 'forgetLease'] } },
      on: WHILE_EXTENDING,
      initial: 'sending',
      states: {
        sending: {
          entry: ['pickRenewRetry', 'sendRebind'],
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
