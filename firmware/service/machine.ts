// The phone in service with a controller: registration, heartbeat, fail-over, fail-back and redirects.
// It owns the signalling link (invoked here, systemId `signalling`) and aims it; what the controller
// pushes goes from the link straight to the topic's subscribers, and what happens to the phone's home
// goes to every actor that sent `service.subscribe`, as service.* events (events.ts). Each owner
// decides what a re-home means for it: this machine cancels only its own requests.
//
//              +-----------------------------------------------------------------+
//              v                                                                 |
//   registering.announce --1 s--> waitingAck --ok--> registered (parallel) -----+ failback / redirect
//        ^                            |  redirect / no answer -> rehome          |  heartbeat: waiting -> beating
//        |                            |  try-later / refused  -> registerRetry   |    3 misses -> failingOver
//        |                            |  other firmware       -> upgrading (final: reboot)
//        +--------- failingOver (Resiliency 1/3, 1 s) <---------------------------+  health: (on a secondary)
//                                                                                    waiting -> checking
//   screens (in registered): comms ("Waiting for COMMS...", 1 s) | resilient (Resiliency 3/3, 1 s) -> done
import { assign, enqueueActions, sendParent, sendTo, setup, type AnyActorRef } from 'xstate';
import { SIGNALLING_PORT, type Message } from '../signalling/messages.ts';
import { SYSTEM, type LinkEvent, type LinkReply, type ServiceNotice, type ServiceRequest, type SigPush } from './events.ts';
import { signallingLinkLogic } from './link.ts';
import { samePeer, toPeers, type Peer } from './peers.ts';
import {
  ANNOUNCE_MS,
  COMMS_MS,
  DEFAULT_HEARTBEAT_MS,
  MAX_REDIRECT_HOPS,
  REGISTER_RETRY_MS,
  WAITING_FOR_ACK,
  WAITING_FOR_COMMS,
  announceScreen,
  classifyRegisterAnswer,
  registerMessage,
  type RegisterMode,
  type RegisterOutcome,
} from './registration.ts';
import { HEALTH_CHECK_MS, HEALTH_CHECK_TRIES, HEARTBEAT_TRIES, MISSED_HEARTBEATS_LIMIT, RESILIENCY_STEP_MS, nextServer, reprobeDelay, resiliencyScreen } from './resilience.ts';

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
export type ServiceParentEvent = { type: 'registered' } | { type: 'firmware.reboot'; reason: string };

type RequestKind = 'register' | 'heartbeat' | 'health';

interface ServiceContext {
  servers: Peer[];
  /** The controller registered with (or being registered with) now. */
  server: Peer;
  phoneIp: string;
  mac: string;
  model: string;
  firmwareVersion: string;
  dn: string;
  mode: RegisterMode;
  redirectHops: number;
  /** On a secondary because the primary stopped answering: health-check the primary, fail back. */
  failedOver: boolean;
  /** A login redirect: the session resumes the login at once, without the COMMS screen. */
  resumeLogin: boolean;
  confirmed: boolean;
  heartbeatMs: number;
  healthCheckMs: number;
  missed: number;
  controllerId: string;
  /** The hot desk user on the set, as the session said ("" for none). */
  userExt: string;
  subscribers: AnyActorRef[];
  /** Request ids: each request gets a fresh one, so a late answer to an abandoned one is ignored. */
  seq: number;
  expect: Record<RequestKind, string>;
}

type ServiceEvent = LinkReply | SigPush | ServiceRequest;

/** The view the board publishes for the scenario runner and the panel. */
export interface ServiceView {
  server: string;
  controllerId: string;
  failedOver: boolean;
}

const answerTo = (context: ServiceContext, event: ServiceEvent, kind: RequestKind): Message | undefined =>
  event.type === 'sig.answer' && event.id === context.expect[kind] ? event.msg : undefined;
