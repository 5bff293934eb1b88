// The service machine's parts: input, context and events, the guards over the link's answers, and the
// named actions (requests through the link, notices to its listeners, the board's effects).
// machine.ts wires them into states.
import { assign, enqueueActions, sendParent, sendTo, setup, type AnyActorRef } from 'xstate';
import type { Message } from '../signalling/messages.ts';
import { SERVICE_LISTENERS, SYSTEM, type LinkEvent, type LinkReply, type ServiceNotice, type ServiceRequest, type SigPush } from './events.ts';
import { signallingLinkLogic } from './link.ts';
import { samePeer, type Peer } from './peers.ts';
import {
  ANNOUNCE_MS,
  COMMS_MS,
  MAX_REDIRECT_HOPS,
  REGISTER_RETRY_MS,
  classifyRegisterAnswer,
  codeEntryScreen,
  registerMessage,
  type RegisterMode,
  type RegisterOutcome,
  type DialPlan,
} from './registration.ts';
import { HEALTH_CHECK_TRIES, HEARTBEAT_TRIES, MISSED_HEARTBEATS_LIMIT, RESILIENCY_STEP_MS, nextServer, reprobeDelay } from './resilience.ts';

export interface ServiceInput {
  /** `call_srv` from the option string: primary first, then secondaries ("ip" or "ip:port"). */
  callServers: readonly string[];
  /** The controllers' signalling port when an address names none. Default 6800. */
  port?: number;
  /** The phone's own address, for `Set <ip>`. */
  phoneIp: string;
  mac: string;
  model: string;
  firmwareVersion: string;
  /** The set's own DN for register, "" for a userless hot desk set. */
  dn?: string;
}

/** What the service tells its parent (the phone's root machine). */
export type ServiceParentEvent = { type: 'registered' } | { type: 'firmware.reboot'; reason: string } | { type: 'user'; present: boolean };

export type RequestKind = 'register' | 'heartbeat' | 'health';

/** What the set is, fixed for the machine's life: what it registers as. */
export interface ServiceSet {
  phoneIp: string;
  mac: string;
  model: string;
  firmwareVersion: string;
}

/** What the controller's register-ack set (defaults until the first). */
export interface ServiceTerms {
  heartbeatMs: number;
  healthCheckMs: number;
  controllerId: string;
  /** The register-ack's dial plan (alarm DN, extension length): the calls owner dials by it. */
  dialPlan: DialPlan;
}

// The context keeps fewer than 20 top-level fields (the fixed ones grouped): XState copies it with
// Object.assign({}, ...) on every assign, and V8 makes a copy of 20 or more named fields a dictionary,
// about 20 times slower to copy (context-shape.test.ts). Every login, re-home and missed heartbeat assigns.
export interface ServiceContext {
  servers: Peer[];
  /** The controller registered with (or being registered with) now. */
  server: Peer;
  set: ServiceSet;
  terms: ServiceTerms;
  /** The set's own DN: the configured one, or the one Automatic DN Selection gave it (this power cycle). */
  dn: string;
  /** The Set Registration Access Code keyed at the prompt: the next register carries it instead of `dn`. */
  code: string;
  mode: RegisterMode;
  redirectHops: number;
  /** On a secondary because the primary stopped answering: health-check the primary, fail back. */
  failedOver: boolean;
  /** A login redirect: the session resumes the login at once, without the COMMS screen. */
  resumeLogin: boolean;
  confirmed: boolean;
  missed: number;
  /** The hot desk user on the set, as the session said ("" for none). */
  userExt: string;
  /** The cluster's token for that user's login (hex, "" for none): a re-home keeps the user only with it. */
  userToken: string;
  /** CRC-32 of the layout the set shows (keys machine): a controller that has another one sends it. */
  layoutCrc: number;
  /** Request ids: each request gets a fresh one, so a late answer to an abandoned one is ignored. */
  seq: number;
  expect: Record<RequestKind, string>;
}

/** A key the display routes here while the code prompt (on the boot layer) takes it. */
export type ServiceKey = { type: 'key'; key: string };

export type ServiceEvent = LinkReply | SigPush | ServiceRequest | ServiceKey;

/** The longest Set Registration Access Code the prompt takes (a DN's length, config-schema.ts). */
export const MAX_CODE_DIGITS = 10;
const keyOf = (event: ServiceEvent) => (event.type === 'key' ? event.key : '');

/** The view the board publishes for the scenario runner and the panel. */
export interface ServiceView {
  server: string;
  controllerId: string;
  failedOver: boolean;
}

export const answerTo = (context: ServiceContext, event: ServiceEvent, kind: RequestKind): Message | undefined =>
  event.type === 'sig.answer' && event.id === context.expect[kind] ? event.msg : undefined;
