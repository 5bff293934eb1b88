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
import { assign, enqueueActions } from 'xstate';
import type { CallState } from './view.ts';
import type { Message } from '../signalling/messages.ts';
import { callParts as calls, refusedOrFailed, type CallContext, type CallEvent } from './call-setup.ts';

export type { CallChanged, CallCommand, CallEnd, CallEnded, CallInput, SessionCode } from './call-setup.ts';
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
  context: ({ input: { codes, dialDigits, userless, alarmDn, alarm, digits, ...call } }) => ({
    ...call,
    rules: { codes, dialDigits, userless, alarmDn, alarm },
    dialled: digits,
    ringer: call.start === 'ringing' && call.ring === 'ring',
    shown: call.start === 'picking' ? 'held' : call.start,
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
            'call.drop': '#call.abandoning',
          },
        },
      },
    },
    /** Dropped while its call-setup was in flight: the call the answer names is released. */
    abandoning: {
      on: {
        'sig.answer': [
          { guard: 'ringingBack', target: 'releasing', actions: 'takeSetupAnswer' },
          { guard: 'setupLost', target: 'done', actions: assign({ cause: 'normal' }) },
        ],
        'sig.failed': { guard: 'setupLost', target: 'done', actions: assign({ cause: 'normal' }) },
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
      entry: [assign({ ringer: false }), 'report', ...ASK(({ context }) => ({ type: 'call-connect', ...callMsg(context) }))],
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
        // call-alerting: the far end transferred this call blind; it rings back the party it went to
        'sig.push': [
          { guard: 'answeredBy', actions: ['takeParty', 'report'] },
          { guard: 'alerted', target: 'ringback', actions: 'takeParty' },
          { guard: 'conferenced', target: 'conference' },
          RELEASED,
        ],
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
        'sig.push': [{ guard: 'answeredBy', actions: ['takeParty', ...SHOW('connected')] }, RELEASED],
        'call.drop': DROP,
      },
    },
    /** A conference asked of the controller (this is the consultation call). */
    joining: {
      on: {
        'sig.answer': [{ guard: 'acked', target: 'conference' }, { guard: 'refused', target: 'back' }],
        'sig.failed': { guard: 'refused', target: 'back' },
        'sig.push': [{ guard: 'answeredBy', actions: ['takeParty', ...SHOW('connected')] }, RELEASED],
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
