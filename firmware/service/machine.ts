// The phone in service with a controller: registration, heartbeat, fail-over, fail-back and redirects.
// It owns the signalling link (invoked here, systemId `signalling`) and aims it; what the controller
// pushes goes from the link straight to the topic's owners, and what happens to the phone's home goes
// to the service's listeners (SERVICE_LISTENERS), as service.* events (events.ts). Each owner
// decides what a re-home means for it: this machine cancels only its own requests.
//
//              +-----------------------------------------------------------------+
//              v                                                                 |
//   registering.announce --1 s--> waitingAck --ok--> registered (parallel) -----+ failback / redirect
//        ^                            |  redirect / no answer -> rehome          |  heartbeat: kept by the link
//        |                            |  try-later / refused  -> registerRetry   |    3 misses -> failingOver
//        |                            |  other firmware       -> upgrading (asks the phone to reboot)
//        |                            |  dn-required          -> codeEntry --# / OK--> registering (the code as dn)
//        |                            |  no-dn                -> noDn ("No DN Available") --10 s--> registering
//        +--------- failingOver (Resiliency 1/3, 1 s) <---------------------------+  health: (on a secondary)
//                                                                                    waiting -> checking
//   screens (in registered): comms ("Waiting for COMMS...", 1 s) | resilient (Resiliency 3/3, 1 s) -> done
import { assign, enqueueActions } from 'xstate';
import { SIGNALLING_PORT } from '../signalling/messages.ts';
import { SYSTEM } from './events.ts';
import { toPeers } from './peers.ts';
import { DEFAULT_HEARTBEAT_MS, NO_DN_AVAILABLE, WAITING_FOR_ACK, WAITING_FOR_COMMS, announceScreen } from './registration.ts';
import { HEALTH_CHECK_MS, MISSED_HEARTBEATS_LIMIT, nextServer, resiliencyScreen } from './resilience.ts';
import { outcome, service, upgradeReason, type ServiceContext, type ServiceView } from './service-setup.ts';

export type { ServiceInput, ServiceParentEvent, ServiceView } from './service-setup.ts';

const PUBLISH = {
  type: 'publish',
  params: ({ context }: { context: ServiceContext }): ServiceView => ({
    server: `${context.server.ip}:${context.server.port}`,
    controllerId: context.terms.controllerId,
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
      set: { phoneIp: input.phoneIp, mac: input.mac, model: input.model, firmwareVersion: input.firmwareVersion },
      dn: input.dn ?? '',
      code: '',
      mode: 'boot',
      redirectHops: 0,
      failedOver: false,
      resumeLogin: false,
      confirmed: false,
      terms: { heartbeatMs: DEFAULT_HEARTBEAT_MS, healthCheckMs: HEALTH_CHECK_MS, controllerId: '', dialPlan: { alarmDn: '', dialDigits: 0 } },
      missed: 0,
      userExt: '',
      userToken: '',
      layoutCrc: 0,
      seq: 1,
      expect: { register: '', heartbeat: '', health: '' },
    };
  },
  invoke: { id: 'link', systemId: SYSTEM.link, src: 'signalling', input: ({ context }) => ({ server: context.server }) },
  on: {
    'service.layout': { actions: assign({ layoutCrc: ({ event }) => event.crc }) },
    'service.user': { actions: ['takeUser', 'tellUser'] },
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
            else if (context.mode !== 'failback') enqueue({ type: 'showBoot', params: announceScreen(context.set.phoneIp, context.server) });
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
              // Automatic DN Selection: the controller asks this set with no DN for the Set Registration code
              { guard: 'registerDnRequired', target: '#service.codeEntry', actions: 'clearCode' },
              { guard: 'registerNoDn', target: '#service.noDn', actions: 'clearCode' },
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
    /** `Set Registration` / `Enter Code:`: digits, Cancel clears, `#` or OK registers with the code. */
    codeEntry: {
      entry: [{ type: 'trace', params: { message: 'controller asks for the Set Registration Access Code' } }, 'showCodeEntry'],
      on: {
        key: [
          { guard: 'sendsCode', target: 'registering' },
          { guard: 'codeDigit', actions: ['keyCodeDigit', 'showCodeEntry'] },
          { guard: 'clearsCode', actions: ['clearCode', 'showCodeEntry'] },
        ],
      },
    },
    /** The hunt found no free DN: the set says so, and asks again (a fresh register, a fresh prompt). */
    noDn: {
      entry: [{ type: 'trace', params: { message: 'no DN available for this set' } }, { type: 'showBoot', params: [NO_DN_AVAILABLE] }],
      after: { retry: 'registering' },
    },
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
    /** Waits for the reboot it asked for (the phone stops everything as it restarts). */
    upgrading: { entry: ['logoutBeforeUpgrade', { type: 'trace', params: ({ context }) => ({ message: upgradeReason(context) }) }, 'reboot'] },
    registered: {
      type: 'parallel',
      entry: ['confirmOnce', PUBLISH, { type: 'tell', params: ({ context }) => ({ type: 'service.registered', mode: context.mode, controllerId: context.terms.controllerId, dialPlan: context.terms.dialPlan, dn: context.dn }) }],
      on: {
        // as everywhere, and the heartbeat names the new user from the next one on
        'service.user': { actions: ['takeUser', 'tellUser', 'keepAliveUser'] },
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
              entry: { type: 'showBoot', params: ({ context }) => resiliencyScreen(3, context.terms.controllerId || `ICP ${context.server.ip}`) },
              after: { step: 'done' },
            },
            done: {
              entry: [assign({ resumeLogin: false }), { type: 'tell', params: ({ context }) => ({ type: 'service.in-service', mode: context.mode }) }],
            },
          },
        },
        // The link keeps the heartbeat on its own clock (an answered one wakes nobody); this region
        // hears of each miss and of the first answer after one, and counts the misses in a row.
        heartbeat: {
          entry: 'keepAlive',
          on: {
            'sig.answer': { guard: 'heartbeatAnswered', actions: assign({ missed: 0 }) },
            'sig.failed': [
              { guard: 'lastMiss', target: '#service.failingOver' },
              // the link probes again half an interval after a miss (resilience.ts), so the phone is
              // back in service on the secondary within 3 intervals of the controller's death
              { guard: 'heartbeatMissed', actions: assign({ missed: ({ context }) => context.missed + 1 }) },
            ],
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
