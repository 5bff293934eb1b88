// One call's parts: its input, context and events, guards, and the named actions its states use
// (requests to the link, reports to the calls owner, the digits offered to the session). call.ts wires
// them into the machine.
import { assign, sendParent, sendTo, setup } from 'xstate';
import { DIAL_PAUSE_MS, numberComplete, userlessMayCall } from './dial-plan.ts';
import type { CallState } from './view.ts';
import { SYSTEM, type LinkEvent, type LinkReply, type SigPush } from '../service/events.ts';
import type { Message, ReleaseCause, RingType } from '../signalling/messages.ts';
/** How a call ended: a release cause, or `feature` (the digits were a hot desk access code). */
export type CallEnd = ReleaseCause | 'feature' | 'no-answer-from-controller';

export interface CallInput {
  /** The owner's name for the call (stable while the controller has not named it yet). */
  local: number;
  callId: number;
  line: number;
  /** The DN of the line the call is on, and the far DN. */
  dn: string;
  party: string;
  start: 'dialling' | 'ringing' | 'waiting' | 'ringback' | 'picking';
  ring: RingType;
  /** Digits already dialled (pre-dialling, Alarm); with `complete` they go out at once. */
  digits: string;
  complete: boolean;
  /** Whether the digits must first be offered to the session as a hot desk access code. */
  codes: boolean;
  dialDigits: number;
  /** Nobody logged in and no DN of the set's own: the operator and emergency numbers only. */
  userless: boolean;
  alarmDn: string;
  /** The Alarm key's call (to alarmDn): the one call a handset with nobody logged in may make. */
  alarm: boolean;
}

/** The session's answer to session.dialled: the digits are its access code, could become one, or are not. */
export interface SessionCode {
  type: 'session.code';
  digits: string;
  kind: 'taken' | 'partial' | 'none';
}

export type CallCommand =
  | { type: 'call.digit'; key: string }
  | { type: 'call.answer' }
  | { type: 'call.hold' }
  | { type: 'call.retrieve' }
  | { type: 'call.drop' }
  | { type: 'call.unwait' }
  | { type: 'call.transfer'; other: number }
  | { type: 'call.join'; other: number }
  | { type: 'call.joined' }
  | { type: 'call.gone'; cause: ReleaseCause };

export type CallEvent = CallCommand | SessionCode | LinkReply | SigPush;

export interface CallChanged {
  type: 'call.changed';
  local: number;
  callId: number;
  party: string;
  state: CallState;
  dialled: string;
  ringer: boolean;
}
export interface CallEnded {
  type: 'call.ended';
  local: number;
  callId: number;
  party: string;
  cause: CallEnd;
}

/** How the call's number is dialled: fixed for the call, grouped so the context stays under 20 fields. */
export type DialRules = Pick<CallInput, 'codes' | 'dialDigits' | 'userless' | 'alarmDn' | 'alarm'>;

// Fewer than 20 top-level fields: XState copies the context on every assign, and V8 makes a copy of 20
// or more named fields a dictionary, about 20 times slower (test/firmware/context-shape.test.ts).
export interface CallContext extends Omit<CallInput, keyof DialRules | 'digits'> {
  rules: DialRules;
  dialled: string;
  ringer: boolean;
  shown: CallState;
  seq: number;
  expect: string;
  /** Whether the digits so far could still be an access code (asked of the session). */
  codePending: boolean;
  cause: CallEnd;
}

const pushed = (e: CallEvent): Message | undefined => (e.type === 'sig.push' ? e.msg : undefined);
export const answered = (c: CallContext, e: CallEvent): Message | undefined => (e.type === 'sig.answer' && e.id === c.expect ? e.msg : undefined);
export const acked = (c: CallContext, e: CallEvent) => {
  const m = answered(c, e);
  return m?.type === 'ack' && m.status === 'ok';
};
export const refusedOrFailed = (c: CallContext, e: CallEvent) => (answered(c, e) !== undefined && !acked(c, e)) || (e.type === 'sig.failed' && e.id === c.expect);
const digitKey = (e: CallEvent) => (e.type === 'call.digit' && /^[0-9*]$/.test(e.key) ? e.key : '');
/** While the digits may still be an access code, `#` is part of them (remote logout ends with it). */
const codeHash = (c: CallContext, e: CallEvent) => e.type === 'call.digit' && e.key === '#' && c.rules.codes && c.dialled !== '';

