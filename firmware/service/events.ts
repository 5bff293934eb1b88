// The events the in-service actors exchange with the signalling link and the service machine. One
// owner per thing: the link actor (link.ts) owns the Transactions engine and the phone's signalling
// port; the service machine (machine.ts) decides which controller the link is aimed at; every other
// owner (session, keys, calls, acd) asks the link for requests and gets the pushes of its topics. Who owns
// a topic and who hears the service's news is wiring, fixed when the firmware is built: plain data
// (TOPIC_OWNERS, SERVICE_LISTENERS, by system id), as a register map is, not a subscription each owner
// sends at start (9 events a phone, on every boot of a fleet).
//
//   owner --sig.request {id, msg}--> link --(wire)--> controller
//   owner <--sig.answer {id, msg} / sig.failed {id, reason}-- link
//   link --sig.push {msg}--> the owners of msg's topic (TOPIC_OWNERS)
//   owner --sig.cancel--> link  (its own requests only: a re-home means something different to each)
//   service --sig.keepalive {id, msg, every, afterMiss}--> link: the heartbeat, sent by the link on its
//     own clock; the service hears of each miss (sig.failed) and of the first answer after one (sig.answer)
//   service --service.* --> SERVICE_LISTENERS, in that order
import type { AnyActorRef } from 'xstate';
import type { Message, MessageType } from '../signalling/messages.ts';
import type { Peer } from './peers.ts';
import type { DialPlan, RegisterMode } from './registration.ts';

/** What a push from the controller is about; each topic has its own owners (TOPIC_OWNERS). */
export type Topic = 'service' | 'session' | 'keys' | 'lamps' | 'calls' | 'acd';

const TOPICS: { readonly [K in MessageType]?: Topic } = {
  redirect: 'service',
  'logout-notice': 'session',
  'key-layout-begin': 'keys',
  'key-layout-block': 'keys',
  'blf-state': 'lamps',
  'message-waiting': 'lamps',
  'call-setup': 'calls',
  'call-alerting': 'calls',
  'call-connect': 'calls',
  'call-hold': 'calls',
  'call-resume': 'calls',
  'call-transfer': 'calls',
  'call-conference': 'calls',
  'call-release': 'calls',
  'line-status': 'calls',
  'agent-state': 'acd',
};

/** The topic of a controller push, undefined for messages the controller never pushes. */
export function topicOf(type: MessageType): Topic | undefined {
  return TOPICS[type];
}

// To the link

export interface SigRequest {
  type: 'sig.request';
  /** The requester's own name for it; the answer carries it back. */
  id: string;
  msg: Message;
  /** Another controller than the current one (the primary's health check). */
  to?: Peer;
  tries?: number;
  replyTo: AnyActorRef;
}
export interface SigCancel {
  type: 'sig.cancel';
  owner: AnyActorRef;
}
/**
 * From the service: keep the session with the controller the link is aimed at alive. The link sends
 * `msg` (one transaction of `tries` transmissions) every `every` ms, the first `every` ms from now, on
 * its own clock: an answered heartbeat wakes nobody. It tells `replyTo` of each miss (`sig.failed {id,
 * reason: timeout}`; the next heartbeat then goes out `afterMiss` ms later) and of the first answer
 * after a miss (`sig.answer {id}`), so the owner can count misses in a row. A sig.keepalive with the id
 * of the one running changes only its message (the user it names), keeping its schedule; the id of one
 * already stopped starts nothing; another id replaces it and starts afresh. sig.cancel from its owner
 * stops it, silently.
 */
export interface SigKeepalive {
  type: 'sig.keepalive';
  id: string;
  msg: Message;
  every: number;
  afterMiss: number;
  tries?: number;
  replyTo: AnyActorRef;
}
/** From the service only: the controller the phone talks to now. Pushes from anyone else are refused. */
export interface SigAim {
  type: 'sig.aim';
  server: Peer;
}
export type LinkEvent = SigRequest | SigCancel | SigAim | SigKeepalive;

// From the link

export interface SigAnswer {
  type: 'sig.answer';
  id: string;
  msg: Message;
}
export interface SigFailed {
  type: 'sig.failed';
  id: string;
  /** `timeout` after the last try, `cancelled` by sig.cancel. */
  reason: 'timeout' | 'cancelled';
}
export interface SigPush {
  type: 'sig.push';
  msg: Message;
}
export type LinkReply = SigAnswer | SigFailed;

// From the service to its listeners (SERVICE_LISTENERS)

/** The phone is leaving its controller (fail-over, fail-back, a redirect): owners drop what they must. */
export interface ServiceRehoming {
  type: 'service.rehoming';
  mode: RegisterMode;
}
/** Registered (again): a new controller knows nothing of what this set monitored on the old one. */
export interface ServiceRegistered {
  type: 'service.registered';
  mode: RegisterMode;
  controllerId: string;
  /** Where Alarm calls and when a dialled number is complete, as this controller says. */
  dialPlan: DialPlan;
  /** The set's own DN ("" none): configured, or given by Automatic DN Selection; left out, unchanged. */
  dn?: string;
}
/** Registered and the service's own screens are done: the session takes the screen. */
export interface ServiceInService {
  type: 'service.in-service';
  mode: RegisterMode;
}
export type ServiceNotice = ServiceRehoming | ServiceRegistered | ServiceInService;

// To the service

/** The hot desk user on this set now ("" for none): register and heartbeat name them. */
export interface ServiceUser {
  type: 'service.user';
  ext: string;
  /** The cluster's token for that login (login-result), hex; register presents it when the phone re-homes. */
  token: string;
}
/** A login was redirected to the user's home controller: re-home there. */
export interface ServiceRedirect {
  type: 'service.redirect';
  to: Peer;
}
/** The key layout the set shows now changed (CRC-32 of its payload, 0: none): register names it. */
export interface ServiceLayout {
  type: 'service.layout';
  crc: number;
}
export type ServiceRequest = ServiceUser | ServiceRedirect | ServiceLayout;

/** The system ids the phone's actors are registered under (`system.get(...)`). */
export const SYSTEM = {
  display: 'display',
  link: 'signalling',
  service: 'service',
  session: 'session',
  keys: 'keys',
  calls: 'calls',
  acd: 'acd',
} as const;

/** The owners of each push topic, by system id: the link hands a push to those of them that are there. */
export const TOPIC_OWNERS: { readonly [T in Topic]: readonly string[] } = {
  service: [SYSTEM.service],
  session: [SYSTEM.session],
  keys: [SYSTEM.keys],
  lamps: [SYSTEM.keys],
  calls: [SYSTEM.calls],
  acd: [SYSTEM.acd],
};

/** The owners of a push that are there (`get`: the actor system's), in TOPIC_OWNERS order; none for a message no topic has. */
export function ownersOf(type: MessageType, get: (systemId: string) => AnyActorRef | undefined): AnyActorRef[] {
  const topic = topicOf(type);
  const refs: AnyActorRef[] = [];
  for (const id of topic ? TOPIC_OWNERS[topic] : []) {
    const ref = get(id);
    if (ref) refs.push(ref);
  }
  return refs;
}

/** Who hears the service's news (service.*), by system id, in this order. */
export const SERVICE_LISTENERS: readonly string[] = [SYSTEM.keys, SYSTEM.session, SYSTEM.calls, SYSTEM.acd];
