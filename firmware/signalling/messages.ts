// The signalling wire format: one message per UDP datagram, a 12-byte header and a typed body
// (docs/protocol.md has every byte). encodeMessage is for trusted, typed input and throws on a
// programmer error (a 300-byte name, a bad MAC); decodeMessage takes whatever the network delivers and
// never throws: a bad datagram comes back as a typed reason for the drop counters.
import { struct, u16be, u32be, u8 } from 'buffer-layout';
import type { BodySpec, BodyTable } from './body-spec.ts';
import { acdBodies } from './messages-acd.ts';
import type { AcdMessage } from './messages-acd.ts';
import { blfBodies } from './messages-blf.ts';
import type { BlfMessage } from './messages-blf.ts';
import { callBodies } from './messages-call.ts';
import type { CallMessage } from './messages-call.ts';
import { keyLayoutBodies } from './messages-key-layout.ts';
import type { KeyLayoutMessage } from './messages-key-layout.ts';
import { loginBodies } from './messages-login.ts';
import type { LoginMessage } from './messages-login.ts';
import { logoutBodies } from './messages-logout.ts';
import type { LogoutMessage } from './messages-logout.ts';
import { registrationBodies } from './messages-registration.ts';
import { sessionBodies } from './messages-session.ts';
import type { SessionMessage } from './messages-session.ts';
import type { RegistrationMessage } from './messages-registration.ts';
import { voicemailBodies } from './messages-voicemail.ts';
import type { VoicemailMessage } from './messages-voicemail.ts';
import { WireError } from './wire-fields.ts';
import type { DecodeFailure } from './wire-fields.ts';

export type { DecodeFailure } from './wire-fields.ts';
// one import site for users of the protocol: every message type and the value lists of its enums
export { ACK_STATUSES, REDIRECT_REASONS, REGISTER_RESULTS, SESSION_TOKEN_BYTES } from './messages-registration.ts';
export type { Ack, AckStatus, HealthAck, HealthCheck, Heartbeat, HeartbeatAck, Redirect, RedirectReason, Register, RegisterAck, RegisterResult } from './messages-registration.ts';
export { HMAC_BYTES, LOGIN_CODES, NONCE_BYTES } from './messages-login.ts';
export type { Login, LoginBegin, LoginChallenge, LoginCode, LoginResult } from './messages-login.ts';
export type { KeyLayoutBegin, KeyLayoutBlock } from './messages-key-layout.ts';
export { LOGOUT_REASONS, LOGOUT_REFUSALS } from './messages-logout.ts';
export type { LogoutNotice, LogoutReason, LogoutRefusal, LogoutRefused, LogoutRequest } from './messages-logout.ts';
export { BLF_STATES } from './messages-blf.ts';
export type { BlfState, BlfStateMessage, BlfSubscribe } from './messages-blf.ts';
export { KX_RESULTS } from './messages-session.ts';
export type { KeyExchange, KeyExchangeAck, KxResult } from './messages-session.ts';
export { LINE_STATUSES, RELEASE_CAUSES, RING_TYPES } from './messages-call.ts';
export type { CallAlerting, CallConference, CallConnect, CallHold, CallMessage, CallRelease, CallResume, CallSetup, CallTransfer, LineStatus, LineStatusState, ReleaseCause, RingType } from './messages-call.ts';

export type { MessageWaiting } from './messages-voicemail.ts';
export { AGENT_ACTIONS, AGENT_STATES } from './messages-acd.ts';
export type { AgentAction, AgentRequest, AgentState, AgentStateName } from './messages-acd.ts';

export type Message = RegistrationMessage | SessionMessage | LoginMessage | KeyLayoutMessage | LogoutMessage | BlfMessage | CallMessage | VoicemailMessage | AcdMessage;
export type MessageType = Message['type'];
export type MessageOf<K extends MessageType> = Extract<Message, { type: K }>;

/** "HD": lets a receiver tell our datagrams from anything else that reaches the port. */
export const MAGIC = 0x4844;
export const PROTOCOL_VERSION = 1;
export const HEADER_BYTES = 12;
/**
 * The largest datagram: IPv4 has no fragments on our link, so a message must fit one 1500-byte
 * Ethernet payload after the 20-byte IP and 8-byte UDP headers.
 */
