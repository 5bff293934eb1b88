// The ringer: a line appearance of the logged-in user (or of the set) rings when the controller offers
// a call on it. The keys machine owns the lamps and the key map, so the ringer asks it (keys.line) and
// is told where the appearance is: a visible line key flashes the profile's ringing cadence; an
// appearance beyond the model's keys is hidden but still rings on the display. The ringing screen is
// the display's `call` layer: it covers the session's screen, takes no key (digits go on to the
// session below), and is cleared when the last ringing call ends, uncovering what was there before.
// Answering is the Calls issue's.
//
//   quiet --appearance known--> ringing --last call released / the phone re-homes--> quiet
//                                 |  another call: shown instead; a release: the one left is shown
import { sendTo, setup } from 'xstate';
import type { DisplayEvent } from '../display/machine.ts';
import type { KeysAppearance, KeysLine } from '../keys/machine.ts';
import { SYSTEM, type LinkEvent, type ServiceNotice, type SigPush } from '../service/events.ts';

type RingerEvent = SigPush | KeysAppearance | ServiceNotice;

interface RingerContext {
  /** Calls ringing on this set now, oldest first: call id and the DN of the line. */
  ringing: { callId: number; dn: string }[];
}

export const ringingScreen = (dn: string): string[] => ['Ringing', `Line ${dn}`];

const effects = setup({
  types: { context: {} as RingerContext, events: {} as RingerEvent },
  guards: {
    offered: ({ event }) => event.type === 'sig.push' && (event.msg.type === 'call-setup' || event.msg.type === 'call-alerting'),
    released: ({ event }) => event.type === 'sig.push' && event.msg.type === 'call-release',
    known: ({ event }) => event.type === 'keys.appearance' && event.known,
    lastReleased: ({ context, event }) =>
      event.type === 'sig.push' && event.msg.type === 'call-release' && context.ringing.every((r) => event.msg.type === 'call-release' && r.callId === event.msg.callId),
  },
  actions: {
    toKeys: sendTo(({ system }) => system.get(SYSTEM.keys), (_, e: KeysLine) => e),
    toDisplay: sendTo(({ system }) => system.get(SYSTEM.display), (_, e: DisplayEvent) => e),
    subscribe: sendTo(
      ({ system }) => system.get(SYSTEM.link),
      ({ self }): LinkEvent => ({ type: 'sig.subscribe', topics: ['calls'], ref: self }),
    ),
    subscribeService: sendTo(({ system }) => system.get(SYSTEM.service), ({ self }) => ({ type: 'service.subscribe' as const, ref: self })),
  },
});

const actions = effects.extend({
  actions: {
    askKeys: effects.enqueueActions(({ event, self, enqueue }) => {
      if (event.type !== 'sig.push') return;
      const m = event.msg;
      if (m.type === 'call-setup' || m.type === 'call-alerting') {
        enqueue({ type: 'toKeys', params: { type: 'keys.line', callId: m.callId, dn: m.toDn, line: m.line, state: 'ringing', replyTo: self } });
      } else if (m.type === 'call-release') {
        enqueue({ type: 'toKeys', params: { type: 'keys.line', callId: m.callId, dn: '', line: 0, state: 'idle', replyTo: self } });
      }
    }),
    ring: effects.enqueueActions(({ context, event, self, enqueue }) => {
      if (event.type !== 'keys.appearance') return;
      enqueue.assign({ ringing: [...context.ringing.filter((r) => r.callId !== event.callId), { callId: event.callId, dn: event.dn }] });
      enqueue({ type: 'toDisplay', params: { type: 'display.show', layer: 'call', rows: ringingScreen(event.dn), takes: [], owner: self } });
    }),
    forget: effects.enqueueActions(({ context, event, self, enqueue }) => {
      if (event.type !== 'sig.push' || event.msg.type !== 'call-release') return;
      const id = event.msg.callId;
      const left = context.ringing.filter((r) => r.callId !== id);
      enqueue.assign({ ringing: left });
      const last = left.at(-1);
      if (last) enqueue({ type: 'toDisplay', params: { type: 'display.show', layer: 'call', rows: ringingScreen(last.dn), takes: [], owner: self } });
    }),
    clearScreen: effects.enqueueActions(({ enqueue }) => enqueue({ type: 'toDisplay', params: { type: 'display.clear', layer: 'call' } })),
    /** The controller that offered the calls is gone: no release will come for them. */
    forgetAll: effects.enqueueActions(({ context, self, enqueue }) => {
      for (const r of context.ringing) enqueue({ type: 'toKeys', params: { type: 'keys.line', callId: r.callId, dn: r.dn, line: 0, state: 'idle', replyTo: self } });
      enqueue.assign({ ringing: [] });
    }),
  },
});

export const ringerMachine = actions.createMachine({
  id: 'ringer',
  context: { ringing: [] },
  entry: ['subscribe', 'subscribeService'],
  initial: 'quiet',
  on: {
    'sig.push': { guard: 'offered', actions: 'askKeys' },
  },
  states: {
    quiet: {
      on: { 'keys.appearance': { guard: 'known', target: 'ringing', actions: 'ring' } },
    },
    ringing: {
      on: {
        'keys.appearance': { guard: 'known', actions: 'ring' },
        // calls ring on the controller that offered them: a phone that leaves it stops ringing
        'service.rehoming': { target: 'quiet', actions: ['forgetAll', 'clearScreen'] },
        'sig.push': [
          { guard: 'offered', actions: 'askKeys' },
          { guard: 'lastReleased', target: 'quiet', actions: ['askKeys', 'forget', 'clearScreen'] },
          { guard: 'released', actions: ['askKeys', 'forget'] },
        ],
      },
    },
  },
});

export type RingerMachine = typeof ringerMachine;
