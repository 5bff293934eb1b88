// The phone in service: four actors side by side, each the one owner of its thing, registered in the
// actor system under the ids in service/events.ts so the others can ask them through events.
//
//   service  registration, heartbeat, fail-over, fail-back, redirects; owns the signalling link
//   session  the hot desk login prompt with PIN entry, the user, logout in all its forms
//   keys     the key map and every lamp (BLF, line appearances, the logged-out cadence)
//   calls    the hook, the calls (one actor each) and the display's call layer
//   acd      the ACD agent logged in on the set: its state, keys, lamps and status texts
//
// The display is the phone's (it lives from power-on); this machine only passes the service's news
// for the device (first registration, a reboot to upgrade) on to its parent through named actions.
import { sendParent, setup } from 'xstate';
import { acdMachine, type AcdInput } from './acd/acd.ts';
import { callsMachine, type CallsInput } from './calls/calls.ts';
import { sessionMachine, type SessionInput } from './hotdesk/session.ts';
import { keysMachine, type KeysInput } from './keys/machine.ts';
import { SYSTEM } from './service/events.ts';
import { serviceMachine, type ServiceInput, type ServiceParentEvent } from './service/machine.ts';

export interface InServiceInput {
  service: ServiceInput;
  session: SessionInput;
  keys: KeysInput;
  calls: CallsInput;
}

export const inServiceMachine = setup({
  types: { input: {} as InServiceInput, context: {} as InServiceInput, events: {} as ServiceParentEvent },
  actors: { service: serviceMachine, session: sessionMachine, keys: keysMachine, calls: callsMachine, acd: acdMachine },
  actions: {
    /** The first registration (the phone confirms its new image). Default: tell the parent. */
    registered: sendParent({ type: 'registered' } satisfies ServiceParentEvent),
    /** The controller expects another firmware: reboot to upgrade. Default: tell the parent. */
    reboot: sendParent(({ event }) => event),
    /** Whether a hot desk user is logged in (the device retries a firmware check only on a free set). */
    user: sendParent(({ event }) => event),
  },
}).createMachine({
  id: 'inService',
  context: ({ input }) => input,
  // the service first (it owns the link); the others get its news and their topics' pushes by their
  // system ids (TOPIC_OWNERS, SERVICE_LISTENERS in service/events.ts), in this order
  invoke: [
    { id: 'service', systemId: SYSTEM.service, src: 'service', input: ({ context }) => context.service },
    { id: 'keys', systemId: SYSTEM.keys, src: 'keys', input: ({ context }) => context.keys },
    { id: 'session', systemId: SYSTEM.session, src: 'session', input: ({ context }) => context.session },
    { id: 'calls', systemId: SYSTEM.calls, src: 'calls', input: ({ context }) => context.calls },
    { id: 'acd', systemId: SYSTEM.acd, src: 'acd', input: ({ context }): AcdInput => ({ handset: context.calls.handset }) },
  ],
  on: {
    registered: { actions: 'registered' },
    'firmware.reboot': { actions: 'reboot' },
    user: { actions: 'user' },
  },
});

export type InServiceMachine = typeof inServiceMachine;
