// The calls owner: the hook, the display's call layer, and one call actor (call.ts) per call. Keys for
// calls come here (the call layer takes them), the controller's call pushes come here (topic `calls`)
// and go on to the call they name; each call reports what it shows, and this owner draws the layer,
// asks the keys machine for the line lamps (keys.line), publishes the calls and traces them.
//
//   hook:      onhook --offhook / handsfree / a line key / pre-dialled digits--> offhook --onhook--> onhook
//   calls:     none or more, each a child `call-N`; the one in front (screens.ts) is what the keys act on
//   consult:   transfer / conference: the held call and the consultation, until the second press
//   ended:     quiet --a call ended with something to say--> telling (3 s on the call layer) --> quiet
//
// A handset (5604/5607/5614) with nobody logged in calls only with Alarm; a desk set with nobody logged
// in and no DN of its own dials the operator and emergency numbers only (call.ts refuses the rest).
import { assign, sendTo, setup, spawnChild, stopChild } from 'xstate';
import { callMachine, type CallCommand, type CallEnded, type CallInput } from './call.ts';
import { callScreen, endRows, frontCall, lampOf } from './screens.ts';
import type { CallState, CallView } from './view.ts';
import { isDialKey, type DisplayEvent } from '../display/display.ts';
import type { KeysLine } from '../keys/machine.ts';
import { SYSTEM, type LinkEvent } from '../service/events.ts';

import type { CallEntry, CallsContext, CallsEvent, CallsInput } from './calls-types.ts';

export type { CallsDial, CallsInput, CallsUser } from './calls-types.ts';
const childId = (local: number) => `call-${local}`;
const keyOf = (e: CallsEvent) => (e.type === 'key' ? e.key : '');
const isUp = (c: CallEntry) => c.state === 'dialling' || c.state === 'ringback' || c.state === 'connected' || c.state === 'conference';
const primeDn = (c: CallsContext) => c.user || c.setDn;
/** The appearance a new call goes out on: the prime DN's line key, else line 0. */
const primeLine = (c: CallsContext) => c.lines.find((l) => l.dn === primeDn(c))?.line ?? 0;
const lineNumber = (key: string) => (/^key:(\d+)$/.exec(key) ? Number(key.slice(4)) : -1);
const appearanceOf = (c: CallsContext, key: string) => c.lines.find((l) => l.key === key);
/** A call that ended says why, unless it was an access code, or an offer that simply stopped ringing. */
function endsWithWords(context: CallsContext, e: CallEnded): boolean {
  const gone = context.calls.find((c) => c.local === e.local);
  if (e.cause === 'feature' || gone?.state === 'ringing' || gone?.state === 'waiting') return false;
  // dial tone given up before a digit: nothing to say
  if (gone?.state === 'dialling' && gone.dialled === '' && e.cause === 'normal') return false;
  return endRows(e.cause, e.party).length > 0;
}
const SESSION_KEYS = ['hotdesk', 'login', 'logout'];
const FEATURE_KEYS = ['offhook', 'onhook', 'handsfree', 'release', 'hold', 'swap', 'transfer', 'conference', 'alarm', 'message'];

const effects = setup({
  types: { context: {} as CallsContext, input: {} as CallsInput, events: {} as CallsEvent },
  actors: { call: callMachine },
  delays: { telling: 3000 },
  guards: {
    hasEnd: ({ context, event }) => event.type === 'call.ended' && endsWithWords(context, event),
  },
  actions: {
    toDisplay: sendTo(({ system }) => system.get(SYSTEM.display), (_, e: DisplayEvent) => e),
    toKeys: sendTo(({ system }) => system.get(SYSTEM.keys), (_, e: KeysLine) => e),
    toLink: sendTo(({ system }) => system.get(SYSTEM.link), (_, e: LinkEvent) => e),
    /** The calls now, for the scenario runner and the panel (the board binds it). */
    publish: (_, _params: { calls: CallView[] }) => {},
    /** One call's change in the trace (the board binds it): `idle` with the cause when it ended. */
    traceCall: (_, _params: { call: number; line: number; party: string; state: string; cause?: string }) => {},
    trace: (_, _params: { message: string }) => {},
  },
});

