// The hot desk session's parts: its context and events, guards, and the named actions its states use
// (screens on the display's `session` layer, requests to the link, the fields it opens on the entry pad). session.ts wires them.
import { assign, sendTo, setup, type AnyActorRef } from 'xstate';
import type { DisplayEvent } from '../display/display.ts';
import type { AnySystem } from '../system-binding.ts';
import { stringsFor, type HotdeskStrings } from '../display/strings.ts';
import { SYSTEM, type LinkEvent, type LinkReply, type ServiceNotice, type ServiceRequest, type SigPush } from '../service/events.ts';
import type { LoginResult, Message } from '../signalling/messages.ts';
import type { LoginMethod } from '../profile.ts';
import { isDialKey, matchDialed, type AccessCodes } from './dial-codes.ts';
import { ENTRY_TIMEOUT_MS, MAX_EXT_DIGITS, isSubmitKey } from './login-entry.ts';
import { userScreen } from './login-result-display.ts';
import { entryPad, type EntryField, type EntryPadCommand, type EntryPadReport } from './entry-pad.ts';
import { MAX_PIN_DIGITS } from './pin-buffer.ts';
import type { CallsDial, CallsUser } from '../calls/calls.ts';
import type { SessionCode } from '../calls/call.ts';
import type { AcdLogout, AcdUserOut, SessionAgentLogin, SessionAgentStatus } from '../acd/acd-types.ts';
import { matchAgentDialed, type AgentCodes, type SetAccessCodes } from '../acd/agent-codes.ts';
import { ACD_TEXT } from '../acd/acd-strings.ts';
import { MAX_AGENT_ID_DIGITS, isAgentSubmitKey } from '../acd/agent-entry.ts';

export interface SessionInput {
  loginMethod: LoginMethod;
  mac: string;
  /** Feature access codes (the register-ack carries none). Default login 222, logout 333, remote 111. */
  accessCodes?: Partial<SetAccessCodes>;
  /** The set's own DN ("" for none): a set with one (or a user) places calls with digits that are no code. */
  setDn?: string;
}

/** Calls -> session: the digits dialled off-hook so far; are they a hot desk access code? */
export interface SessionDialled {
  type: 'session.dialled';
  digits: string;
  replyTo: AnyActorRef;
}

export interface HotdeskUser {
  ext: string;
  name: string;
  language: string;
}

export type SessionEvent = { type: 'key'; key: string } | LinkReply | SigPush | ServiceNotice | EntryPadReport | SessionDialled | SessionAgentStatus | SessionAgentLogin;

export interface SessionContext {
  method: LoginMethod;
  mac: string;
  setDn: string;
  codes: AccessCodes;
  /** The ACD agent login and logout codes ("" for none). */
  agentCodes: AgentCodes;
  /** The entry open is an agent login (Agent Login key or code): `#` ends each field, the ID is 1-7 digits. */
  agentEntry: boolean;
  /** The ACD owner's status rows for the logged-in screen (MAKE BUSY, WORK TIMER), [] for none. */
  agentRows: string[];
  /** The dial plan's DN length (register-ack's dialDigits; 0: none): a remote logout's extension ends there. */
  dialDigits: number;
  /** The hot desk user logged in on this set. */
  user: HotdeskUser | undefined;
  /** The extension (or agent ID) typed, being logged in; "" while it is typed (the entry pad has it then). */
  entryExt: string;
  /** How many PIN digits were typed, once submitted; 0 once wiped (the digits are only ever the entry pad's). */
  pinLength: number;
  dialed: string;
  remoteExt: string;
  /** The controller accepted the logout for when the busy prime line is free. */
  logoutPending: boolean;
  /** Redirects this login has followed: one is the user's home; a second is a loop, and the login fails. */
  loginRedirects: number;
  /** Request ids: a late answer to an abandoned request is ignored. */
  seq: number;
  expect: string;
}

/** What the scenario runner and the panel read. */
export interface SessionView {
  user: HotdeskUser | undefined;
}