const failedFor = (context: ServiceContext, event: ServiceEvent, kind: RequestKind): boolean => event.type === 'sig.failed' && event.id === context.expect[kind];
const outcome = (context: ServiceContext, event: ServiceEvent): RegisterOutcome | undefined => {
  const answer = answerTo(context, event, 'register');
  return answer ? classifyRegisterAnswer(answer, context.firmwareVersion, context.mode !== 'boot') : undefined;
};

const upgradeReason = (context: ServiceContext) => `controller at ${context.server.ip} expects another firmware version`;

const service = setup({
  types: {
    context: {} as ServiceContext,
    input: {} as ServiceInput,
    events: {} as ServiceEvent,
  },
  actors: {
    // the board binds the hardware (signallingLinkLogic(hw)); this default has none and is never run
    signalling: signallingLinkLogic({
      send: () => {},
      listen: () => () => {},
      clock: { now: () => 0, setTimeout: () => 0, clearTimeout: () => {} },
      random: { next: () => 0, int: (lo) => lo, bytes: (n) => new Uint8Array(n) },
      tracer: { record: () => {} },
    }),
  },
  delays: {
    announce: ANNOUNCE_MS,
    comms: COMMS_MS,
    retry: REGISTER_RETRY_MS,
    step: RESILIENCY_STEP_MS,
    heartbeat: ({ context }) => context.heartbeatMs,
    reprobe: ({ context }) => reprobeDelay(context.heartbeatMs),
    health: ({ context }) => context.healthCheckMs,
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
    aim: sendTo('link', ({ context }): LinkEvent => ({ type: 'sig.aim', server: context.server })),
    cancelOwn: sendTo('link', ({ self }): LinkEvent => ({ type: 'sig.cancel', owner: self })),
    /** Redirects the controller pushes are this machine's to follow. */
    subscribeRedirects: sendTo('link', ({ self }): LinkEvent => ({ type: 'sig.subscribe', topics: ['service'], ref: self })),
    ask: enqueueActions(({ context, self, enqueue }, params: { kind: RequestKind }) => {
      const id = `${params.kind}:${context.seq}`;
      const request = (msg: Message, extra: { to?: Peer; tries?: number } = {}): LinkEvent => ({ type: 'sig.request', id, msg, replyTo: self, ...extra });
      enqueue.assign({ seq: context.seq + 1, expect: { ...context.expect, [params.kind]: id } });
      if (params.kind === 'register') {
        const msg = registerMessage({ mac: context.mac, model: context.model, firmwareVersion: context.firmwareVersion, dn: context.dn, hotdeskExt: context.userExt });
        enqueue.sendTo('link', request(msg));
      } else if (params.kind === 'heartbeat') {
        enqueue.sendTo('link', request({ type: 'heartbeat', hotdeskExt: context.userExt }, { tries: HEARTBEAT_TRIES }));
      } else {
        enqueue.sendTo('link', request({ type: 'health-check' }, { to: context.servers[0], tries: HEALTH_CHECK_TRIES }));
      }
    }),
    tell: enqueueActions(({ context, enqueue }, event: ServiceNotice) => {
      for (const ref of context.subscribers) enqueue.sendTo(ref, event);
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
        heartbeatMs: o.heartbeatMs,
        healthCheckMs: o.healthCheckMs,
        controllerId: o.controllerId,
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
    reboot: sendParent(({ context }) => ({ type: 'firmware.reboot', reason: upgradeReason(context) }) satisfies ServiceParentEvent),
  },
});

const PUBLISH = {
  type: 'publish',
  params: ({ context }: { context: ServiceContext }): ServiceView => ({
    server: `${context.server.ip}:${context.server.port}`,
    controllerId: context.controllerId,
    failedOver: context.failedOver,
  }),
} as const;

export const serviceMachine = service.createMachine({
  id: 'service',
  context: ({ input }) => {
    const servers = toPeers(input.callServers, input.port ?? SIGNALLING_PORT);
    if (servers.length === 0) throw new RangeError('service: no call server (call_srv) to register with');
    return {
      servers,
      server: servers[0],
      phoneIp: input.phoneIp,
      mac: input.mac,
      model: input.model,
      firmwareVersion: input.firmwareVersion,
      dn: input.dn ?? '',
      mode: 'boot',
      redirectHops: 0,
      failedOver: false,
      resumeLogin: false,
      confirmed: false,
      heartbeatMs: DEFAULT_HEARTBEAT_MS,
      healthCheckMs: HEALTH_CHECK_MS,
      missed: 0,
      controllerId: '',
      userExt: '',
      subscribers: [],
      seq: 1,
      expect: { register: '', heartbeat: '', health: '' },
    };
  },
  invoke: { id: 'link', systemId: SYSTEM.link, src: 'signalling', input: ({ context }) => ({ server: context.server }) },
  entry: 'subscribeRedirects',
  on: {
    'service.subscribe': { actions: assign({ subscribers: ({ context, event }) => [...context.subscribers, event.ref] }) },
    'service.user': { actions: assign({ userExt: ({ event }) => event.ext }) },
  },
  initial: 'registering',
  states: {
    registering: {
      entry: ['aim', PUBLISH],
      initial: 'announce',
      states: {
        announce: {
          entry: enqueueActions(({ context, enqueue }) => {
            if (context.mode === 'failover') enqueue({ type: 'showBoot', params: resiliencyScreen(2, `ICP ${context.server.ip}`) });
            else if (context.mode !== 'failback') enqueue({ type: 'showBoot', params: announceScreen(context.phoneIp, context.server) });
          }),
          always: { guard: 'quietRegister', target: 'waitingAck' },
          after: { announce: 'waitingAck' },
        },
        waitingAck: {
          entry: [
            enqueueActions(({ context, enqueue }) => {
              if (context.mode === 'boot' || context.mode === 'redirect') enqueue({ type: 'showBoot', params: [WAITING_FOR_ACK] });
            }),
            { type: 'ask', params: { kind: 'register' } },
          ],
          on: {
            'sig.answer': [
              {
                guard: 'registerOk',
                target: '#service.registered',
                actions: [
                  {
                    type: 'trace',
                    params: ({ context, event }) => {
                      const o = outcome(context, event);
                      return { message: `registered with ${o?.kind === 'ok' ? o.controllerId : '?'} at ${context.server.ip}:${context.server.port} (${context.mode})` };
                    },
                  },
                  'takeAck',
                ],
              },
              {
                guard: 'registerRedirect',
                target: '#service.rehome',
                actions: [
                  {
                    type: 'trace',
                    params: ({ context, event }) => {
                      const o = outcome(context, event);
                      return { message: `register redirected to ${o?.kind === 'redirect' ? `${o.to.ip}:${o.to.port}` : '?'}` };
                    },
                  },
                  'followRedirect',
                ],
              },
              { guard: 'registerUpgrade', target: '#service.upgrading' },
              { guard: 'registerTryLater', target: '#service.registerRetry' },
              { guard: 'registerAnswered', target: '#service.registerRetry', actions: 'nextServer' },
            ],
            'sig.failed': {
              guard: 'registerUnanswered',
              target: '#service.rehome',
              actions: [
                { type: 'trace', params: ({ context }) => ({ message: `no answer to register from ${context.server.ip}:${context.server.port}` }) },
                'nextServer',
              ],
            },
          },
        },
      },
    },
    /** Passes straight back into registering, so each attempt starts afresh (timers, display). */
    rehome: { always: 'registering' },
    registerRetry: { after: { retry: 'registering' } },
    failingOver: {
      entry: [
        'cancelOwn',
        { type: 'trace', params: ({ context }) => ({ message: `${MISSED_HEARTBEATS_LIMIT} heartbeats missed: failing over from ${context.server.ip}` }) },
        { type: 'showBoot', params: ({ context }) => resiliencyScreen(1, `Lost ICP ${context.server.ip}`) },
        assign(({ context }) => ({ server: nextServer(context.servers, context.server), mode: 'failover' as const, missed: 0, resumeLogin: false })),
        { type: 'tell', params: { type: 'service.rehoming', mode: 'failover' } },
      ],
      after: { step: 'registering' },
    },
    upgrading: { type: 'final', entry: ['logoutBeforeUpgrade', { type: 'trace', params: ({ context }) => ({ message: upgradeReason(context) }) }, 'reboot'] },
    registered: {
      type: 'parallel',
      entry: ['confirmOnce', PUBLISH, { type: 'tell', params: ({ context }) => ({ type: 'service.registered', mode: context.mode, controllerId: context.controllerId }) }],
      on: {
        'sig.push': {
          guard: 'redirectPush',
          target: 'rehome',
          actions: [
            'cancelOwn',
            assign(({ event }) => (event.msg.type === 'redirect' ? { server: { ip: event.msg.ip, port: event.msg.port }, mode: 'redirect' as const, resumeLogin: false } : {})),
            { type: 'tell', params: { type: 'service.rehoming', mode: 'redirect' } },
          ],
        },
        'service.redirect': {
          target: 'rehome',
          actions: [
            'cancelOwn',
            { type: 'trace', params: ({ event }) => ({ message: `login redirected to ${event.to.ip}:${event.to.port}` }) },
            assign(({ event }) => ({ server: event.to, mode: 'redirect' as const, resumeLogin: true })),
            { type: 'tell', params: { type: 'service.rehoming', mode: 'redirect' } },
          ],
        },
      },
      states: {
        screens: {
          initial: 'route',
          states: {
            route: {
              always: [
                { guard: 'resumeLogin', target: 'done' },
                { guard: 'showsComms', target: 'comms' },
                { guard: 'showsResilient', target: 'resilient' },
                { target: 'done' },
              ],
            },
            comms: { entry: { type: 'showBoot', params: [WAITING_FOR_COMMS] }, after: { comms: 'done' } },
            resilient: {
              entry: { type: 'showBoot', params: ({ context }) => resiliencyScreen(3, context.controllerId || `ICP ${context.server.ip}`) },
              after: { step: 'done' },
            },
            done: {
              entry: [assign({ resumeLogin: false }), { type: 'tell', params: ({ context }) => ({ type: 'service.in-service', mode: context.mode }) }],
            },
          },
        },
        heartbeat: {
          initial: 'waiting',
          states: {
            waiting: { after: { heartbeat: 'beating' } },
            reprobing: { after: { reprobe: 'beating' } },
            beating: {
              entry: { type: 'ask', params: { kind: 'heartbeat' } },
              on: {
                'sig.answer': { guard: 'heartbeatAnswered', target: 'waiting', actions: assign({ missed: 0 }) },
                'sig.failed': [
                  { guard: 'lastMiss', target: '#service.failingOver' },
                  // a miss is probed again half an interval later (resilience.ts), so the phone is back
                  // in service on the secondary within 3 intervals of the controller's death
                  { guard: 'heartbeatMissed', target: 'reprobing', actions: assign({ missed: ({ context }) => context.missed + 1 }) },
                ],
              },
            },
          },
        },
        health: {
          initial: 'route',
          states: {
            route: { always: [{ guard: 'failedOver', target: 'waiting' }, { target: 'onPrimary' }] },
            onPrimary: {},
            waiting: { after: { health: 'checking' } },
            checking: {
              entry: { type: 'ask', params: { kind: 'health' } },
              on: {
                'sig.answer': [
                  {
                    guard: 'primaryInService',
                    target: '#service.rehome',
                    actions: [
                      'cancelOwn',
                      { type: 'trace', params: ({ context }) => ({ message: `primary ${context.servers[0].ip} back in service: failing back` }) },
                      assign(({ context }) => ({ server: context.servers[0], mode: 'failback' as const })),
                      { type: 'tell', params: { type: 'service.rehoming', mode: 'failback' } },
                    ],
                  },
                  { guard: 'healthAnswered', target: 'waiting' },
                ],
                'sig.failed': { guard: 'healthUnanswered', target: 'waiting' },
              },
            },
          },
        },
      },
    },
  },
});

export type ServiceMachine = typeof serviceMachine;