type Enqueue = Parameters<Parameters<typeof effects.enqueueActions>[0]>[0]['enqueue'];
type Self = Parameters<Parameters<typeof effects.enqueueActions>[0]>[0]['self'];

const tell = (enqueue: Enqueue, local: number, cmd: CallCommand) => enqueue.sendTo(childId(local), cmd);

/** Starts a call actor and keeps its entry; the hook goes off for anything but an offer. */
function startCall(enqueue: Enqueue, context: CallsContext, input: Omit<CallInput, 'local' | 'dialDigits' | 'userless' | 'alarmDn' | 'alarm'>, alarm = false): CallsContext {
  const local = context.next;
  const full: CallInput = { ...input, local, dialDigits: context.dialPlan.dialDigits, userless: primeDn(context) === '', alarmDn: context.dialPlan.alarmDn, alarm };
  enqueue(spawnChild('call', { id: childId(local), input: full }));
  const entry: CallEntry = { local, callId: input.callId, line: input.line, dn: input.dn, party: input.party, state: input.start === 'picking' ? 'held' : input.start, dialled: input.digits, ringer: false };
  const offer = input.start === 'ringing' || input.start === 'waiting';
  const next = { ...context, next: local + 1, calls: [...context.calls, entry], offHook: context.offHook || !offer };
  enqueue.assign({ next: next.next, calls: next.calls, offHook: next.offHook, ended: [] });
  lamp(enqueue, entry, entry.state);
  enqueue({ type: 'traceCall', params: { call: entry.callId, line: entry.line, party: entry.party, state: entry.state } });
  return next;
}

/** Dial tone on `line` (the prime line by default). */
function dialTone(enqueue: Enqueue, context: CallsContext, line = primeLine(context), digits = '', complete = false, alarm = false): CallsContext {
  const dn = context.lines.find((l) => l.line === line)?.dn ?? primeDn(context);
  return startCall(enqueue, context, { callId: 0, line, dn, party: '', start: 'dialling', ring: 'ring', digits, complete, codes: digits === '' }, alarm);
}

/** Draws the call layer, lights the line keys, publishes: after every change of the calls. */
function redraw(enqueue: Enqueue, context: CallsContext, self: Self): void {
  const front = frontCall(context.calls);
  const rows = context.ended.length > 0 && !front ? context.ended : callScreen(context.calls, context.displayRows);
  const lineKeys = context.lines.filter((l) => l.key).map((l) => l.key!);
  // while a call is up (or dial tone is on) the session's screen is covered: its keys (HotDesking, the
  // login and logout softkeys) are swallowed here, so no PIN entry opens unseen under the call
  const up = context.calls.some(isUp);
  const takes = [...FEATURE_KEYS, ...lineKeys, ...(context.calls.some((c) => c.state === 'dialling') ? ['dial', 'ok'] : []), ...(up ? SESSION_KEYS : [])];
  const softkeys = context.handset && front?.state === 'connected' ? ['hold', 'transfer', 'conference'] : [];
  enqueue({ type: 'toDisplay', params: { type: 'display.show', layer: 'call', rows, softkeys, takes, owner: self } });
  enqueue({ type: 'publish', params: { calls: context.calls.map((c) => view(context, c)) } });
}

function view(context: CallsContext, c: CallEntry): CallView {
  const key = context.lines.find((l) => l.line === c.line && l.dn === c.dn)?.key;
  return {
    call: c.callId,
    line: c.line,
    ...(key ? { key } : {}),
    dn: c.dn,
    party: c.party,
    state: c.state,
    ...(c.state === 'dialling' ? { dialled: c.dialled } : {}),
    ...(c.state === 'ringing' ? { ringer: c.ringer } : {}),
  };
}

function lamp(enqueue: Enqueue, c: CallEntry, state: CallState | 'idle'): void {
  enqueue({ type: 'toKeys', params: { type: 'keys.line', id: `call:${c.local}`, dn: c.dn, line: c.line, state: state === 'idle' ? 'idle' : lampOf(state) } });
}