export const s = (ctx: SessionContext): HotdeskStrings => stringsFor(ctx.user?.language);
export const keyOf = (event: SessionEvent): string => (event.type === 'key' ? event.key : '');
export const answer = (ctx: SessionContext, event: SessionEvent): Message | undefined => (event.type === 'sig.answer' && event.id === ctx.expect ? event.msg : undefined);
export const result = (ctx: SessionContext, event: SessionEvent): LoginResult | undefined => {
  const m = answer(ctx, event);
  return m?.type === 'login-result' ? m : undefined;
};
/** What these dialled keys are to this set: its codes, and the extension length its controller's plan has. */
export const dialledAs = (ctx: SessionContext, digits: string) => matchDialed(digits, ctx.codes, ctx.dialDigits);
const offHookCode = (ctx: SessionContext, event: SessionEvent) => (event.type === 'session.dialled' ? dialledAs(ctx, event.digits).kind : undefined);
/** What these dialled keys are to the agent codes. */
export const agentDialled = (ctx: SessionContext, digits: string) => matchAgentDialed(digits, ctx.agentCodes).kind;
/** The agent code dialled: the digits a call asks about (session.dialled), else those dialled on-hook. */
const agentCode = (ctx: SessionContext, event: SessionEvent) => agentDialled(ctx, event.type === 'session.dialled' ? event.digits : ctx.dialed);
const pick = (ctx: SessionContext, p: { desk?: string[]; handset?: string[]; dial?: string[] }): string[] =>
  (ctx.method === 'dial' ? p.dial : ctx.method === 'handset-hotdesk-mode' ? p.handset : p.desk) ?? [];

/** A screen of the session layer: rows, the softkeys of this login style, the keys it takes. */
interface SessionScreen {
  rows: string[];
  softkeys?: { desk?: string[]; handset?: string[]; dial?: string[] };
  takes: string[];
}

/** The one owner of the screen, where every screen of the session goes. */
const theDisplay = ({ system }: { system: AnySystem }) => system.get(SYSTEM.display);

const effects = setup({
  types: {
    context: {} as SessionContext,
    input: {} as SessionInput,
    events: {} as SessionEvent,
  },
  actors: { entryPad },
  delays: { entry: ENTRY_TIMEOUT_MS },
  guards: {
    opensHotdeskMenu: ({ context, event }) => keyOf(event) === 'hotdesk' && context.method === 'hotdesk-key',
    handsetLogin: ({ context, event }) => context.method === 'handset-hotdesk-mode' && (keyOf(event) === 'login' || keyOf(event) === 'ok'),
    loginSoftkey: ({ event }) => keyOf(event) === 'login',
    logoutSoftkey: ({ context, event }) => keyOf(event) === 'logout' && context.method !== 'dial',
    dialKey: ({ event }) => isDialKey(keyOf(event)),
    cancelKey: ({ event }) => keyOf(event) === 'cancel',
    dialledLogin: ({ context }) => dialledAs(context, context.dialed).kind === 'login',
    dialledLogout: ({ context }) => dialledAs(context, context.dialed).kind === 'logout' && context.user !== undefined,
    dialledRemoteLogout: ({ context }) => dialledAs(context, context.dialed).kind === 'remote-logout',
    dialledPartial: ({ context }) => dialledAs(context, context.dialed).kind === 'partial' || agentDialled(context, context.dialed) === 'partial',
    // the agent codes, on-hook (dialCheck) or off-hook (session.dialled): a login opens on a free desk set only
    agentLoginOnHandset: ({ context, event }) => agentCode(context, event) === 'agent-login' && context.method === 'handset-hotdesk-mode',
    agentLoginInUse: ({ context, event }) => agentCode(context, event) === 'agent-login' && context.user !== undefined,
    agentLogin: ({ context, event }) => agentCode(context, event) === 'agent-login',
    agentLogout: ({ context, event }) => agentCode(context, event) === 'agent-logout',
    handset: ({ context }) => context.method === 'handset-hotdesk-mode',
    mayCall: ({ context }) => context.user !== undefined || context.setDn !== '',
    // the same rules for digits a call dialled off-hook (session.dialled)
    offHookLogin: ({ context, event }) => offHookCode(context, event) === 'login',
    offHookLogout: ({ context, event }) => offHookCode(context, event) === 'logout' && context.user !== undefined,
    offHookRemoteLogout: ({ context, event }) => offHookCode(context, event) === 'remote-logout',
    loggedIn: ({ context }) => context.user !== undefined,
    challenged: ({ context, event }) => answer(context, event)?.type === 'login-challenge',
    loginOk: ({ context, event }) => result(context, event)?.code === 'ok',
    loginRedirect: ({ context, event }) => {
      const r = result(context, event);
      return r?.code === 'redirect' && r.redirectIp !== '0.0.0.0' && r.redirectPort !== 0 && context.loginRedirects === 0;
    },
    loginAnswered: ({ context, event }) => result(context, event) !== undefined,
    strayAnswer: ({ context, event }) => answer(context, event) !== undefined,
    requestFailed: ({ context, event }) => event.type === 'sig.failed' && event.id === context.expect,
    logoutDone: ({ context, event }) => answer(context, event)?.type === 'logout-notice',
    logoutRefused: ({ context, event }) => answer(context, event)?.type === 'logout-refused',
    noticeForUser: ({ context, event }) => event.type === 'sig.push' && event.msg.type === 'logout-notice' && context.user !== undefined && event.msg.ext === context.user.ext,
    keepsScreen: ({ event }) => event.type === 'service.rehoming' && event.mode === 'failback',
  },
  actions: {
    trace: (_, _params: { message: string }) => {},
    publish: (_, _params: SessionView) => {},
    toDisplay: sendTo(theDisplay, (_, e: DisplayEvent) => e),
    toLink: sendTo(({ system }) => system.get(SYSTEM.link), (_, e: LinkEvent) => e),
    toService: sendTo(({ system }) => system.get(SYSTEM.service), (_, e: ServiceRequest) => e),
    toKeys: sendTo(({ system }) => system.get(SYSTEM.keys), (_, e: { type: 'keys.user-in' } | { type: 'keys.user-out' }) => e),
    toPad: sendTo('entryPad', (_, e: EntryPadCommand) => e),
    toCalls: sendTo(({ system }) => system.get(SYSTEM.calls), (_, e: CallsDial | CallsUser) => e),
    toAcd: sendTo(({ system }) => system.get(SYSTEM.acd), (_, e: AcdLogout | AcdUserOut) => e),
    /** The answer to a call's session.dialled: the digits are ours (taken), may become ours, or are not. */
    answerCode: sendTo(
      ({ event }) => (event.type === 'session.dialled' ? event.replyTo : undefined) as AnyActorRef,
      ({ event }, p: { kind: SessionCode['kind'] }): SessionCode => ({ type: 'session.code', digits: event.type === 'session.dialled' ? event.digits : '', kind: p.kind }),
    ),
    /** A result or refusal over the session's screen for a while (the display times it out). */
    notice: sendTo(theDisplay, (_, p: { rows: string[] }): DisplayEvent => ({ type: 'display.notice', rows: p.rows })),
    /** A request to the controller, named by the session's next id (bumpRequest then expects its answer). */
    ask: sendTo(
      ({ system }) => system.get(SYSTEM.link),
      ({ context, self }, p: { msg: Message }): LinkEvent => ({ type: 'sig.request', id: `session:${context.seq}`, msg: p.msg, replyTo: self }),
    ),
    bumpRequest: assign(({ context }) => ({ expect: `session:${context.seq}`, seq: context.seq + 1 })),
    beginAgentEntry: assign({ agentEntry: true }),
    resetEntry: assign({ entryExt: '', dialed: '', remoteExt: '', loginRedirects: 0, agentEntry: false }),
    dial: assign({ dialed: ({ context, event }) => context.dialed + keyOf(event) }),
    takeExt: assign({ entryExt: ({ event }) => (event.type === 'entry.typed' ? event.digits : '') }),
    takePinLength: assign({ pinLength: ({ event }) => (event.type === 'pin.typed' ? event.length : 0) }),
    takeRemoteExt: assign({
      remoteExt: ({ context, event }) => {
        const m = dialledAs(context, event.type === 'session.dialled' ? event.digits : context.dialed);
        return m.kind === 'remote-logout' ? m.ext : '';
      },
    }),
  },
});