/** The UDP port phones and controllers signal on (docs/design.md; `call_srv` may name another). */
export const SIGNALLING_PORT = 6800;
export const MAX_DATAGRAM_BYTES = 1500 - 20 - 8;

/** The sender retransmits until a RESPONSE with the same transaction id arrives. */
export const FLAG_REQUEST = 0x01;
/** Answers the REQUEST with the same transaction id, from the peer the request was sent to. */
export const FLAG_RESPONSE = 0x02;
/** With REQUEST: the expected answer is a bare `ack` (the message has no typed answer). */
export const FLAG_ACK_NEEDED = 0x04;
/** With REQUEST: this is a retransmission (for captures and traces; the receiver treats it the same). */
export const FLAG_RETRANSMIT = 0x08;

const DEFINED_FLAGS = FLAG_REQUEST | FLAG_RESPONSE | FLAG_ACK_NEEDED | FLAG_RETRANSMIT;

/** The transaction envelope the header carries around a message. */
export interface Envelope {
  txid: number; // u32
  flags: number; // FLAG_* bits; the high nibble is reserved (sent 0, ignored)
}

export type DecodeResult =
  | { ok: true; msg: Message; envelope: Envelope }
  | { ok: false; reason: DecodeFailure; detail: string };

const BODIES: BodyTable<Message> = {
  ...registrationBodies,
  ...sessionBodies,
  ...loginBodies,
  ...keyLayoutBodies,
  ...logoutBodies,
  ...blfBodies,
  ...callBodies,
  ...voicemailBodies,
  ...acdBodies,
};

/** Every message's body table, for tools that describe the wire (the protocol doc, the dissector). */
export const BODY_SPECS: Readonly<BodyTable<Message>> = BODIES;

const BY_CODE = new Map<number, { type: MessageType; spec: BodySpec }>();
for (const [type, spec] of Object.entries(BODIES) as [MessageType, BodySpec][]) {
  const clash = BY_CODE.get(spec.code);
  if (clash) throw new Error(`signalling: type code ${spec.code} used by both ${clash.type} and ${type}`);
  BY_CODE.set(spec.code, { type, spec });
}

/** Every message type, in wire-code order. */
export const MESSAGE_TYPES: readonly MessageType[] = [...BY_CODE.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v.type);

/** The header's type byte for a message type. */
export function typeCode(type: MessageType): number {
  return BODIES[type].code;
}

/**
 * Requests answered by a typed message (the first listed is the usual one). Any other request is
 * answered by `ack`, and travels with FLAG_ACK_NEEDED.
 */
export const TYPED_ANSWERS: { readonly [K in MessageType]?: readonly MessageType[] } = {
  register: ['register-ack', 'redirect'],
  'key-exchange': ['key-exchange-ack'],
  heartbeat: ['heartbeat-ack'],
  'health-check': ['health-ack'],
  'login-begin': ['login-challenge', 'login-result'], // login-result when the ext cannot log in at all
  login: ['login-result'],
  'logout-request': ['logout-notice', 'logout-refused'],
  'agent-request': ['agent-state'],
};

// Every body field writes all of its bytes, so reusing one scratch buffer leaks nothing between messages.
const scratch = Buffer.alloc(HEADER_BYTES + 0x20000);

const header = struct<{ magic: number; version: number; type: number; flags: number; reserved: number; txid: number; length: number }>([
  u16be('magic'),
  u8('version'),
  u8('type'),
  u8('flags'),
  u8('reserved'),
  u32be('txid'),
  u16be('length'),
]);

