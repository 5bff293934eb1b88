// The hot desk session: the login prompt with PIN entry, the user logged in on this set, and logout in
// all its forms (the logout code or softkey, remote logout of another set's user, and the controller's
// own logout notices). It shows its screens on the display's `session` layer and gets the keys that
// layer takes; results go on the `notice` layer, which times out to the screen below. The PIN lives in
// the entry pad (entry-pad.ts), never in this context: the pad shows the extension and PIN fields and
// takes their keys, and the session hears once per field. An ACD agent logs in here too, with the agent
// ID in place of the extension (the ACD owner, firmware/acd/acd.ts, takes the agent's state from there on).
//
//   offline --service.in-service--> home --> idle | loggedIn
//   idle --HotDesking--> hotdeskMenu --Login--> entering.ext --entry.typed--> entering.pin --pin.typed--> authenticating
//   entering --entry.cancel / entry.timeout (the pad's: Cancel, 30 s without a key)--> home
//   idle --dial keys--> dialCheck --login code--> entering | --logout code--> loggingOut
//                                 --remote logout FAC + ext #--> remoteLogout | partial --> dialing
//                                 --agent-login code--> entering (agent: ID #, PIN #) | --agent-logout code--> ACD
//   idle --session.agent-login (the Agent Login key)--> entering (agent);  logged in: refused (no log-over)
//   authenticating: begin --challenge--> proving --proof--> answering --login-result--> loggedIn | notice
//                   --redirect--> redirected --service.in-service--> authenticating (same PIN)
//   loggedIn --Logout / HotDesking, Logout / logout code--> loggingOut --> home (notice on top)
//   any --service.rehoming--> offline (entry abandoned, PIN wiped);  a logout notice --> home
import { assign, enqueueActions } from 'xstate';
import { DEFAULT_ACCESS_CODES, codesFor } from './dial-codes.ts';
import { failureScreen } from './login-result-display.ts';
import { noticeScreen, refusedScreen } from './logout.ts';
import type { LogoutReason } from '../signalling/messages.ts';
import { agentDialled, answer, dialledAs, result, s, session, type SessionContext, type SessionEvent } from './session-setup.ts';
import { ACD_TEXT } from '../acd/acd-strings.ts';
import { agentCodesOf } from '../acd/agent-codes.ts';

export type { HotdeskUser, SessionInput, SessionView } from './session-setup.ts';

const logoutRequest = (reason: LogoutReason, ext: (c: SessionContext) => string) => [
  { type: 'ask' as const, params: ({ context }: { context: SessionContext }) => ({ msg: { type: 'logout-request' as const, reason, ext: ext(context) } }) },
  'bumpRequest' as const,
];
const noticeOf = (rows: (c: SessionContext, e: SessionEvent) => string[]) => ({
  type: 'notice' as const,
  params: ({ context, event }: { context: SessionContext; event: SessionEvent }) => ({ rows: rows(context, event) }),
});

const TAKEN = { type: 'answerCode' as const, params: { kind: 'taken' as const } };
/** The agent codes, dialled on-hook (dialCheck, taken: []) or off-hook (taken from the call): an agent login opens on a free desk set only. */
const agentCodes = (taken: readonly (typeof TAKEN)[]) => [
  { guard: 'agentLoginOnHandset' as const, target: '#session.home', actions: [...taken, { type: 'notice' as const, params: { rows: [...ACD_TEXT.notSupported] } }] },
  { guard: 'agentLoginInUse' as const, target: '#session.home', actions: [...taken, { type: 'notice' as const, params: { rows: [...ACD_TEXT.setInUse] } }] },
  { guard: 'agentLogin' as const, target: '#session.entering', actions: [...taken, 'beginAgentEntry' as const] },
  { guard: 'agentLogout' as const, target: '#session.home', actions: [...taken, { type: 'toAcd' as const, params: { type: 'acd.logout' as const } }] },
];

/** Digits a call dialled off-hook: a whole access code is the session's (the call drops its dial tone). */
const OFF_HOOK_CODES = [
  { guard: 'offHookLogin' as const, target: '#session.entering', actions: { type: 'answerCode' as const, params: { kind: 'taken' as const } } },
  { guard: 'offHookLogout' as const, target: '#session.loggingOut', actions: { type: 'answerCode' as const, params: { kind: 'taken' as const } } },
  { guard: 'offHookRemoteLogout' as const, target: '#session.remoteLogout', actions: ['takeRemoteExt' as const, { type: 'answerCode' as const, params: { kind: 'taken' as const } }] },
  ...agentCodes([TAKEN]),
  {
    actions: {
      type: 'answerCode' as const,
      params: ({ context, event }: { context: SessionContext; event: SessionEvent }) => ({
        kind:
          event.type === 'session.dialled' && (dialledAs(context, event.digits).kind === 'partial' || agentDialled(context, event.digits) === 'partial') ? ('partial' as const) : ('none' as const),
      }),
    },
  },
];

