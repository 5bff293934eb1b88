// One call on this set, from dial tone (or the offer) to its release. The calls owner (calls.ts) spawns
// one per call, hands it the keys meant for it as call.* events and the controller's pushes for its
// call id; the call asks the link itself (its requests, its answers) and tells the owner each state it
// shows (call.changed) and how it ended (call.ended). The screen, the lamps and the hook are the owner's.
//
//   dialling --digit--> (codes? ask the session: partial / none / taken) --complete--> sending
//   sending --call-alerting--> ringback --call-connect--> connected
//           --call-release (busy, unreachable, ...)--> done
//   ringing | waiting --answer--> answering --ack ok--> connected        (an offer: waiting while another
//   connected --hold--> holding --ack--> held --retrieve--> retrieving --ack--> connected   call is up)
//   connected | ringback --transfer {other}--> transferring --ack ok--> done (transferred)
//   connected | ringback --join {other}--> joining --ack ok--> conference
//   any --drop--> releasing --ack / no answer--> done;  any --call-release pushed--> done
import { assign, enqueueActions, sendParent, sendTo, setup } from 'xstate';
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

type CallEvent = CallCommand | SessionCode | LinkReply | SigPush;

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

interface CallContext extends CallInput {
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
const answered = (c: CallContext, e: CallEvent): Message | undefined => (e.type === 'sig.answer' && e.id === c.expect ? e.msg : undefined);
const acked = (c: CallContext, e: CallEvent) => {
  const m = answered(c, e);
  return m?.type === 'ack' && m.status === 'ok';
};
const refusedOrFailed = (c: CallContext, e: CallEvent) => (answered(c, e) !== undefined && !acked(c, e)) || (e.type === 'sig.failed' && e.id === c.expect);
const digitKey = (e: CallEvent) => (e.type === 'call.digit' && /^[0-9*]$/.test(e.key) ? e.key : '');

const effects = setup({
  types: { context: {} as CallContext, input: {} as CallInput, events: {} as CallEvent },
  delays: { pause: DIAL_PAUSE_MS },
  guards: {
    ends: ({ context, event }) => event.type === 'call.digit' && (event.key === '#' || event.key === 'ok') && context.dialled !== '',
    digit: ({ event }) => digitKey(event) !== '',
    codeTaken: ({ context, event }) => event.type === 'session.code' && event.digits === context.dialled && event.kind === 'taken',
    codeAnswer: ({ context, event }) => event.type === 'session.code' && event.digits === context.dialled,
    ready: ({ context }) => context.dialled !== '' && !context.codePending && (context.complete || numberComplete(context.dialled, context.dialDigits)),
    paused: ({ context }) => context.dialled !== '',
    forbidden: ({ context }) => context.userless && !userlessMayCall(context.dialled, context.alarmDn),
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

const calls = effects.extend({
  actions: {
    addDigit: assign(({ context, event }) => ({ dialled: context.dialled + digitKey(event), codePending: context.codes })),
    takeCodeAnswer: assign({ codePending: ({ event }) => event.type === 'session.code' && event.kind === 'partial', codes: ({ event }) => event.type === 'session.code' && event.kind === 'partial' }),
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

type Ctx = { context: CallContext; event: CallEvent };
/** A request about this call, then expecting its answer. */
const ASK = (msg: (a: Ctx) => Message) => [{ type: 'ask' as const, params: (a: Ctx) => ({ msg: msg(a) }) }, 'bump' as const];
const callMsg = (c: CallContext) => ({ callId: c.callId, line: c.line, fromDn: c.dn, toDn: c.party });
const SHOW = (state: CallState) => [{ type: 'show' as const, params: { state } }, 'report' as const];
const RELEASED = { guard: 'released' as const, target: '#call.done', actions: 'causeOf' as const };
const DROP = { target: '#call.releasing' };
/** The consultation call asks: join the held call `other`'s far end to this one's (transfer), or all three. */
const TRANSFER = {
  target: '#call.transferring',
  actions: ASK(({ context, event }) => ({ type: 'call-transfer', ...callMsg(context), callId: event.type === 'call.transfer' ? event.other : 0, otherCallId: context.callId })),
};
const JOIN = {
  target: '#call.joining',
  actions: ASK(({ context, event }) => ({ type: 'call-conference', ...callMsg(context), callId: event.type === 'call.join' ? event.other : 0, otherCallId: context.callId })),
};

export const callMachine = calls.createMachine({
  id: 'call',
  context: ({ input }) => ({
    ...input,
    dialled: input.digits,
    ringer: input.start === 'ringing' && input.ring === 'ring',
    shown: input.start === 'picking' ? 'held' : input.start,
    seq: 1,
    expect: '',
    codePending: false,
    cause: 'normal',
  }),
  initial: 'route',
  states: {
    route: {
      always: [
        { guard: ({ context }) => context.start === 'ringing', target: 'ringing' },
        { guard: ({ context }) => context.start === 'waiting', target: 'waiting' },
        { guard: ({ context }) => context.start === 'ringback', target: 'ringback' },
        { guard: ({ context }) => context.start === 'picking', target: 'retrieving' },
        { target: 'dialling' },
      ],
    },
    dialling: {
      entry: SHOW('dialling'),
      initial: 'collecting',
      on: { 'call.drop': { target: 'done', actions: assign({ cause: 'normal' }) } },
      states: {
        collecting: {
          always: [
            { guard: 'ready', target: 'check' },
          ],
          after: { pause: { guard: 'paused', target: 'check' } },
          on: {
            'call.digit': [
              { guard: 'ends', target: 'check', actions: assign({ codePending: false, complete: true }) },
              {
                guard: 'digit',
                target: 'collecting',
                reenter: true,
                actions: [
                  'addDigit',
                  'report',
                  enqueueActions(({ context, enqueue }) => {
                    if (context.codePending) enqueue('askSession');
                  }),
                ],
              },
            ],
            'session.code': [
              { guard: 'codeTaken', target: '#call.done', actions: assign({ cause: 'feature' }) },
              { guard: 'codeAnswer', target: 'collecting', reenter: true, actions: 'takeCodeAnswer' },
            ],
          },
        },
        check: {
          always: [
            { guard: 'forbidden', target: '#call.done', actions: assign({ cause: 'not-allowed' }) },
            { target: 'sending' },
          ],
        },
        sending: {
          entry: ASK(({ context }) => ({ type: 'call-setup', callId: 0, line: context.line, fromDn: context.dn, toDn: context.dialled, ring: 'ring' })),
          on: {
            'sig.answer': [
              { guard: 'ringingBack', target: '#call.ringback', actions: ['takeSetupAnswer', assign({ party: ({ context }) => context.dialled })] },
              { guard: 'setupReleased', target: '#call.done', actions: ['takeSetupAnswer', assign({ party: ({ context }) => context.dialled }), 'causeOf'] },
              { guard: 'setupLost', target: '#call.done', actions: assign({ cause: 'unreachable' }) },
            ],
            'sig.failed': { guard: 'setupLost', target: '#call.done', actions: assign({ cause: 'unreachable' }) },
          },
        },
      },
    },
    ringback: {
      entry: SHOW('ringback'),
      on: {
        'sig.push': [{ guard: 'answeredBy', target: 'connected', actions: 'takeParty' }, { guard: 'alerted', actions: ['takeParty', 'report'] }, RELEASED, { guard: 'conferenced', target: 'conference' }],
        'call.drop': DROP,
        'call.transfer': TRANSFER,
        'call.join': JOIN,
      },
    },
    ringing: {
      entry: SHOW('ringing'),
      on: {
        'call.answer': 'answering',
        // call-alerting: a delay-ring starts ringing now; after a blind transfer it names the new caller
        'sig.push': [{ guard: 'alerted', actions: [assign({ ringer: ({ context }) => context.ring !== 'no-ring' }), 'takeParty', 'report'] }, RELEASED],
      },
    },
    waiting: {
      entry: [assign({ ringer: false }), ...SHOW('waiting')],
      on: {
        'call.answer': 'answering',
        'call.unwait': { target: 'ringing', actions: assign({ ringer: ({ context }) => context.ring === 'ring' }) },
        'sig.push': RELEASED,
      },
    },
    answering: {
      entry: [assign({ ringer: false }), ...ASK(({ context }) => ({ type: 'call-connect', ...callMsg(context) }))],
      on: {
        'sig.answer': [{ guard: 'acked', target: 'connected' }, { guard: 'refused', target: 'done', actions: assign({ cause: 'answered-elsewhere' }) }],
        'sig.failed': { guard: 'refused', target: 'done', actions: assign({ cause: 'unreachable' }) },
        'sig.push': RELEASED,
        'call.drop': DROP,
      },
    },
    connected: {
      entry: SHOW('connected'),
      on: {
        'call.hold': 'holding',
        'call.drop': DROP,
        'call.transfer': TRANSFER,
        'call.join': JOIN,
        'sig.push': [{ guard: 'answeredBy', actions: ['takeParty', 'report'] }, { guard: 'conferenced', target: 'conference' }, RELEASED],
      },
    },
    holding: {
      entry: ASK(({ context }) => ({ type: 'call-hold', ...callMsg(context) })),
      on: {
        'sig.answer': [{ guard: 'acked', target: 'held' }, { guard: 'refused', target: 'connected' }],
        'sig.failed': { guard: 'refused', target: 'connected' },
        'sig.push': RELEASED,
        'call.drop': DROP,
      },
    },
    held: {
      entry: SHOW('held'),
      on: {
        'call.retrieve': 'retrieving',
        'call.drop': DROP,
        'call.joined': 'conference',
        'call.gone': { target: 'done', actions: 'causeOf' },
        'sig.push': [{ guard: 'answeredBy', actions: ['takeParty', 'report'] }, RELEASED],
      },
    },
    retrieving: {
      entry: ASK(({ context }) => ({ type: 'call-resume', ...callMsg(context) })),
      on: {
        'sig.answer': [
          { guard: 'acked', target: 'connected' },
          // a pick-up another set beat us to: the call is not ours
          { guard: ({ context, event }) => refusedOrFailed(context, event) && context.start === 'picking', target: 'done', actions: assign({ cause: 'picked-up' }) },
          { guard: 'refused', target: 'held' },
        ],
        'sig.failed': [{ guard: ({ context }) => context.start === 'picking', target: 'done', actions: assign({ cause: 'unreachable' }) }, { guard: 'refused', target: 'held' }],
        'sig.push': RELEASED,
        'call.drop': DROP,
      },
    },
    /** A transfer asked of the controller (this is the consultation call): done once it is. */
    transferring: {
      on: {
        'sig.answer': [{ guard: 'acked', target: 'done', actions: assign({ cause: 'transferred' }) }, { guard: 'refused', target: 'back' }],
        'sig.failed': { guard: 'refused', target: 'back' },
        'sig.push': [{ guard: 'answeredBy', actions: 'takeParty' }, RELEASED],
        'call.drop': DROP,
      },
    },
    /** A conference asked of the controller (this is the consultation call). */
    joining: {
      on: {
        'sig.answer': [{ guard: 'acked', target: 'conference' }, { guard: 'refused', target: 'back' }],
        'sig.failed': { guard: 'refused', target: 'back' },
        'sig.push': [{ guard: 'answeredBy', actions: 'takeParty' }, RELEASED],
        'call.drop': DROP,
      },
    },
    /** A refused transfer or conference: the consultation goes on as it was. */
    back: {
      always: [{ guard: ({ context }) => context.shown === 'ringback', target: 'ringback' }, { target: 'connected' }],
    },
    conference: {
      entry: SHOW('conference'),
      on: {
        'call.drop': DROP,
        // the conference is down to two: this call is a plain one with whoever is left
        'sig.push': [{ guard: 'answeredBy', target: 'connected', actions: 'takeParty' }, RELEASED],
      },
    },
    releasing: {
      entry: [assign({ cause: 'normal' }), ...ASK(({ context }) => ({ type: 'call-release', ...callMsg(context), cause: 'normal' }))],
      on: {
        'sig.answer': { guard: 'replied', target: 'done' },
        'sig.failed': { guard: 'replied', target: 'done' },
        'sig.push': { guard: 'released', target: 'done' },
      },
    },
    done: { type: 'final', entry: 'finish' },
  },
});

export type CallMachine = typeof callMachine;
