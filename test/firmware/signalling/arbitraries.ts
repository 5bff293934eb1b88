// fast-check arbitraries for every signalling message. The table is keyed by MessageType, so a new
// message type without an arbitrary fails the type check instead of silently going untested.
import fc from 'fast-check';
import type { Envelope, MessageOf, MessageType } from '../../../firmware/signalling/messages.ts';
import {
  ACK_STATUSES,
  BLF_STATES,
  FLAG_ACK_NEEDED,
  FLAG_REQUEST,
  FLAG_RESPONSE,
  FLAG_RETRANSMIT,
  KX_RESULTS,
  LOGIN_CODES,
  LOGOUT_REASONS,
  LOGOUT_REFUSALS,
  REDIRECT_REASONS,
  REGISTER_RESULTS,
  RELEASE_CAUSES,
  RING_TYPES,
  LINE_STATUSES,
  AGENT_ACTIONS,
  AGENT_STATES,
} from '../../../firmware/signalling/messages.ts';
import { KEY_TYPES } from '../../../firmware/signalling/key-layout.ts';
import type { KeyEntry } from '../../../firmware/signalling/key-layout.ts';
import { formatMac } from '../../../firmware/signalling/wire-fields.ts';

/** Any Unicode text (astral planes included), at most 40 code points = 160 UTF-8 bytes. */
export const text = fc.string({ unit: 'binary', maxLength: 40 });
export const dn = fc.stringMatching(/^[0-9*#]{0,12}$/);
export const u8 = fc.integer({ min: 0, max: 0xff });
export const u16 = fc.integer({ min: 0, max: 0xffff });
export const u32 = fc.integer({ min: 0, max: 0xffffffff });
export const u48 = fc.integer({ min: 0, max: 2 ** 48 - 1 });
export const macAddr = fc.uint8Array({ minLength: 6, maxLength: 6 }).map(formatMac);
export const ipAddr = fc.tuple(u8, u8, u8, u8).map((p) => p.join('.'));
const exactly = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });

export const validFlags = fc.constantFrom(
  0,
  FLAG_REQUEST,
  FLAG_REQUEST | FLAG_ACK_NEEDED,
  FLAG_REQUEST | FLAG_RETRANSMIT,
  FLAG_REQUEST | FLAG_ACK_NEEDED | FLAG_RETRANSMIT,
  FLAG_RESPONSE,
);
export const envelope: fc.Arbitrary<Envelope> = fc.record({ txid: u32, flags: validFlags });

const call = <K extends MessageType>(type: K) => fc.record({ type: fc.constant(type), callId: u32, line: u8, fromDn: dn, toDn: dn });

export const keyEntry: fc.Arbitrary<KeyEntry> = fc.record({ key: fc.integer({ min: 1, max: 255 }), type: fc.constantFrom(...KEY_TYPES), dn, label: text });
/** Layouts with distinct key numbers, as a valid layout must have. */
export const keyLayout = fc.uniqueArray(keyEntry, { maxLength: 30, selector: (e) => e.key });

type ArbitraryTable = { [K in MessageType]: fc.Arbitrary<MessageOf<K>> };