const calls = effects.extend({
  actions: {
    /** A key for calls: what it does depends on the calls there are (docs/design.md "Calls"). */
    onKey: effects.enqueueActions(({ context, event, enqueue }) => {
      const key = keyOf(event);
      const up = context.calls.find(isUp);
      const ringing = context.calls.find((c) => c.state === 'ringing');
      const waiting = context.calls.find((c) => c.state === 'waiting');
      const held = context.calls.filter((c) => c.state === 'held');
      const dialling = context.calls.find((c) => c.state === 'dialling');
      // no call starts: the refusal shows as a call that ended not-allowed would
      const refuse = () => enqueue.raise({ type: 'call.ended', local: -1, callId: 0, party: '', cause: 'not-allowed' });
      const userlessHandset = context.handset && context.user === '';
      const goOffHook = () => {
        if (ringing && !up) return tell(enqueue, ringing.local, { type: 'call.answer' });
        // a call waiting behind one this set has since held: off-hook answers it
        if (waiting && !up) return tell(enqueue, waiting.local, { type: 'call.answer' });
        if (!up && held.length > 0 && context.handset) return tell(enqueue, held[0].local, { type: 'call.retrieve' });
        if (up) return;
        if (userlessHandset) return refuse();
        dialTone(enqueue, context);
      };
      const hangUp = () => {
        enqueue.assign({ offHook: false });
        // every call up ends (two can be, while a hold just asked for is not acked yet); leaving a
        // conference ends this set's part of it: the other two stay together
        for (const c of context.calls.filter(isUp)) tell(enqueue, c.local, { type: 'call.drop' });
      };
      switch (key) {
        case 'offhook':
          enqueue.assign({ offHook: true });
          return goOffHook();
        case 'handsfree':
          if (context.offHook) return hangUp();
          enqueue.assign({ offHook: true });
          return goOffHook();
        case 'onhook':
        case 'release':
          return hangUp();
        case 'hold':
          if (up?.state === 'connected') tell(enqueue, up.local, { type: 'call.hold' });
          return;
        case 'swap':
          if (waiting && (!up || up.state === 'connected')) {
            if (up) tell(enqueue, up.local, { type: 'call.hold' });
            return tell(enqueue, waiting.local, { type: 'call.answer' });
          }
          if (held.length > 0 && (!up || up.state === 'connected')) {
            if (up) tell(enqueue, up.local, { type: 'call.hold' });
            return tell(enqueue, held[0].local, { type: 'call.retrieve' });
          }
          return;
        case 'transfer':
        case 'conference': {
          const kind = key;
          const consult = context.consult;
          if (consult) {
            const heldCall = context.calls.find((c) => c.local === consult.held);
            const other = context.calls.find((c) => c.local === consult.consult);
            if (!heldCall || !other || other.state === 'dialling') return;
            tell(enqueue, other.local, kind === 'transfer' ? { type: 'call.transfer', other: heldCall.callId } : { type: 'call.join', other: heldCall.callId });
            return;
          }
          if (up?.state !== 'connected') return;
          // an appearance carries two calls at most: with one held already there, no third
          if (context.calls.filter((c) => c.line === up.line && c.dn === up.dn).length >= 2) return;
          tell(enqueue, up.local, { type: 'call.hold' });
          const next = dialTone(enqueue, context, up.line);
          enqueue.assign({ consult: { held: up.local, consult: next.next - 1, kind } });
          return;
        }
        case 'alarm': {
          if (!context.handset || up) return;
          if (context.dialPlan.alarmDn === '') return refuse();
          dialTone(enqueue, context, primeLine(context), context.dialPlan.alarmDn, true, true);
          return;
        }
        case 'message':
          // the Message key calls the user's voicemail; with nobody logged in there is none to call
          if (up || context.voicemailDn === '') return;
          dialTone(enqueue, context, primeLine(context), context.voicemailDn, true);
          return;
        default:
          break;
      }
      if (isDialKey(key) || key === 'ok') {
        if (dialling) tell(enqueue, dialling.local, { type: 'call.digit', key });
        return;
      }
      const appearance = appearanceOf(context, key);
      if (!appearance) return;
      const line = lineNumber(key);
      const onLine = context.calls.filter((c) => c.line === line && c.dn === appearance.dn);
      const offered = onLine.find((c) => c.state === 'ringing' || c.state === 'waiting');
      const mineHeld = onLine.find((c) => c.state === 'held');
      const pick = context.pickable.find((p) => p.line === line && p.dn === appearance.dn);
      // answering or taking back another call: the call up is held (a number half dialled is dropped)
      const holdUp = () => {
        if (up?.state === 'connected') tell(enqueue, up.local, { type: 'call.hold' });
        else if (up?.state === 'dialling' || up?.state === 'ringback') tell(enqueue, up.local, { type: 'call.drop' });
      };
      if (offered) {
        holdUp();
        return tell(enqueue, offered.local, { type: 'call.answer' });
      }
      if (mineHeld) {
        holdUp();
        return tell(enqueue, mineHeld.local, { type: 'call.retrieve' });
      }
      if (pick && !up) {
        // the call is this set's now: its key shows the call's own state, not another set's hold
        enqueue.assign({ pickable: context.pickable.filter((p) => p !== pick) });
        enqueue({ type: 'toKeys', params: { type: 'keys.line', id: `line:${pick.callId}`, dn: pick.dn, line: pick.line, state: 'idle' } });
        startCall(enqueue, context, { callId: pick.callId, line, dn: appearance.dn, party: pick.party, start: 'picking', ring: 'ring', digits: '', complete: false, codes: false });
        return;
      }
      if (!up && onLine.length === 0) {
        if (userlessHandset) return refuse();
        dialTone(enqueue, context, line);
      }
    }),
    /** A push about calls: a new offer, a call placed for this set, another set's use of a line, or one of ours. */
    onPush: effects.enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'sig.push') return;
      const m = event.msg;
      if (m.type === 'line-status') {
        const others = context.pickable.filter((p) => p.callId !== m.callId);
        enqueue.assign({ pickable: m.state === 'held' ? [...others, { callId: m.callId, line: m.line, dn: m.dn, party: m.party }] : others });
        enqueue({ type: 'toKeys', params: { type: 'keys.line', id: `line:${m.callId}`, dn: m.dn, line: m.line, state: m.state === 'held' ? 'hold' : m.state } });
        return;
      }
      if (!('callId' in m)) return;
      const known = context.calls.find((c) => c.callId === m.callId && c.callId !== 0);
      if (known) {
        enqueue.sendTo(childId(known.local), event);
        return;
      }
      if (m.type === 'call-setup') {
        const busyOnLine = context.calls.some((c) => c.line === m.line && c.dn === m.toDn && (c.state === 'connected' || c.state === 'conference' || c.state === 'held'));
        startCall(enqueue, context, { callId: m.callId, line: m.line, dn: m.toDn, party: m.fromDn, start: busyOnLine ? 'waiting' : 'ringing', ring: m.ring, digits: '', complete: false, codes: false });
      } else if (m.type === 'call-alerting') {
        // a call the controller placed for this set (make-call): it is ours, ringing back
        startCall(enqueue, context, { callId: m.callId, line: m.line, dn: m.fromDn, party: m.toDn, start: 'ringback', ring: 'ring', digits: '', complete: false, codes: false });
      } else {
        enqueue({ type: 'trace', params: { message: `${m.type} for unknown call ${m.callId}` } });
      }
    }),
    takeChange: effects.enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'call.changed') return;
      const before = context.calls.find((c) => c.local === event.local);
      if (!before) return;
      const after: CallEntry = { ...before, callId: event.callId, party: event.party, state: event.state, dialled: event.dialled, ringer: event.ringer };
      enqueue.assign({ calls: context.calls.map((c) => (c.local === event.local ? after : c)), ended: [] });
      if (before.state !== after.state || before.callId !== after.callId || before.party !== after.party) {
        enqueue({ type: 'traceCall', params: { call: after.callId, line: after.line, party: after.party, state: after.state } });
      }
      if (before.state !== after.state) lamp(enqueue, after, after.state);
      // the call in front was held: a call waiting behind it rings now
      const now = context.calls.map((c) => (c.local === event.local ? after : c));
      if (isUp(before) && !isUp(after) && !now.some(isUp)) for (const c of now) if (c.state === 'waiting') tell(enqueue, c.local, { type: 'call.unwait' });
      // the consultation joined the conference: the held call is part of it too
      const consult = context.consult;
      if (consult?.consult === event.local && event.state === 'conference') {
        tell(enqueue, consult.held, { type: 'call.joined' });
        enqueue.assign({ consult: undefined });
      }
    }),
    takeEnd: effects.enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'call.ended') return;
      const gone = context.calls.find((c) => c.local === event.local);
      const left = context.calls.filter((c) => c.local !== event.local);
      enqueue.assign({ calls: left });
      if (gone) {
        enqueue(stopChild(childId(gone.local)));
        lamp(enqueue, gone, 'idle');
        enqueue({ type: 'traceCall', params: { call: event.callId, line: gone.line, party: event.party, state: 'idle', cause: event.cause } });
      }
      if (endsWithWords(context, event)) enqueue.assign({ ended: endRows(event.cause, event.party) });
      const consult = context.consult;
      if (consult && (consult.held === event.local || consult.consult === event.local)) {
        // the transfer is done: the held call went with it; any other end leaves the held call held
        if (consult.consult === event.local && event.cause === 'transferred') tell(enqueue, consult.held, { type: 'call.gone', cause: 'transferred' });
        enqueue.assign({ consult: undefined });
      }
      // the call in front is gone: a call waiting behind it rings now
      if (!left.some(isUp)) for (const c of left) if (c.state === 'waiting') tell(enqueue, c.local, { type: 'call.unwait' });
    }),
    /** The controller is gone: no release will come for its calls. */
    dropAll: effects.enqueueActions(({ context, enqueue }) => {
      for (const c of context.calls) {
        enqueue(stopChild(childId(c.local)));
        lamp(enqueue, c, 'idle');
        enqueue({ type: 'traceCall', params: { call: c.callId, line: c.line, party: c.party, state: 'idle', cause: 'unreachable' } });
      }
      for (const p of context.pickable) enqueue({ type: 'toKeys', params: { type: 'keys.line', id: `line:${p.callId}`, dn: p.dn, line: p.line, state: 'idle' } });
      enqueue.assign({ calls: [], pickable: [], consult: undefined, offHook: false, ended: [] });
    }),
    redraw: effects.enqueueActions(({ context, self, enqueue }) => redraw(enqueue, context, self)),
    preDial: effects.enqueueActions(({ context, event, enqueue }) => {
      // digits pressed while a call rings or is held are not a new call
      if (event.type !== 'calls.dial' || context.calls.length > 0) return;
      dialTone(enqueue, context, primeLine(context), event.digits, false);
    }),
  },
});

