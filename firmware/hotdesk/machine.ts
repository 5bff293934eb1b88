// The phone side of hot desking, as one XState machine the phone's root machine invokes once the boot
// is done: register with the call server, keep it alive with heartbeats, log users in and out by the
// model's login style, apply their key layouts and BLF lamps, and move between controllers (fail-over,
// fail-back, redirects) without losing the user. The rules live in the small files next to this one;
// this file only wires them into states. Registered, the machine runs three regions side by side:
// heartbeat (fail-over when the controller goes quiet), health (fail-back when the primary returns)
// and session (what the user sees and types).
import { assign, enqueueActions, fromCallback, fromPromise, setup } from 'xstate';
import { stringsFor } from '../display/strings.ts';
import type { HotdeskStrings } from '../display/strings.ts';
import { decodeKeyLayout } from '../signalling/key-layout.ts';
import { KeyLayoutAssembler } from '../signalling/key-layout-transfer.ts';
import { SIGNALLING_PORT, type LoginResult, type LogoutReason, type Message } from '../signalling/messages.ts';
import { showBlfState } from './blf.ts';
import { DEFAULT_ACCESS_CODES, isDialKey, matchDialed } from './dial-codes.ts';
import { applyLayout } from './key-layout-apply.ts';
import { ENTRY_TIMEOUT_MS, appendExt, extScreen, isDigit, isSubmitKey, pinScreen } from './login-entry.ts';
import { loginExchange } from './login-exchange.ts';
import { failureScreen, userScreen } from './login-result-display.ts';
import { NOTICE_MS, logoutExchange, noticeScreen, refusedScreen } from './logout.ts';
import type { LogoutOutcome } from './logout.ts';
import { PinBuffer } from './pin-buffer.ts';
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
} from './registration.ts';
import type { RegisterOutcome } from './registration.ts';
import { HEALTH_CHECK_MS, HEALTH_CHECK_TRIES, HEARTBEAT_TRIES, MISSED_HEARTBEATS_LIMIT, RESILIENCY_STEP_MS, nextServer, reprobeDelay, resiliencyScreen } from './resilience.ts';
import { SignallingLink, samePeer, toPeers } from './signalling-link.ts';
import type { Peer } from './signalling-link.ts';
import type { HotdeskContext, HotdeskEvent, HotdeskInput } from './types.ts';

const s = (ctx: HotdeskContext): HotdeskStrings => stringsFor(ctx.user?.language);
/** Shows the rows (the Screen leaves out trailing empty ones: an extension or PIN not typed yet). */
const show = (ctx: HotdeskContext, lines: string[]): void => ctx.deps.screen.show(...lines);
const info = (ctx: HotdeskContext, message: string): void => ctx.deps.tracer.record({ kind: 'info', message: `hotdesk: ${message}` });
/** Fire-and-forget requests (BLF subscriptions): a timeout is traced by Transactions, nothing to do. */
const quietly = (p: Promise<unknown>): void => void p.catch(() => {});

function keyOf(event: HotdeskEvent): string | undefined {
  return event.type === 'key' ? event.key : undefined;
}
function msgOf(event: HotdeskEvent): Message | undefined {
  return event.type === 'sig' ? event.msg : undefined;
}
function registerOutcome(ctx: HotdeskContext, answer: Message): RegisterOutcome {
  return classifyRegisterAnswer(answer, ctx.deps.firmwareVersion, ctx.mode !== 'boot');
}
function methodIs(ctx: HotdeskContext, m: HotdeskInput['profile']['loginMethod']): boolean {
  return ctx.deps.profile.loginMethod === m;
}