export const messageArbitraries: ArbitraryTable = {
  register: fc.record({ type: fc.constant('register'), mac: macAddr, model: text, firmwareVersion: text, dn, hotdeskExt: dn, sessionToken: exactly(16), layoutCrc: u32 }),
  'key-exchange': fc.record({ type: fc.constant('key-exchange'), mac: macAddr, phoneKey: exactly(32), nonce: exactly(16) }),
  'key-exchange-ack': fc.record({
    type: fc.constant('key-exchange-ack'),
    result: fc.constantFrom(...KX_RESULTS),
    sessionId: exactly(8),
    controllerKey: exactly(32),
    nonce: exactly(16),
    keyId: exactly(8),
    signature: exactly(64),
  }),
  'register-ack': fc.record({
    type: fc.constant('register-ack'),
    result: fc.constantFrom(...REGISTER_RESULTS),
    heartbeatSeconds: u16,
    healthCheckSeconds: u16,
    serverTimeMs: u48,
    controllerId: text,
    firmwareVersion: text,
    alarmDn: dn,
    dialDigits: u8,
    dn,
  }),
  heartbeat: fc.record({ type: fc.constant('heartbeat'), hotdeskExt: dn }),
  'heartbeat-ack': fc.record({ type: fc.constant('heartbeat-ack'), serverTimeMs: u48 }),
  'health-check': fc.record({ type: fc.constant('health-check') }),
  'health-ack': fc.record({ type: fc.constant('health-ack'), controllerId: text, inService: fc.boolean() }),
  redirect: fc.record({ type: fc.constant('redirect'), ip: ipAddr, port: u16, reason: fc.constantFrom(...REDIRECT_REASONS) }),
  ack: fc.record({ type: fc.constant('ack'), status: fc.constantFrom(...ACK_STATUSES) }),
  'login-begin': fc.record({ type: fc.constant('login-begin'), ext: dn }),
  'login-challenge': fc.record({ type: fc.constant('login-challenge'), nonce: exactly(16) }),
  login: fc.record({ type: fc.constant('login'), ext: dn, hmac: exactly(32) }),
  'login-result': fc.record({
    type: fc.constant('login-result'),
    code: fc.constantFrom(...LOGIN_CODES),
    ext: dn,
    name: text,
    language: text,
    attemptsLeft: u8,
    lockedSeconds: u32,
    redirectIp: ipAddr,
    redirectPort: u16,
    token: exactly(16),
  }),
  'key-layout-begin': fc.record({ type: fc.constant('key-layout-begin'), totalBlocks: u16, totalLength: u32, crc32: u32 }),
  'key-layout-block': fc.record({ type: fc.constant('key-layout-block'), index: u16, bytes: fc.uint8Array({ maxLength: 1024 }) }),
  'logout-request': fc.record({ type: fc.constant('logout-request'), reason: fc.constantFrom(...LOGOUT_REASONS), ext: dn }),
  'logout-notice': fc.record({ type: fc.constant('logout-notice'), reason: fc.constantFrom(...LOGOUT_REASONS), ext: dn, byDn: dn }),
  'logout-refused': fc.record({ type: fc.constant('logout-refused'), reason: fc.constantFrom(...LOGOUT_REFUSALS), ext: dn }),
  // 40 DNs of at most 12 digits always fit a datagram; the limit itself is tested on its own
  'blf-subscribe': fc.record({ type: fc.constant('blf-subscribe'), dns: fc.array(dn, { maxLength: 40 }) }),
  'blf-state': fc.record({ type: fc.constant('blf-state'), dn, state: fc.constantFrom(...BLF_STATES) }),
  'call-setup': fc.record({ type: fc.constant('call-setup'), callId: u32, line: u8, fromDn: dn, toDn: dn, ring: fc.constantFrom(...RING_TYPES) }),
  'call-alerting': call('call-alerting'),
  'call-connect': call('call-connect'),
  'call-hold': call('call-hold'),
  'call-resume': call('call-resume'),
  'call-transfer': fc.record({ type: fc.constant('call-transfer'), callId: u32, line: u8, fromDn: dn, toDn: dn, otherCallId: u32 }),
  'call-conference': fc.record({ type: fc.constant('call-conference'), callId: u32, line: u8, fromDn: dn, toDn: dn, otherCallId: u32 }),
  'call-release': fc.record({ type: fc.constant('call-release'), callId: u32, line: u8, fromDn: dn, toDn: dn, cause: fc.constantFrom(...RELEASE_CAUSES) }),
  'line-status': fc.record({ type: fc.constant('line-status'), callId: u32, line: u8, dn, party: dn, state: fc.constantFrom(...LINE_STATUSES) }),
  'message-waiting': fc.record({ type: fc.constant('message-waiting'), ext: dn, count: u16, voicemailDn: dn }),
  'agent-state': fc.record({ type: fc.constant('agent-state'), id: dn, state: fc.constantFrom(...AGENT_STATES), logoutPending: fc.boolean() }),
  'agent-request': fc.record({ type: fc.constant('agent-request'), action: fc.constantFrom(...AGENT_ACTIONS) }),
};

/** Any message of any type. */
export const anyMessage = fc.oneof(...Object.values(messageArbitraries));