/** What both fields of a login offer and take (the keys the display then hands the entry pad). */
const ENTRY = { softkeys: { desk: ['ok', 'cancel'], handset: ['ok', 'cancel'] }, takes: ['ok', 'cancel', 'dial'] };
/** The key that ends a field: `#` or OK for an agent, this login style's key for a hot desk user. */
const submitKeysOf = (ctx: SessionContext) => ['#', 'ok'].filter((k) => (ctx.agentEntry ? isAgentSubmitKey(k) : isSubmitKey(ctx.method, k)));

/** The extension field (the agent ID for an agent login): echoed, never blank. */
export function extField(ctx: SessionContext): EntryField {
  return {
    kind: 'digits',
    label: ctx.agentEntry ? ACD_TEXT.agentId : s(ctx).enterExt,
    maxDigits: ctx.agentEntry ? MAX_AGENT_ID_DIGITS : MAX_EXT_DIGITS,
    minDigits: 1,
    submitKeys: submitKeysOf(ctx),
    softkeys: pick(ctx, ENTRY.softkeys),
    takes: ENTRY.takes,
  };
}

/** The PIN field: masked, 0 to 8 digits. */
export function pinField(ctx: SessionContext): EntryField {
  return { kind: 'pin', label: s(ctx).enterPin, maxDigits: MAX_PIN_DIGITS, minDigits: 0, submitKeys: submitKeysOf(ctx), softkeys: pick(ctx, ENTRY.softkeys), takes: ENTRY.takes };
}