export const callsMachine = calls.createMachine({
  id: 'calls',
  context: ({ input }) => ({
    ...input,
    offHook: false,
    user: '',
    lines: [],
    dialPlan: { alarmDn: '', dialDigits: 0 },
    voicemailDn: '',
    calls: [],
    pickable: [],
    ended: [],
    next: 1,
  }),
  entry: 'redraw',
  on: {
    key: { actions: ['onKey', 'redraw'] },
    'sig.push': { actions: ['onPush', 'redraw'] },
    'call.changed': { actions: ['takeChange', 'redraw'] },
    'calls.user': { actions: assign({ user: ({ event }) => event.ext }) },
    'calls.dial': { actions: ['preDial', 'redraw'] },
    'calls.lines': { actions: [assign({ lines: ({ event }) => event.lines }), 'redraw'] },
    'calls.voicemail': { actions: assign({ voicemailDn: ({ event }) => event.dn }) },
    // the set's own DN comes with the registration too (Automatic DN Selection may have given it one)
    'service.registered': { actions: assign({ dialPlan: ({ event }) => event.dialPlan, setDn: ({ context, event }) => event.dn ?? context.setDn }) },
    'service.rehoming': { actions: ['dropAll', 'redraw'] },
  },
  // how the last call ended stays on the call layer a while (a notice would swallow the next offhook)
  initial: 'quiet',
  states: {
    quiet: {
      on: { 'call.ended': [{ guard: 'hasEnd', target: 'telling', actions: ['takeEnd', 'redraw'] }, { actions: ['takeEnd', 'redraw'] }] },
    },
    telling: {
      after: { telling: { target: 'quiet', actions: [assign({ ended: [] }), 'redraw'] } },
      on: { 'call.ended': [{ guard: 'hasEnd', target: 'telling', reenter: true, actions: ['takeEnd', 'redraw'] }, { actions: ['takeEnd', 'redraw'] }] },
    },
  },
});

export type CallsMachine = typeof callsMachine;
