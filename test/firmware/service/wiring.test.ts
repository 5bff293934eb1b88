// Who hears what inside the phone in service: the owners of the controller's pushes (by topic) and the
// listeners of the service's news are wiring, plain data by system id (firmware/service/events.ts). Every
// id named there is an actor the in-service composition starts, a push goes to the owners that are
// there and to nobody else, and a push with no owner there has none (the link answers `ack unsupported`).
import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, type AnyActorRef } from 'xstate';
import { inServiceMachine } from '../../../firmware/in-service.ts';
import { SERVICE_LISTENERS, SYSTEM, TOPIC_OWNERS, ownersOf, topicOf } from '../../../firmware/service/events.ts';
import type { MessageType } from '../../../firmware/signalling/messages.ts';

/** The system ids the in-service composition registers its actors under, read from its own definition. */
const started = (inServiceMachine.root.config.invoke as readonly { systemId?: string }[]).map((i) => i.systemId);

describe('the in-service wiring', () => {
  it('names only actors the in-service composition starts, the service first', () => {
    for (const ids of Object.values(TOPIC_OWNERS)) for (const id of ids) expect(started).toContain(id);
    for (const id of SERVICE_LISTENERS) expect(started).toContain(id);
    expect(started[0]).toBe(SYSTEM.service);
    // the news goes out in the order the listeners start, as it did when each subscribed at its start
    expect(SERVICE_LISTENERS).toEqual(started.filter((id) => id !== SYSTEM.service));
  });

  it('hands a push to the owners of its topic that are there, and to no one else', () => {
    const refs = new Map<string, AnyActorRef>();
    for (const id of Object.values(SYSTEM)) refs.set(id, createActor(fromCallback(() => {}), { id }));
    const pushes: MessageType[] = ['blf-state', 'message-waiting', 'key-layout-begin', 'key-layout-block', 'logout-notice', 'redirect', 'call-setup', 'line-status', 'agent-state'];
    const want: Record<string, string> = { 'blf-state': SYSTEM.keys, 'message-waiting': SYSTEM.keys, 'key-layout-begin': SYSTEM.keys, 'key-layout-block': SYSTEM.keys, 'logout-notice': SYSTEM.session, redirect: SYSTEM.service, 'call-setup': SYSTEM.calls, 'line-status': SYSTEM.calls, 'agent-state': SYSTEM.acd };
    for (const type of pushes) expect(ownersOf(type, (id) => refs.get(id)).map((r) => r.id), type).toEqual([want[type]]);
    // the owner is not there (a rig without it, an actor stopped): nobody gets it
    expect(ownersOf('blf-state', (id) => (id === SYSTEM.keys ? undefined : refs.get(id)))).toEqual([]);
    // what the controller never pushes has no owner, whoever is there
    for (const type of ['register-ack', 'login-result', 'ack', 'heartbeat'] as MessageType[]) {
      expect(topicOf(type), type).toBeUndefined();
      expect(ownersOf(type, (id) => refs.get(id)), type).toEqual([]);
    }
  });
});