export const failedFor = (context: ServiceContext, event: ServiceEvent, kind: RequestKind): boolean => event.type === 'sig.failed' && event.id === context.expect[kind];
export const outcome = (context: ServiceContext, event: ServiceEvent): RegisterOutcome | undefined => {
  const answer = answerTo(context, event, 'register');
  return answer ? classifyRegisterAnswer(answer, context.set.firmwareVersion, context.mode !== 'boot') : undefined;
};

/** The heartbeat the link keeps: every interval, half an interval after a miss (resilience.ts). */
const keepalive = (context: ServiceContext, id: string, self: AnyActorRef): LinkEvent => ({
  type: 'sig.keepalive',
  id,
  msg: { type: 'heartbeat', hotdeskExt: context.userExt },
  every: context.terms.heartbeatMs,
  afterMiss: reprobeDelay(context.terms.heartbeatMs),
  tries: HEARTBEAT_TRIES,
  replyTo: self,
});

export const upgradeReason = (context: ServiceContext) => `controller at ${context.server.ip} expects another firmware version`;

export const service = setup({
  types: {
    context: {} as ServiceContext,
    input: {} as ServiceInput,
    events: {} as ServiceEvent,
  },
  actors: {
    // the board binds the hardware (signallingLinkLogic(system => hw)); this default has none and is never run
    signalling: signallingLinkLogic(() => ({
      send: () => {},
      listen: () => () => {},
      clock: { now: () => 0, setTimeout: () => 0, clearTimeout: () => {} },
      random: { next: () => 0, int: (lo) => lo, bytes: (n) => new Uint8Array(n) },
      tracer: { record: () => {} },
      mac: '00:00:00:00:00:00',
      clusterKeys: [],
    })),
  },
  delays: {
    announce: ANNOUNCE_MS,
    comms: COMMS_MS,
    retry: REGISTER_RETRY_MS,
    step: RESILIENCY_STEP_MS,
    health: ({ context }) => context.terms.healthCheckMs,
  },
  guards: {
    registerOk: ({ context, event }) => outcome(context, event)?.kind === 'ok',
    registerRedirect: ({ context, event }) => context.redirectHops < MAX_REDIRECT_HOPS && outcome(context, event)?.kind === 'redirect',
    registerUpgrade: ({ context, event }) => outcome(context, event)?.kind === 'upgrade',
    registerTryLater: ({ context, event }) => {
      const o = outcome(context, event);
      return o?.kind === 'retry' && o.sameServer;
    },
    registerAnswered: ({ context, event }) => answerTo(context, event, 'register') !== undefined,
    registerDnRequired: ({ context, event }) => outcome(context, event)?.kind === 'dn-required',
    registerNoDn: ({ context, event }) => outcome(context, event)?.kind === 'no-dn',
    /** `#` or OK sends what was keyed at the code prompt (nothing keyed: nothing to send). */
    sendsCode: ({ context, event }) => (keyOf(event) === '#' || keyOf(event) === 'ok') && context.code !== '',
    codeDigit: ({ context, event }) => /^[0-9]$/.test(keyOf(event)) && context.code.length < MAX_CODE_DIGITS,
    clearsCode: ({ event }) => keyOf(event) === 'cancel',
    registerUnanswered: ({ context, event }) => failedFor(context, event, 'register'),
    heartbeatAnswered: ({ context, event }) => answerTo(context, event, 'heartbeat') !== undefined,
    heartbeatMissed: ({ context, event }) => failedFor(context, event, 'heartbeat'),
    lastMiss: ({ context, event }) => failedFor(context, event, 'heartbeat') && context.missed + 1 >= MISSED_HEARTBEATS_LIMIT,
    primaryInService: ({ context, event }) => {
      const m = answerTo(context, event, 'health');
      return m?.type === 'health-ack' && m.inService;
    },
    healthAnswered: ({ context, event }) => answerTo(context, event, 'health') !== undefined,
    healthUnanswered: ({ context, event }) => failedFor(context, event, 'health'),
    redirectPush: ({ event }) => event.type === 'sig.push' && event.msg.type === 'redirect',
    quietRegister: ({ context }) => context.mode === 'failback',
    failedOver: ({ context }) => context.failedOver,
    resumeLogin: ({ context }) => context.resumeLogin,
    showsComms: ({ context }) => context.mode === 'boot' || context.mode === 'redirect',
    showsResilient: ({ context }) => context.mode === 'failover',
  },
  actions: {
    /** An `info` record in the trace (the board binds it). */
    trace: (_, _params: { message: string }) => {},
    /** What the scenario runner and the panel read (the board binds it). */
    publish: (_, _params: ServiceView) => {},
    showBoot: sendTo(
      ({ system }) => system.get(SYSTEM.display),
      (_, rows: string[]) => ({ type: 'display.show' as const, layer: 'boot' as const, rows }),
    ),
    /** The code prompt, on the service's own (boot) layer: it takes the keypad, OK and Cancel. */
    showCodeEntry: sendTo(
      ({ system }) => system.get(SYSTEM.display),
      ({ context, self }) => ({ type: 'display.show' as const, layer: 'boot' as const, rows: codeEntryScreen(context.code), takes: ['dial', 'ok', 'cancel'], owner: self }),
    ),
    keyCodeDigit: assign({ code: ({ context, event }) => context.code + keyOf(event) }),
    clearCode: assign({ code: '' }),
    aim: sendTo('link', ({ context }): LinkEvent => ({ type: 'sig.aim', server: context.server })),
    cancelOwn: sendTo('link', ({ self }): LinkEvent => ({ type: 'sig.cancel', owner: self })),
    /** The heartbeat, handed to the link under a fresh id: it sends it on its own clock (events.ts). */
    keepAlive: enqueueActions(({ context, self, enqueue }) => {
      const id = `heartbeat:${context.seq}`;
      enqueue.assign({ seq: context.seq + 1, expect: { ...context.expect, heartbeat: id } });
      enqueue.sendTo('link', keepalive(context, id, self));
    }),
    /** The user the heartbeat names changed: same id, so the link keeps its schedule. */
    keepAliveUser: sendTo('link', ({ context, self }) => keepalive(context, context.expect.heartbeat, self)),
    ask: enqueueActions(({ context, self, enqueue }, params: { kind: Exclude<RequestKind, 'heartbeat'> }) => {
      const id = `${params.kind}:${context.seq}`;
      const request = (msg: Message, extra: { to?: Peer; tries?: number } = {}): LinkEvent => ({ type: 'sig.request', id, msg, replyTo: self, ...extra });
      enqueue.assign({ seq: context.seq + 1, expect: { ...context.expect, [params.kind]: id } });
      if (params.kind === 'register') {
        const msg = registerMessage({
          mac: context.set.mac,
          model: context.set.model,
          firmwareVersion: context.set.firmwareVersion,
          dn: context.code !== '' ? context.code : context.dn,
          hotdeskExt: context.userExt,
          sessionToken: context.userToken ? Uint8Array.from(Buffer.from(context.userToken, 'hex')) : undefined,
          layoutCrc: context.layoutCrc,
        });
        enqueue.sendTo('link', request(msg));
      } else {
        enqueue.sendTo('link', request({ type: 'health-check' }, { to: context.servers[0], tries: HEALTH_CHECK_TRIES }));
      }
    }),
    tell: enqueueActions(({ system, enqueue }, event: ServiceNotice) => {
      for (const id of SERVICE_LISTENERS) {
        const ref = system.get(id);
        if (ref) enqueue.sendTo(ref, event);
      }
    }),
    confirmOnce: enqueueActions(({ context, enqueue }) => {
      if (context.confirmed) return;
      enqueue.assign({ confirmed: true });
      enqueue(sendParent({ type: 'registered' } satisfies ServiceParentEvent));
    }),
    takeAck: enqueueActions(({ context, event, enqueue }) => {
      const o = outcome(context, event);
      if (o?.kind !== 'ok') return;
      enqueue.assign({
        terms: { heartbeatMs: o.heartbeatMs, healthCheckMs: o.healthCheckMs, controllerId: o.controllerId, dialPlan: o.dialPlan },
        // the DN the controller chose for the code is the set's own from now on (until power is lost)
        dn: o.dn !== '' ? o.dn : context.dn,
        code: '',
        missed: 0,
        redirectHops: 0,
        // on a secondary for any reason but a redirect (the user's home): watch for the primary's return
        failedOver: !samePeer(context.server, context.servers[0]) && context.mode !== 'redirect',
      });
    }),
    followRedirect: enqueueActions(({ context, event, enqueue }) => {
      const o = outcome(context, event);
      if (o?.kind !== 'redirect') return;
      enqueue.assign({ server: o.to, mode: 'redirect', redirectHops: context.redirectHops + 1 });
    }),
    nextServer: assign(({ context }) => ({ server: nextServer(context.servers, context.server), redirectHops: 0 })),
    logoutBeforeUpgrade: enqueueActions(({ context, self, enqueue }) => {
      // log the user out where the phone now is (best effort: the reboot follows at once)
      if (context.userExt !== '') {
        enqueue.sendTo('link', { type: 'sig.request', id: 'upgrade-logout', msg: { type: 'logout-request', reason: 'failover-version', ext: context.userExt }, replyTo: self } satisfies LinkEvent);
      }
    }),
    /** The hot desk user the session says is on the set now, and the cluster's token for the login. */
    takeUser: assign(({ event }) => (event.type === 'service.user' ? { userExt: event.ext, userToken: event.token } : {})),
    /** The device keeps a firmware retry for when nobody is logged in. */
    tellUser: sendParent(({ context }) => ({ type: 'user', present: context.userExt !== '' }) satisfies ServiceParentEvent),
    reboot: sendParent(({ context }) => ({ type: 'firmware.reboot', reason: upgradeReason(context) }) satisfies ServiceParentEvent),
  },
});