export const sessionMachine = session.createMachine({
  id: 'session',
  context: ({ input }) => ({
    method: input.loginMethod,
    mac: input.mac,
    setDn: input.setDn ?? '',
    // the handsets log in and out in HotDesk phone mode only: no login or logout code (dial-codes.ts)
    codes: codesFor(input.loginMethod, { ...DEFAULT_ACCESS_CODES, ...input.accessCodes }),
    agentCodes: agentCodesOf(input.accessCodes),
    agentEntry: false,
    agentRows: [],
    dialDigits: 0,
    user: undefined,
    entryExt: '',
    pinLength: 0,
    dialed: '',
    remoteExt: '',
    logoutPending: false,
    loginRedirects: 0,
    seq: 1,
    expect: '',
  }),
  invoke: { id: 'entryPad', src: 'entryPad' },
  entry: { type: 'publish', params: { user: undefined } },
  on: {
    'service.rehoming': [
      // fail-back is quiet: the screen stays, but what was typed is abandoned like any re-home's
      { guard: 'keepsScreen', target: '.offline', actions: ['cancelOwn', 'wipePin', 'resetEntry'] },
      { target: '.offline', actions: ['cancelOwn', 'wipePin', 'resetEntry', 'hideScreen'] },
    ],
    'sig.push': {
      guard: 'noticeForUser',
      target: '.home',
      actions: [
        { type: 'trace', params: ({ event }) => ({ message: `logged out by the controller: ${event.type === 'sig.push' && event.msg.type === 'logout-notice' ? event.msg.reason : ''}` }) },
        noticeOf((c, e) => (e.type === 'sig.push' && e.msg.type === 'logout-notice' ? noticeScreen(s(c), e.msg) : [])),
        'userOut',
      ],
    },
    // each controller's register-ack says how long its extensions are (a remote logout ends there)
    // (and the set's own DN: Automatic DN Selection may have given it one, and a set with a DN may call)
    'service.registered': { actions: assign({ dialDigits: ({ event }) => event.dialPlan.dialDigits, setDn: ({ context, event }) => event.dn ?? context.setDn }) },
    'session.agent-status': { actions: assign({ agentRows: ({ event }) => event.rows }) },
    // the Agent Login key with someone logged in: no log-over (during an entry it does nothing)
    'session.agent-login': { guard: 'loggedIn', actions: { type: 'notice', params: { rows: [...ACD_TEXT.setInUse] } } },
    'pin.refused': { actions: { type: 'trace', params: { message: 'PIN key refused' } } },
    // digits a call dials off-hook while the session is busy with something else are not ours
    'session.dialled': { actions: { type: 'answerCode', params: { kind: 'none' } } },
  },
  initial: 'offline',
  states: {
    offline: {
      on: { 'service.in-service': 'home' },
    },
    home: {
      entry: ['resetEntry', 'wipePin'],
      always: [{ guard: 'loggedIn', target: 'loggedIn' }, { target: 'idle' }],
    },
    idle: {
      entry: 'showIdle',
      on: {
        'session.dialled': OFF_HOOK_CODES,
        key: [
          { guard: 'opensHotdeskMenu', target: 'hotdeskMenu' },
          { guard: 'handsetLogin', target: 'entering' },
          { guard: 'dialKey', target: 'dialCheck', actions: 'dial' },
        ],
        'session.agent-login': [
          { guard: 'handset', actions: { type: 'notice', params: { rows: [...ACD_TEXT.notSupported] } } },
          { target: 'entering', actions: 'beginAgentEntry' },
        ],
      },
    },
    hotdeskMenu: {
      entry: 'showMenu',
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
        { guard: 'dialledRemoteLogout', target: 'remoteLogout', actions: 'takeRemoteExt' },
        ...agentCodes([]),
        { guard: 'dialledPartial', target: 'dialing' },
        // digits that are no code of ours: a set that can call dials them (pre-dialling)
        { guard: 'mayCall', target: 'home', actions: { type: 'toCalls', params: ({ context }) => ({ type: 'calls.dial', digits: context.dialed }) } },
        { target: 'home', actions: noticeOf((c) => [s(c).invalidCode]) },
      ],
    },
    dialing: {
      entry: 'showDialled',
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
      entry: assign({ dialed: '' }),
      // left for any reason (done, cancelled, timed out, re-homed, logged out by the controller): the
      // pad takes no more keys and its wait stops; the PIN stays there until used or wiped
      exit: 'closeEntry',
      initial: 'ext',
      on: {
        'entry.cancel': '#session.home',
        'entry.timeout': '#session.home',
      },
      states: {
        ext: {
          entry: 'openExt',
          on: { 'entry.typed': { target: 'pin', actions: 'takeExt' } },
        },
        pin: {
          entry: 'openPin',
          on: { 'pin.typed': { target: '#session.authenticating', actions: 'takePinLength' } },
        },
      },
    },
    authenticating: {
      entry: 'showLoggingIn',
      initial: 'begin',
      states: {
        begin: {
          entry: [{ type: 'ask', params: ({ context }) => ({ msg: { type: 'login-begin', ext: context.entryExt } }) }, 'bumpRequest'],
          on: { 'sig.answer': { guard: 'challenged', target: 'proving', actions: 'prove' } },
        },
        proving: {
          on: {
            'pin.proof': {
              target: 'answering',
              actions: [{ type: 'ask', params: ({ context, event }) => ({ msg: { type: 'login', ext: context.entryExt, hmac: event.hmac } }) }, 'bumpRequest'],
            },
          },
        },
        answering: {},
      },
      on: {
        'sig.answer': [
          { guard: 'loginOk', target: 'loggedIn', actions: ['wipePin', 'userIn'] },
          {
            guard: 'loginRedirect',
            target: 'redirected',
            actions: [assign({ loginRedirects: ({ context }) => context.loginRedirects + 1 }), {
              type: 'toService',
              params: ({ context, event }) => {
                const r = result(context, event);
                return { type: 'service.redirect', to: { ip: r?.redirectIp ?? '', port: r?.redirectPort ?? 0 } };
              },
            }],
          },
          {
            guard: 'loginAnswered',
            target: 'home',
            actions: [
              { type: 'trace', params: ({ context, event }) => ({ message: `login of ${context.entryExt} failed: ${result(context, event)?.code}` }) },
              'wipePin',
              noticeOf((c, e) => {
                const r = result(c, e);
                return r ? failureScreen(s(c), r) : [s(c).loginFailed];
              }),
            ],
          },
          {
            guard: 'strayAnswer',
            target: 'home',
            actions: [
              { type: 'trace', params: ({ context, event }) => ({ message: `login failed: answered by ${answer(context, event)?.type}` }) },
              'wipePin',
              noticeOf((c) => [s(c).loginFailed]),
            ],
          },
        ],
        'sig.failed': {
          guard: 'requestFailed',
          target: 'home',
          actions: [{ type: 'trace', params: { message: 'login failed: no answer' } }, 'wipePin', noticeOf((c) => [s(c).loginFailed])],
        },
      },
    },
    /** The user's home controller has them: the phone re-homes there and finishes the login (same PIN). */
    redirected: {
      // a home controller that never takes the phone: the login is abandoned and the PIN wiped (home)
      after: { entry: 'home' },
      on: {
        'service.rehoming': {},
        'service.in-service': 'authenticating',
      },
    },
    loggedIn: {
      entry: [assign({ dialed: '' }), 'showUser'],
      on: {
        'session.dialled': OFF_HOOK_CODES,
        // the agent's state changed: MAKE BUSY, WORK TIMER or nothing above the user
        'session.agent-status': { target: 'loggedIn', reenter: true, actions: assign({ agentRows: ({ event }) => event.rows }) },
        key: [
          { guard: 'logoutSoftkey', target: 'loggingOut' },
          { guard: 'opensHotdeskMenu', target: 'logoutMenu' },
          { guard: 'dialKey', target: 'dialCheck', actions: 'dial' },
        ],
      },
    },
    logoutMenu: {
      entry: 'showLogoutMenu',
      after: { entry: 'home' },
      on: {
        key: [
          { guard: 'logoutSoftkey', target: 'loggingOut' },
          { guard: 'cancelKey', target: 'home' },
        ],
      },
    },
    loggingOut: {
      entry: ['showLoggingOut', ...logoutRequest('user', (c) => c.user?.ext ?? '')],
      on: {
        'sig.answer': [
          { guard: 'logoutDone', target: 'home', actions: [noticeOf((c) => [s(c).loggedOut]), 'userOut'] },
          {
            guard: 'logoutRefused',
            target: 'home',
            actions: [
              assign({
                logoutPending: ({ context, event }) => {
                  const m = answer(context, event);
                  return m?.type === 'logout-refused' && m.reason === 'busy';
                },
              }),
              noticeOf((c, e) => {
                const m = answer(c, e);
                return m?.type === 'logout-refused' ? refusedScreen(s(c), m.reason, c.user?.ext ?? '') : [];
              }),
            ],
          },
          { guard: 'strayAnswer', target: 'home', actions: noticeOf((c) => [s(c).logoutRefused]) },
        ],
        'sig.failed': { guard: 'requestFailed', target: 'home', actions: noticeOf((c) => [s(c).logoutRefused]) },
      },
    },
    remoteLogout: {
      entry: ['showLoggingOut', ...logoutRequest('remote', (c) => c.remoteExt)],
      on: {
        'sig.answer': [
          {
            guard: 'logoutRefused',
            target: 'home',
            actions: noticeOf((c, e) => {
              const m = answer(c, e);
              return m?.type === 'logout-refused' ? refusedScreen(s(c), m.reason, c.remoteExt) : [];
            }),
          },
          {
            guard: 'logoutDone',
            target: 'home',
            actions: [
              noticeOf((c) => [s(c).remoteDone(c.remoteExt)]),
              // the user dialled their own extension: this set's user is the one logged out
              enqueueActions(({ context, enqueue }) => {
                if (context.user?.ext === context.remoteExt) enqueue('userOut');
              }),
            ],
          },
          { guard: 'strayAnswer', target: 'home', actions: noticeOf((c) => [s(c).logoutRefused]) },
        ],
        'sig.failed': { guard: 'requestFailed', target: 'home', actions: noticeOf((c) => [s(c).logoutRefused]) },
      },
    },
  },
});

export type SessionMachine = typeof sessionMachine;