export function encodeMessage(msg: Message, envelope: Envelope = { txid: 0, flags: 0 }): Uint8Array {
  const spec: BodySpec | undefined = BODIES[msg.type];
  if (!spec) throw new TypeError(`signalling: no such message type ${String(msg.type)}`);
  const fields: Readonly<Record<string, unknown>> = fieldsOf(msg);
  for (const fd of spec.layout.fields) {
    // buffer-layout silently skips a missing property, which would shift every field after it
    if (fd.property !== undefined && fields[fd.property] === undefined) {
      throw new TypeError(`signalling: ${msg.type} lacks ${fd.property}`);
    }
  }
  if (!Number.isInteger(envelope.txid) || envelope.txid < 0 || envelope.txid > 0xffffffff) {
    throw new RangeError(`signalling: transaction id ${envelope.txid} is not a u32`);
  }
  const flagIssue = Number.isInteger(envelope.flags) && envelope.flags >= 0 && envelope.flags <= 0xff ? flagsProblem(envelope.flags) : 'not a u8';
  if (flagIssue) throw new RangeError(`signalling: flags 0x${envelope.flags.toString(16)}: ${flagIssue}`);
  // encode into a scratch buffer larger than any body can be, then check the datagram limit, so an
  // oversized message gets one clear error instead of whichever field happened to overrun
  spec.layout.encode(msg, scratch, HEADER_BYTES);
  const length = spec.layout.getSpan(scratch, HEADER_BYTES);
  if (HEADER_BYTES + length > MAX_DATAGRAM_BYTES) {
    throw new RangeError(`signalling: ${msg.type} needs ${HEADER_BYTES + length} bytes, a datagram holds ${MAX_DATAGRAM_BYTES}`);
  }
  header.encode(
    { magic: MAGIC, version: PROTOCOL_VERSION, type: spec.code, flags: envelope.flags, reserved: 0, txid: envelope.txid, length },
    scratch,
    0,
  );
  return new Uint8Array(scratch.subarray(0, HEADER_BYTES + length)); // a copy: scratch is reused
}

/**
 * The message as the property bag buffer-layout reads, by name. The identity mapped type turns each
 * message interface into a plain object type, which (unlike an interface) has an implicit index
 * signature and so is a Record<string, unknown>: no cast, and nothing copied.
 */
function fieldsOf<M extends Message>(msg: M): { readonly [K in keyof M]: M[K] } {
  return msg;
}

function flagsProblem(flags: number): string | undefined {
  const request = (flags & FLAG_REQUEST) !== 0;
  if (request && (flags & FLAG_RESPONSE) !== 0) return 'REQUEST and RESPONSE together';
  if (!request && (flags & FLAG_ACK_NEEDED) !== 0) return 'ACK-NEEDED without REQUEST';
  if (!request && (flags & FLAG_RETRANSMIT) !== 0) return 'RETRANSMIT without REQUEST';
  return undefined;
}

function fail(reason: DecodeFailure, detail: string): DecodeResult {
  return { ok: false, reason, detail };
}

export function decodeMessage(bytes: Uint8Array): DecodeResult {
  if (!(bytes instanceof Uint8Array)) return fail('malformed', 'not bytes');
  if (bytes.length < HEADER_BYTES) return fail('too-short', `${bytes.length} bytes`);
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h = header.decode(b, 0);
  if (h.magic !== MAGIC) return fail('bad-magic', `0x${h.magic.toString(16)}`);
  if (h.version !== PROTOCOL_VERSION) return fail('bad-version', `version ${h.version}`);
  const entry = BY_CODE.get(h.type);
  if (!entry) return fail('unknown-type', `type 0x${h.type.toString(16)}`);
  const flagIssue = flagsProblem(h.flags);
  if (flagIssue) return fail('bad-flags', flagIssue);
  if (HEADER_BYTES + h.length !== b.length) return fail('bad-length', `header says ${h.length} body bytes, datagram has ${b.length - HEADER_BYTES}`);
  const body = b.subarray(HEADER_BYTES);
  let fields: Record<string, unknown>;
  let span: number;
  try {
    fields = entry.spec.layout.decode(body, 0);
    span = entry.spec.layout.getSpan(body, 0);
  } catch (err) {
    if (err instanceof WireError) return fail(err.reason, `${entry.type}: ${err.message}`);
    // buffer-layout's integer fields read through Buffer, which throws RangeError past the end
    if (err instanceof RangeError) return fail('truncated', `${entry.type}: ${err.message}`);
    return fail('malformed', `${entry.type}: ${String(err)}`);
  }
  if (span > body.length) return fail('truncated', `${entry.type} needs ${span} body bytes, has ${body.length}`);
  if (span < body.length) return fail('trailing-bytes', `${entry.type} ends at ${span} of ${body.length} body bytes`);
  const msg = { type: entry.type, ...fields } as Message;
  return { ok: true, msg, envelope: { txid: h.txid, flags: h.flags & DEFINED_FLAGS } };
}