/** The session layer's display.show for a screen: who owns the layer, and the softkeys of this kind of set. */
function showEvent(context: SessionContext, self: AnyActorRef, screen: SessionScreen): DisplayEvent {
  return { type: 'display.show', layer: 'session', rows: screen.rows, softkeys: pick(context, screen.softkeys ?? {}), takes: screen.takes, masked: false, owner: self };
}

// A screen shown as one plain sendTo, not through enqueueActions: each key of a login repaints, and
// enqueueActions builds a fresh enqueue function with eight methods on every call.
const showing = (screen: (context: SessionContext) => SessionScreen) =>
  sendTo(
    theDisplay,
    ({ context, self }: { context: SessionContext; self: AnyActorRef }) => showEvent(context, self, screen(context)),
  );

export const session = effects.extend({
  actions: {
    showIdle: showing((context) => ({ rows: [s(context).noUser], softkeys: { handset: ['login'] }, takes: ['hotdesk', 'login', 'ok', 'dial'] })),
    showMenu: showing((context) => ({ rows: ['Hot Desking', s(context).noUser], softkeys: { desk: ['login', 'cancel'] }, takes: ['login', 'cancel'] })),
    showDialled: showing((context) => ({ rows: [context.dialed], takes: ['cancel', 'dial'] })),
    // the two fields of a login: the entry pad shows them and takes their keys until each is done
    openExt: sendTo('entryPad', ({ context }): EntryPadCommand => ({ type: 'entry.open', field: extField(context) })),
    openPin: sendTo('entryPad', ({ context }): EntryPadCommand => ({ type: 'entry.open', field: pinField(context) })),
    closeEntry: sendTo('entryPad', (): EntryPadCommand => ({ type: 'entry.close' })),
    showLoggingIn: showing((context) => ({ rows: [s(context).loggingIn, context.entryExt], takes: [] })),
    showUser: effects.enqueueActions(({ context, self, enqueue }) =>
      context.user ? enqueue({ type: 'toDisplay', params: showEvent(context, self, { rows: [...context.agentRows, ...userScreen(context.user)], softkeys: { desk: ['logout'], handset: ['logout'] }, takes: ['logout', 'hotdesk', 'dial'] }) }) : undefined,
    ),
    showLogoutMenu: showing((context) => ({ rows: ['Hot Desking', s(context).logoutConfirm], softkeys: { desk: ['logout', 'cancel'] }, takes: ['logout', 'cancel'] })),
    showLoggingOut: showing((context) => ({ rows: context.remoteExt ? [s(context).loggingOut, context.remoteExt] : [s(context).loggingOut], takes: [] })),
    hideScreen: sendTo(theDisplay, (): DisplayEvent => ({ type: 'display.clear', layer: 'session' })),
    cancelOwn: effects.enqueueActions(({ self, enqueue }) => {
      enqueue({ type: 'toLink', params: { type: 'sig.cancel', owner: self } });
      enqueue.assign({ expect: '' });
    }),
    wipePin: effects.enqueueActions(({ enqueue }) => {
      enqueue({ type: 'toPad', params: { type: 'pin.wipe' } });
      enqueue.assign({ pinLength: 0 });
    }),
    prove: effects.enqueueActions(({ context, event, enqueue }) => {
      const m = answer(context, event);
      if (m?.type === 'login-challenge') enqueue({ type: 'toPad', params: { type: 'pin.prove', nonce: m.nonce, ext: context.entryExt, mac: context.mac } });
    }),
    userIn: effects.enqueueActions(({ context, event, enqueue }) => {
      const r = result(context, event);
      if (!r) return;
      const user = { ext: r.ext, name: r.name, language: r.language };
      enqueue({ type: 'trace', params: { message: `user ${r.ext} logged in` } });
      enqueue.assign({ user, entryExt: '' });
      enqueue({ type: 'toKeys', params: { type: 'keys.user-in' } });
      enqueue({ type: 'toService', params: { type: 'service.user', ext: user.ext, token: Buffer.from(r.token).toString('hex') } });
      enqueue({ type: 'toCalls', params: { type: 'calls.user', ext: user.ext } });
      enqueue({ type: 'publish', params: { user } });
    }),
    userOut: effects.enqueueActions(({ enqueue }) => {
      enqueue.assign({ user: undefined, logoutPending: false, agentRows: [] });
      enqueue({ type: 'toAcd', params: { type: 'acd.user-out' } });
      enqueue({ type: 'toKeys', params: { type: 'keys.user-out' } });
      enqueue({ type: 'toService', params: { type: 'service.user', ext: '', token: '' } });
      enqueue({ type: 'toCalls', params: { type: 'calls.user', ext: '' } });
      enqueue({ type: 'publish', params: { user: undefined } });
    }),
  },
});