export const hotdeskMachine = setup({
  types: {
    context: {} as HotdeskContext,
    input: {} as HotdeskInput,
    events: {} as HotdeskEvent,
  },
  actors: {
    /** Pushes from the controller, as `sig` events, for as long as the machine runs. */
    signalling: fromCallback<HotdeskEvent, { link: SignallingLink; listen: HotdeskInput['listen'] }>(({ input, sendBack }) => {
      const detach = input.link.listen((msg) => sendBack({ type: 'sig', msg }));
      const unbind = input.listen((ip, port, bytes) => input.link.receive(ip, port, bytes));
      return () => {
        detach();
        unbind();
        input.link.cancelAll();
      };
    }),
    request: fromPromise<Message, { run: () => Promise<Message> }>(({ input }) => input.run()),
    login: fromPromise<LoginResult, { ctx: HotdeskContext }>(({ input: { ctx } }) => loginExchange(ctx.link, ctx.entryExt, ctx.pin, ctx.deps.mac)),
    logout: fromPromise<LogoutOutcome, { link: SignallingLink; ext: string; reason: LogoutReason }>(({ input }) =>
      logoutExchange(input.link, input.ext, input.reason),
    ),
  },
  delays: {
    announce: ANNOUNCE_MS,
    comms: COMMS_MS,
    retry: REGISTER_RETRY_MS,
    heartbeat: ({ context }) => context.heartbeatMs,
    reprobe: ({ context }) => reprobeDelay(context.heartbeatMs),
    health: ({ context }) => context.healthCheckMs,
    step: RESILIENCY_STEP_MS,
    entry: ENTRY_TIMEOUT_MS,
    notice: NOTICE_MS,
  },
  guards: {
    registerOk: ({ context, event }) => registerOutcome(context, (event as unknown as { output: Message }).output).kind === 'ok',
    registerRedirect: ({ context, event }) =>
      context.redirectHops < MAX_REDIRECT_HOPS && registerOutcome(context, (event as unknown as { output: Message }).output).kind === 'redirect',
    registerUpgrade: ({ context, event }) => registerOutcome(context, (event as unknown as { output: Message }).output).kind === 'upgrade',
    registerTryLater: ({ context, event }) => {
      const o = registerOutcome(context, (event as unknown as { output: Message }).output);
      return o.kind === 'retry' && o.sameServer;
    },
    quietRegister: ({ context }) => context.mode === 'failback',
    failedOver: ({ context }) => context.failedOver,
    lastMiss: ({ context }) => context.missed + 1 >= MISSED_HEARTBEATS_LIMIT,
    primaryInService: ({ event }) => {
      const m = (event as unknown as { output: Message }).output;
      return m.type === 'health-ack' && m.inService;
    },
    pendingLogin: ({ context }) => context.pendingLogin && context.entryExt !== '',
    bootMode: ({ context }) => context.mode === 'boot' || context.mode === 'redirect',
    failoverMode: ({ context }) => context.mode === 'failover',
    loggedIn: ({ context }) => context.user !== undefined,
    // keys
    opensHotdeskMenu: ({ context, event }) => keyOf(event) === 'hotdesk' && methodIs(context, 'hotdesk-key'),
    handsetLogin: ({ context, event }) => methodIs(context, 'handset-hotdesk-mode') && (keyOf(event) === 'login' || keyOf(event) === 'ok'),
    loginSoftkey: ({ event }) => keyOf(event) === 'login',
    logoutSoftkey: ({ context, event }) => keyOf(event) === 'logout' && !methodIs(context, 'dial'),
    dialKey: ({ event }) => isDialKey(keyOf(event) ?? ''),
    cancelKey: ({ event }) => keyOf(event) === 'cancel',
    digitKey: ({ event }) => isDigit(keyOf(event) ?? ''),
    submitExt: ({ context, event }) => isSubmitKey(context.deps.profile.loginMethod, keyOf(event) ?? '') && context.entryExt !== '',
    submitPin: ({ context, event }) => isSubmitKey(context.deps.profile.loginMethod, keyOf(event) ?? ''),
    dismissKey: ({ event }) => keyOf(event) === 'cancel' || keyOf(event) === 'ok',
    dialledLogin: ({ context }) => matchDialed(context.dialed, context.codes).kind === 'login',
    dialledLogout: ({ context }) => matchDialed(context.dialed, context.codes).kind === 'logout' && context.user !== undefined,
    dialledRemoteLogout: ({ context }) => matchDialed(context.dialed, context.codes).kind === 'remote-logout',
    dialledPartial: ({ context }) => matchDialed(context.dialed, context.codes).kind === 'partial',
    // login and logout answers
    loginOk: ({ event }) => (event as unknown as { output: LoginResult }).output.code === 'ok',
    loginRedirect: ({ event }) => {
      const r = (event as unknown as { output: LoginResult }).output;
      return r.code === 'redirect' && r.redirectIp !== '0.0.0.0' && r.redirectPort !== 0;
    },
    logoutDone: ({ event }) => (event as unknown as { output: LogoutOutcome }).output.kind === 'done',
    logoutBusy: ({ event }) => {
      const o = (event as unknown as { output: LogoutOutcome }).output;
      return o.kind === 'refused' && o.reason === 'busy';
    },
    // pushes
    redirectPush: ({ event }) => msgOf(event)?.type === 'redirect',
    logoutNoticeForUser: ({ context, event }) => {
      const m = msgOf(event);
      return m?.type === 'logout-notice' && context.user !== undefined && m.ext === context.user.ext;
    },
    // a user's layout (logged in, or logging in) or, with nobody logged in, the set's own programming
    layoutBegin: ({ event }) => msgOf(event)?.type === 'key-layout-begin',
    layoutBlock: ({ context, event }) => msgOf(event)?.type === 'key-layout-block' && context.download !== undefined,
    blfState: ({ event }) => msgOf(event)?.type === 'blf-state',
  },
  actions: {
    aim: ({ context }) => {
      context.link.server = context.server;
    },
    cancelRequests: ({ context }) => context.link.cancelAll(),
    resetEntry: assign(({ context }) => {
      context.pin.wipe();
      return { entryExt: '', dialed: '', pendingLogin: false, remoteExt: '' };
    }),
    softkeys: assign({
      softkeys: ({ context }, params: { desk?: string[]; handset?: string[]; dial?: string[] }) => {
        const m = context.deps.profile.loginMethod;
        return (m === 'dial' ? params.dial : m === 'handset-hotdesk-mode' ? params.handset : params.desk) ?? [];
      },
    }),
    dial: assign({ dialed: ({ context, event }) => context.dialed + (keyOf(event) ?? '') }),
    addExtDigit: assign({ entryExt: ({ context, event }) => appendExt(context.entryExt, keyOf(event) ?? '') }),
    addPinDigit: ({ context, event }) => {
      // a 9th digit (or anything but a digit) is refused: the display does not change
      if (!context.pin.push(keyOf(event) ?? '')) info(context, 'PIN key refused');
    },
    setNotice: assign({ notice: (_, lines: string[]) => lines }),
    confirmOnce: enqueueActions(({ context, enqueue }) => {
      if (context.confirmed) return;
      enqueue.assign({ confirmed: true });
      enqueue(() => context.deps.onRegistered());
    }),
    resubscribeBlf: ({ context }) => {
      // a new controller knows nothing of what this set monitored on the old one
      if (context.blfDns.length > 0) quietly(context.link.request({ type: 'blf-subscribe', dns: context.blfDns }));
    },
    dropLayout: enqueueActions(({ context, enqueue }) => {
      for (const k of context.keys) context.deps.lamps.set(k.id, 'off');
      if (context.blfDns.length > 0) quietly(context.link.request({ type: 'blf-subscribe', dns: [] }));
      enqueue.assign({ keys: [], hiddenLines: [], blfDns: [], download: undefined });
    }),
    clearUser: assign({ user: undefined, pkmEnabled: true, logoutPending: false }),
    startDownload: assign({
      download: ({ event }) => {
        const m = msgOf(event);
        return m?.type === 'key-layout-begin' ? new KeyLayoutAssembler(m) : undefined;
      },
    }),
    takeBlock: enqueueActions(({ context, event, enqueue }) => {
      const m = msgOf(event);
      const dl = context.download;
      if (m?.type !== 'key-layout-block' || !dl) return;
      dl.accept(m);
      if (!dl.complete) return;
      enqueue.assign({ download: undefined });
      const assembled = dl.finish();
      if (!assembled.ok) return info(context, `key layout refused: ${assembled.reason} (${assembled.detail})`);
      const decoded = decodeKeyLayout(assembled.payload);
      if (!decoded.ok) return info(context, `key layout refused: ${decoded.reason} (${decoded.detail})`);
      // key modules show the set's own programming only: they are disabled for a hot desk user
      const layout = applyLayout(decoded.entries, context.deps.profile, context.pkmEnabled ? context.deps.pkms : undefined);
      const shown = new Set(layout.visible.map((k) => k.id));
      for (const k of context.keys) if (!shown.has(k.id)) context.deps.lamps.set(k.id, 'off');
      for (const k of layout.visible) if (k.type === 'blf') context.deps.lamps.set(k.id, 'off');
      if (layout.blfDns.length > 0 || context.blfDns.length > 0) {
        quietly(context.link.request({ type: 'blf-subscribe', dns: layout.blfDns }));
      }
      info(context, `key layout applied: ${layout.visible.length} keys shown, ${layout.hiddenLines.length} hidden lines`);
      enqueue.assign({ keys: layout.visible, hiddenLines: layout.hiddenLines, blfDns: layout.blfDns });
    }),
    showBlf: ({ context, event }) => {
      const m = msgOf(event);
      if (m?.type === 'blf-state') showBlfState(context.deps.lamps, context.keys, m.dn, m.state);
    },
  },
}).createMachine({
  id: 'hotdesk',
  context: ({ input }) => {
    const servers = toPeers(input.callServers, input.port ?? SIGNALLING_PORT);
    if (servers.length === 0) throw new RangeError('hotdesk: no call server (call_srv) to register with');
    const link = new SignallingLink({
      send: input.send,
      clock: input.clock,
      random: input.random,
      tracer: input.tracer,
      server: servers[0],
      onOtherRequest: input.onOtherRequest,
    });
    return {
      deps: input,
      link,
      servers,
      server: servers[0],
      codes: { ...DEFAULT_ACCESS_CODES, ...input.accessCodes },
      mode: 'boot',
      redirectHops: 0,
      failedOver: false,
      confirmed: false,
      heartbeatMs: DEFAULT_HEARTBEAT_MS,
      healthCheckMs: HEALTH_CHECK_MS,
      missed: 0,
      controllerId: '',
      user: undefined,
      entryExt: '',
      pin: new PinBuffer(),
      pendingLogin: false,
      dialed: '',
      softkeys: [],
      keys: [],
      hiddenLines: [],
      blfDns: [],
      pkmEnabled: true,
      download: undefined,
      notice: [],
      logoutPending: false,
      remoteExt: '',
    };
  },
  invoke: { src: 'signalling', input: ({ context }) => ({ link: context.link, listen: context.deps.listen }) },
  initial: 'registering',
  states: {
    registering: {
      entry: ['aim', assign({ softkeys: [] })],
      initial: 'announce',
      states: {
        announce: {
          entry: ({ context }) => {
            if (context.mode === 'failover') show(context, resiliencyScreen(2, `ICP ${context.server.ip}`));
            else if (context.mode !== 'failback') show(context, announceScreen(context.deps.phoneIp, context.server));
          },
          always: { guard: 'quietRegister', target: 'waitingAck' },
          after: { announce: 'waitingAck' },
        },
        waitingAck: {
          entry: ({ context }) => {
            if (context.mode === 'boot' || context.mode === 'redirect') show(context, [WAITING_FOR_ACK]);
          },
          invoke: {
            src: 'request',
            input: ({ context }) => ({
              run: () =>
                context.link.request(
                  registerMessage({
                    mac: context.deps.mac,
                    model: context.deps.profile.id,
                    firmwareVersion: context.deps.firmwareVersion,
                    dn: context.deps.dn ?? '',
                    hotdeskExt: context.user?.ext ?? '',
                  }),
                ),
            }),
            onDone: [
              {
                guard: 'registerOk',
                target: '#hotdesk.registered',
                actions: assign(({ context, event }) => {
                  const o = registerOutcome(context, event.output);
                  if (o.kind !== 'ok') return {};
                  info(context, `registered with ${o.controllerId} at ${context.server.ip}:${context.server.port} (${context.mode})`);
                  const onPrimary = samePeer(context.server, context.servers[0]);
                  return {
                    heartbeatMs: o.heartbeatMs,
                    healthCheckMs: o.healthCheckMs,
                    controllerId: o.controllerId,
                    missed: 0,
                    redirectHops: 0,
                    // on a secondary for any reason but a redirect (the user's home): watch for the primary's return
                    failedOver: !onPrimary && context.mode !== 'redirect',
                  };
                }),
              },
              {
                guard: 'registerRedirect',
                target: '#hotdesk.rehome',
                actions: assign(({ context, event }) => {
                  const o = registerOutcome(context, event.output);
                  if (o.kind !== 'redirect') return {};
                  info(context, `register redirected to ${o.to.ip}:${o.to.port}`);
                  return { server: o.to, mode: 'redirect' as const, redirectHops: context.redirectHops + 1 };
                }),
              },
              { guard: 'registerUpgrade', target: '#hotdesk.upgrading' },
              { guard: 'registerTryLater', target: '#hotdesk.registerRetry' },
              {
                target: '#hotdesk.registerRetry',
                actions: assign(({ context }) => ({ server: nextServer(context.servers, context.server), redirectHops: 0 })),
              },
            ],
            onError: {
              target: '#hotdesk.rehome',
              actions: assign(({ context }) => {
                info(context, `no answer to register from ${context.server.ip}:${context.server.port}`);
                return { server: nextServer(context.servers, context.server), redirectHops: 0 };
              }),
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
        'cancelRequests',
        ({ context }) => info(context, `${MISSED_HEARTBEATS_LIMIT} heartbeats missed: failing over from ${context.server.ip}`),
        ({ context }) => show(context, resiliencyScreen(1, `Lost ICP ${context.server.ip}`)),
        assign(({ context }) => {
          context.pin.wipe();
          return { server: nextServer(context.servers, context.server), mode: 'failover' as const, missed: 0, pendingLogin: false, entryExt: '', dialed: '' };
        }),
      ],
      after: { step: 'registering' },
    },
    upgrading: {
      type: 'final',
      entry: enqueueActions(({ context, enqueue }) => {
        const o = { reason: `controller at ${context.server.ip} expects another firmware version` };
        // log the user out where the phone now is (best effort: the reboot follows at once)
        if (context.user) quietly(context.link.request({ type: 'logout-request', reason: 'failover-version', ext: context.user.ext }));
        enqueue('dropLayout');
        enqueue('clearUser');
        enqueue('resetEntry');
        enqueue(() => info(context, o.reason));
        enqueue(() => context.deps.onReboot(o.reason));
      }),
    },
    registered: {
      type: 'parallel',
      entry: ['confirmOnce', 'resubscribeBlf'],
      on: {
        sig: [
          {
            guard: 'redirectPush',
            target: 'rehome',
            actions: [
              'cancelRequests',
              assign(({ event }) => {
                const m = msgOf(event);
                return m?.type === 'redirect' ? { server: { ip: m.ip, port: m.port } as Peer, mode: 'redirect' as const } : {};
              }),
            ],
          },
          { guard: 'layoutBegin', actions: 'startDownload' },
          { guard: 'layoutBlock', actions: 'takeBlock' },
          { guard: 'blfState', actions: 'showBlf' },
        ],
      },
      states: {
        heartbeat: {
          initial: 'waiting',
          states: {
            waiting: { after: { heartbeat: 'beating' } },
            reprobing: { after: { reprobe: 'beating' } },
            beating: {
              invoke: {
                src: 'request',
                input: ({ context }) => ({
                  run: () => context.link.request({ type: 'heartbeat', hotdeskExt: context.user?.ext ?? '' }, { tries: HEARTBEAT_TRIES }),
                }),
                onDone: { target: 'waiting', actions: assign({ missed: 0 }) },
                onError: [
                  { guard: 'lastMiss', target: '#hotdesk.failingOver' },
                  // a miss is probed again half an interval later (resilience.ts), so the phone is back
                  // in service on the secondary within 3 intervals of the controller's death
                  { target: 'reprobing', actions: assign({ missed: ({ context }) => context.missed + 1 }) },
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
              invoke: {
                src: 'request',
                input: ({ context }) => ({
                  run: () => context.link.requestTo(context.servers[0], { type: 'health-check' }, { tries: HEALTH_CHECK_TRIES }),
                }),
                onDone: [
                  {
                    guard: 'primaryInService',
                    target: '#hotdesk.rehome',
                    actions: [
                      'cancelRequests',
                      ({ context }) => info(context, `primary ${context.servers[0].ip} back in service: failing back`),
                      assign(({ context }) => ({ server: context.servers[0], mode: 'failback' as const })),
                    ],
                  },
                  { target: 'waiting' },
                ],
                onError: 'waiting',
              },
            },
          },
        },
        session: {
          id: 'session',
          initial: 'route',
          on: {
            sig: {
              guard: 'logoutNoticeForUser',
              target: '.notice',
              actions: [
                enqueueActions(({ context, event, enqueue }) => {
                  const m = msgOf(event);
                  if (m?.type !== 'logout-notice') return;
                  enqueue(() => info(context, `logged out by the controller: ${m.reason}`));
                  enqueue.assign({ notice: noticeScreen(s(context), m) });
                }),
                'dropLayout',
                'clearUser',
              ],
            },
          },
          states: {
            route: {
              always: [
                { guard: 'pendingLogin', target: 'authenticating' },
                { guard: 'bootMode', target: 'comms' },
                { guard: 'failoverMode', target: 'resilient' },
                { target: 'home' },
              ],
            },
            comms: {
              entry: ({ context }) => show(context, [WAITING_FOR_COMMS]),
              after: { comms: 'home' },
            },
            resilient: {
              entry: ({ context }) => show(context, resiliencyScreen(3, context.controllerId || `ICP ${context.server.ip}`)),
              after: { step: 'home' },
            },
            home: {
              entry: 'resetEntry',
              always: [{ guard: 'loggedIn', target: 'loggedIn' }, { target: 'idle' }],
            },
            idle: {
              entry: [({ context }) => show(context, [s(context).noUser]), { type: 'softkeys', params: { handset: ['login'] } }],
              on: {
                key: [
                  { guard: 'opensHotdeskMenu', target: 'hotdeskMenu' },
                  { guard: 'handsetLogin', target: 'entering' },
                  { guard: 'dialKey', target: 'dialCheck', actions: 'dial' },
                ],
              },
            },
            hotdeskMenu: {
              entry: [({ context }) => show(context, ['Hot Desking', s(context).noUser]), { type: 'softkeys', params: { desk: ['login', 'cancel'] } }],
              after: { entry: 'home' },
              on: {
                key: [
                  { guard: 'loginSoftkey', target: 'entering' },
                  { guard: 'cancelKey', target: 'home' },
                ],
              },
            },
            dialCheck: {
              always: [
                { guard: 'dialledLogin', target: 'entering' },
                { guard: 'dialledLogout', target: 'loggingOut' },
                {
                  guard: 'dialledRemoteLogout',
                  target: 'remoteLogout',
                  actions: assign({
                    remoteExt: ({ context }) => {
                      const m = matchDialed(context.dialed, context.codes);
                      return m.kind === 'remote-logout' ? m.ext : '';
                    },
                  }),
                },
                { guard: 'dialledPartial', target: 'dialing' },
                // digits that are no code of ours: a user's set leaves them to call handling
                { guard: 'loggedIn', target: 'home' },
                { target: 'notice', actions: assign({ notice: ({ context }) => [s(context).invalidCode] }) },
              ],
            },
            dialing: {
              entry: [({ context }) => show(context, [context.dialed]), assign({ softkeys: [] })],
              after: { entry: 'home' },
              on: {
                key: [
                  { guard: 'cancelKey', target: 'home' },
                  { guard: 'dialKey', target: 'dialCheck', actions: 'dial' },
                ],
              },
            },
            entering: {
              // the access code that led here (dial sets) is spent: later digits start a new code
              entry: [assign({ dialed: '' }), { type: 'softkeys', params: { desk: ['ok', 'cancel'], handset: ['ok', 'cancel'] } }],
              initial: 'ext',
              states: {
                ext: {
                  entry: ({ context }) => show(context, extScreen(s(context), context.entryExt)),
                  after: { entry: '#session.home' },
                  on: {
                    key: [
                      { guard: 'cancelKey', target: '#session.home' },
                      { guard: 'submitExt', target: 'pin' },
                      { guard: 'digitKey', target: 'ext', reenter: true, actions: 'addExtDigit' },
                    ],
                  },
                },
                pin: {
                  // the phone masks keys in its trace while this tag is on (they are PIN digits)
                  tags: ['pin-entry'],
                  entry: ({ context }) => show(context, pinScreen(s(context), context.pin)),
                  after: { entry: '#session.home' },
                  on: {
                    key: [
                      { guard: 'cancelKey', target: '#session.home' },
                      { guard: 'submitPin', target: '#session.authenticating' },
                      { guard: 'digitKey', target: 'pin', reenter: true, actions: 'addPinDigit' },
                    ],
                  },
                },
              },
            },
            authenticating: {
              entry: [({ context }) => show(context, [s(context).loggingIn, context.entryExt]), assign({ pendingLogin: false, softkeys: [] })],
              invoke: {
                src: 'login',
                input: ({ context }) => ({ ctx: context }),
                onDone: [
                  {
                    guard: 'loginOk',
                    target: 'loggedIn',
                    actions: [
                      ({ context }) => context.pin.wipe(),
                      ({ context, event }) => info(context, `user ${event.output.ext} logged in`),
                      ({ context }) => {
                        // a hot desk user gets no key module: its lamps go dark while the user is here
                        for (const key of context.deps.lamps.keys()) if (key.startsWith('pkm')) context.deps.lamps.set(key, 'off');
                      },
                      assign(({ context, event }) => ({
                        user: { ext: event.output.ext, name: event.output.name, language: event.output.language },
                        // the set's module keys leave with the modules, so no BLF push relights them
                        keys: context.keys.filter((k) => k.module === 0),
                        pkmEnabled: false,
                        entryExt: '',
                      })),
                    ],
                  },
                  {
                    guard: 'loginRedirect',
                    target: '#hotdesk.rehome',
                    actions: [
                      'cancelRequests',
                      ({ context, event }) => info(context, `login redirected to ${event.output.redirectIp}:${event.output.redirectPort}`),
                      assign(({ event }) => ({
                        server: { ip: event.output.redirectIp, port: event.output.redirectPort },
                        mode: 'redirect' as const,
                        pendingLogin: true,
                      })),
                    ],
                  },
                  {
                    target: 'notice',
                    actions: [
                      ({ context }) => context.pin.wipe(),
                      ({ context, event }) => info(context, `login of ${event.output.ext} failed: ${event.output.code}`),
                      assign({ notice: ({ context, event }) => failureScreen(s(context), event.output) }),
                    ],
                  },
                ],
                onError: {
                  target: 'notice',
                  actions: [
                    ({ context }) => context.pin.wipe(),
                    ({ context, event }) => info(context, `login failed: ${String(event.error)}`),
                    assign({ notice: ({ context }) => [s(context).loginFailed] }),
                  ],
                },
              },
            },
            loggedIn: {
              entry: [
                ({ context }) => show(context, userScreen(context.user!)),
                assign({ dialed: '' }),
                { type: 'softkeys', params: { desk: ['logout'], handset: ['logout'] } },
              ],
              on: {
                key: [
                  { guard: 'logoutSoftkey', target: 'loggingOut' },
                  { guard: 'opensHotdeskMenu', target: 'logoutMenu' },
                  { guard: 'dialKey', target: 'dialCheck', actions: 'dial' },
                ],
              },
            },
            logoutMenu: {
              entry: [({ context }) => show(context, ['Hot Desking', s(context).logoutConfirm]), { type: 'softkeys', params: { desk: ['logout', 'cancel'] } }],
              after: { entry: 'home' },
              on: {
                key: [
                  { guard: 'logoutSoftkey', target: 'loggingOut' },
                  { guard: 'cancelKey', target: 'home' },
                ],
              },
            },
            loggingOut: {
              entry: [({ context }) => show(context, [s(context).loggingOut]), assign({ softkeys: [] })],
              invoke: {
                src: 'logout',
                input: ({ context }) => ({ link: context.link, ext: context.user!.ext, reason: 'user' as const }),
                onDone: [
                  {
                    guard: 'logoutDone',
                    target: 'notice',
                    actions: [{ type: 'setNotice', params: ({ context }) => [s(context).loggedOut] }, 'dropLayout', 'clearUser'],
                  },
                  {
                    target: 'notice',
                    actions: [
                      assign({ logoutPending: ({ event }) => event.output.kind === 'refused' && event.output.reason === 'busy' }),
                      assign({
                        notice: ({ context, event }) => (event.output.kind === 'refused' ? refusedScreen(s(context), event.output.reason, context.user!.ext) : []),
                      }),
                    ],
                  },
                ],
                onError: { target: 'notice', actions: { type: 'setNotice', params: ({ context }) => [s(context).logoutRefused] } },
              },
            },
            remoteLogout: {
              entry: [({ context }) => show(context, [s(context).loggingOut, context.remoteExt]), assign({ softkeys: [] })],
              invoke: {
                src: 'logout',
                input: ({ context }) => ({ link: context.link, ext: context.remoteExt, reason: 'remote' as const }),
                onDone: {
                  target: 'notice',
                  actions: enqueueActions(({ context, event, enqueue }) => {
                    const o = event.output;
                    if (o.kind === 'refused') return enqueue.assign({ notice: refusedScreen(s(context), o.reason, context.remoteExt) });
                    enqueue.assign({ notice: [s(context).remoteDone(context.remoteExt)] });
                    // the user dialled their own extension: this set's user is the one logged out
                    if (context.user?.ext === context.remoteExt) {
                      enqueue('dropLayout');
                      enqueue('clearUser');
                    }
                  }),
                },
                onError: { target: 'notice', actions: { type: 'setNotice', params: ({ context }) => [s(context).logoutRefused] } },
              },
            },
            notice: {
              entry: [({ context }) => show(context, context.notice), assign({ softkeys: [] })],
              after: { notice: 'home' },
              on: { key: { guard: 'dismissKey', target: 'home' } },
            },
          },
        },
      },
    },
  },
});

export type HotdeskMachine = typeof hotdeskMachine;