const effects = setup({
  types: { context: {} as CallContext, input: {} as CallInput, events: {} as CallEvent },
  delays: { pause: DIAL_PAUSE_MS },
  guards: {
    ends: ({ context, event }) => event.type === 'call.digit' && (event.key === '#' || event.key === 'ok') && context.dialled !== '' && !codeHash(context, event),
    digit: ({ context, event }) => digitKey(event) !== '' || codeHash(context, event),
    codeTaken: ({ context, event }) => event.type === 'session.code' && event.digits === context.dialled && event.kind === 'taken',
    codeAnswer: ({ context, event }) => event.type === 'session.code' && event.digits === context.dialled,
    ready: ({ context }) => context.dialled !== '' && !context.codePending && (context.complete || numberComplete(context.dialled, context.rules.dialDigits)),
    paused: ({ context }) => context.dialled !== '',
    forbidden: ({ context }) => context.rules.userless && !context.rules.alarm && !userlessMayCall(context.dialled),
    ringingBack: ({ context, event }) => answered(context, event)?.type === 'call-alerting',
    setupReleased: ({ context, event }) => answered(context, event)?.type === 'call-release',
    setupLost: ({ context, event }) => answered(context, event) !== undefined || (event.type === 'sig.failed' && event.id === context.expect),
    acked: ({ context, event }) => acked(context, event),
    refused: ({ context, event }) => refusedOrFailed(context, event),
    answeredBy: ({ event }) => pushed(event)?.type === 'call-connect',
    alerted: ({ event }) => pushed(event)?.type === 'call-alerting',
    conferenced: ({ event }) => pushed(event)?.type === 'call-conference',
    released: ({ event }) => pushed(event)?.type === 'call-release',
    replied: ({ context, event }) => answered(context, event) !== undefined || (event.type === 'sig.failed' && event.id === context.expect),
  },
  actions: {
    toLink: sendTo(({ system }) => system.get(SYSTEM.link), (_, e: LinkEvent) => e),
    /** The digits so far, to the session: are they a hot desk access code? */
    askSession: sendTo(
      ({ system }) => system.get(SYSTEM.session),
      ({ context, self }) => ({ type: 'session.dialled' as const, digits: context.dialled, replyTo: self }),
    ),
    /** A request about this call, named by the call's next id (`bump` then expects its answer). */
    ask: sendTo(
      ({ system }) => system.get(SYSTEM.link),
      ({ context, self }, p: { msg: Message }): LinkEvent => ({ type: 'sig.request', id: `call:${context.local}:${context.seq}`, msg: p.msg, replyTo: self }),
    ),
    bump: assign(({ context }) => ({ expect: `call:${context.local}:${context.seq}`, seq: context.seq + 1 })),
    /** Tells the owner what the call shows now. */
    report: sendParent(({ context }): CallChanged => ({
      type: 'call.changed',
      local: context.local,
      callId: context.callId,
      party: context.party,
      state: context.shown,
      dialled: context.dialled,
      ringer: context.ringer,
    })),
    finish: sendParent(({ context }): CallEnded => ({ type: 'call.ended', local: context.local, callId: context.callId, party: context.party, cause: context.cause })),
  },
});

export const callParts = effects.extend({
  actions: {
    addDigit: assign(({ context, event }) => ({ dialled: context.dialled + (codeHash(context, event) ? '#' : digitKey(event)), codePending: context.rules.codes })),
    takeCodeAnswer: assign(({ context, event }) => {
      const partial = event.type === 'session.code' && event.kind === 'partial';
      // a `#` the session did not want ends the number, as it would have at once
      if (!partial && context.dialled.endsWith('#')) return { codePending: false, codes: false, dialled: context.dialled.slice(0, -1), complete: true };
      return { codePending: partial, codes: partial };
    }),
    takeSetupAnswer: assign(({ context, event }) => {
      const m = answered(context, event);
      return m && 'callId' in m ? { callId: m.callId } : {};
    }),
    takeParty: assign(({ context, event }) => {
      const m = pushed(event);
      if (m?.type !== 'call-connect' && m?.type !== 'call-alerting') return {};
      // the far end is whichever of the two DNs is not this line's
      return { party: m.fromDn === context.dn ? m.toDn : m.fromDn };
    }),
    causeOf: assign({
      cause: ({ context, event }) => {
        const m = pushed(event) ?? answered(context, event);
        if (m?.type === 'call-release') return m.cause;
        if (event.type === 'call.gone') return event.cause;
        return context.cause;
      },
    }),
    show: assign({ shown: (_, p: { state: CallState }) => p.state }),
  },
});

