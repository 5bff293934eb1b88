// Renders the message reference of docs/protocol.md from the codec itself: offsets and sizes come
// from the body layouts, examples are encoded by encodeMessage, so the document cannot drift from the
// code (protocol-doc.test.ts fails when it does). The prose around the generated blocks is by hand.
//   npx tsx test/firmware/signalling/protocol-doc.ts --write    regenerates the blocks in docs/protocol.md
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Structure } from 'buffer-layout';
import { encodeKeyLayout } from '../../../firmware/signalling/key-layout.ts';
import { splitKeyLayout } from '../../../firmware/signalling/key-layout-transfer.ts';
import type { KeyEntry } from '../../../firmware/signalling/key-layout.ts';
import {
  BODY_SPECS,
  FLAG_ACK_NEEDED,
  FLAG_REQUEST,
  FLAG_RESPONSE,
  MESSAGE_TYPES,
  TYPED_ANSWERS,
  encodeMessage,
  typeCode,
} from '../../../firmware/signalling/messages.ts';
import type { Envelope, Message, MessageOf, MessageType } from '../../../firmware/signalling/messages.ts';
import { pinResponse } from '../../../firmware/signalling/pin-auth.ts';

export const DOC_PATH = fileURLToPath(new URL('../../../docs/protocol.md', import.meta.url));

export function hexDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let at = 0; at < bytes.length; at += 16) {
    const row = Array.from(bytes.subarray(at, at + 16), (b) => b.toString(16).padStart(2, '0'));
    lines.push(`${at.toString(16).padStart(4, '0')}  ${row.slice(0, 8).join(' ')}${row.length > 8 ? '  ' + row.slice(8).join(' ') : ''}`);
  }
  return lines.join('\n');
}

// ---- what each message is for, who sends it, and what its fields mean ----

type Role = 'P>C' | 'C>P' | 'both';
interface Doc<K extends MessageType> {
  role: Role;
  what: string;
  fields: { [F in Exclude<keyof MessageOf<K>, 'type'>]: string };
  example: MessageOf<K>;
  envelope: Envelope;
}

const REQ = (txid: number): Envelope => ({ txid, flags: FLAG_REQUEST });
const REQ_ACK = (txid: number): Envelope => ({ txid, flags: FLAG_REQUEST | FLAG_ACK_NEEDED });
const RSP = (txid: number): Envelope => ({ txid, flags: FLAG_RESPONSE });

export const KEY_LAYOUT_EXAMPLE: KeyEntry[] = [
  { key: 1, type: 'line', dn: '5123', label: 'Alice' },
  { key: 2, type: 'blf', dn: '5124', label: 'Bob' },
  { key: 3, type: 'speed-dial', dn: '0015551234', label: '' },
];

const MAC = '00:08:5d:12:34:56';
const NONCE = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
const CALL = { callId: 0x0102, line: 1, fromDn: '5123', toDn: '5124' };
const callFields = {
  callId: 'The call as this phone sees it (its leg), always named by the controller: 0 in a phone\'s call-setup, whose answer names it.',
  line: 'The line appearance key carrying the call (1-based; 0 = the prime line).',
  fromDn: 'The calling DN.',
  toDn: 'The called DN.',
};
const callDoc = <K extends 'call-alerting' | 'call-connect' | 'call-hold' | 'call-resume'>(type: K, what: string, txid: number): Doc<K> => ({
  role: 'both',
  what,
  fields: callFields as Doc<K>['fields'],
  example: { type, ...CALL } as MessageOf<K>,
  envelope: REQ_ACK(txid),
});

const DOCS: { [K in MessageType]: Doc<K> } = {
  register: {
    role: 'P>C',
    what: 'A phone attaches to a controller, after boot or when it re-homes (fail-over, fail-back, redirect).',
    fields: {
      mac: 'The phone\'s MAC address.',
      model: 'The model, as its profile names it ("5340", "5607").',
      firmwareVersion: 'The firmware version the phone runs.',
      dn: 'The set\'s own directory number, empty when it has none.',
      hotdeskExt: 'The hot desk user logged in on the set, empty when none: a user re-homed by fail-over stays logged in.',
      sessionToken: 'With hotdeskExt: the token the cluster gave that login (login-result); a controller restores the user only with it. Zeros when none.',
      layoutCrc: 'CRC-32 of the key layout the set shows now, 0 for none: a controller whose layout for the set or its user differs sends it again (a download a fail-over cut short is fetched anew).',
    },
    example: { type: 'register', mac: MAC, model: '5340', firmwareVersion: '4.2.1', dn: '5000', hotdeskExt: '', sessionToken: new Uint8Array(16), layoutCrc: 0 },
    envelope: REQ(0x0000002a),
  },
  'key-exchange': {
    role: 'P>C',
    what: 'Opens the authenticated, private session with a controller: the only request that travels in clear. Everything after it is sealed (AES-256-GCM, see "Sealed datagrams").',
    fields: {
      mac: 'The identity the phone claims; the session is bound to it.',
      phoneKey: 'The phone\'s ephemeral X25519 public key, fresh per session.',
      nonce: 'Fresh random bytes, salt for the key derivation.',
    },
    example: { type: 'key-exchange', mac: MAC, phoneKey: new Uint8Array(32).fill(0x11), nonce: new Uint8Array(16).fill(0x22) },
    envelope: REQ(0x00000020),
  },
  'key-exchange-ack': {
    role: 'C>P',
    what: 'The controller\'s half of the exchange, signed with the cluster\'s identity key, which the phone trusts as it trusts its image key.',
    fields: {
      result: 'ok, or refused (an unusable key).',
      sessionId: 'Names the session in every sealed datagram.',
      controllerKey: 'The controller\'s ephemeral X25519 public key.',
      nonce: 'Fresh random bytes, salt for the key derivation.',
      keyId: 'Which cluster key signed: the first 8 bytes of SHA-256 over its raw public key.',
      signature: 'Ed25519 over "hotdesk-kx v1 <mac>", both keys, both nonces and the session id.',
    },
    example: { type: 'key-exchange-ack', result: 'ok', sessionId: new Uint8Array(8).fill(0x33), controllerKey: new Uint8Array(32).fill(0x44), nonce: new Uint8Array(16).fill(0x55), keyId: new Uint8Array(8).fill(0x66), signature: new Uint8Array(64).fill(0x77) },
    envelope: RSP(0x00000020),
  },
  'register-ack': {
    role: 'C>P',
    what: 'The controller accepts (or refuses) a registration.',
    fields: {
      result: 'Whether the phone is registered.',
      heartbeatSeconds: 'How often the phone sends heartbeat.',
      healthCheckSeconds: 'On a secondary, how often the phone sends health-check to its primary (fail-back).',
      serverTimeMs: 'The controller\'s clock, ms since the Unix epoch (48 bits).',
      controllerId: 'Names the controller (shown during fail-over, checked on fail-back).',
      firmwareVersion: 'The load the controller expects; a re-homing phone running an older one upgrades.',
      alarmDn: 'Where a handset\'s Alarm key calls (the world\'s alarm-dn; the operator, 0, by default).',
      dialDigits: 'A dialled extension is complete at this many digits (the dial plan\'s length; 0: at # or a 4 s pause).',
      dn: 'The DN the set is registered with: the one it sent, or the one Automatic DN Selection chose for it (empty: none). dn-required asks a set with no DN for the Set Registration Access Code; no-dn: no free DN in the range.',
    },
    example: { type: 'register-ack', result: 'ok', heartbeatSeconds: 30, healthCheckSeconds: 20, serverTimeMs: 1_700_000_000_000, controllerId: 'icp-1', firmwareVersion: '4.2.1', alarmDn: '0', dialDigits: 4, dn: '5102' },
    envelope: RSP(0x0000002a),
  },
  heartbeat: {
    role: 'P>C',
    what: 'Keep-alive, every heartbeatSeconds. When it times out the phone fails over to its next `call_srv`.',
    fields: { hotdeskExt: 'The hot desk user logged in, empty when none.' },
    example: { type: 'heartbeat', hotdeskExt: '5123' },
    envelope: REQ(0x0000002b),
  },
  'heartbeat-ack': {
    role: 'C>P',
    what: 'Answers heartbeat.',
    fields: { serverTimeMs: 'The controller\'s clock, ms since the Unix epoch.' },
    example: { type: 'heartbeat-ack', serverTimeMs: 1_700_000_030_000 },
    envelope: RSP(0x0000002b),
  },
  'health-check': {
    role: 'P>C',
    what: 'Sent by a failed-over phone to its primary controller: is it back? (fail-back). No body.',
    fields: {},
    example: { type: 'health-check' },
    envelope: REQ(0x0000002c),
  },
  'health-ack': {
    role: 'C>P',
    what: 'Answers health-check.',
    fields: { controllerId: 'Names the controller.', inService: '1 when it takes phones again, 0 while it is still starting.' },
    example: { type: 'health-ack', controllerId: 'icp-1', inService: true },
    envelope: RSP(0x0000002c),
  },
  redirect: {
    role: 'C>P',
    what: 'Register with another controller instead: as the answer to register, or as a request of its own.',
    fields: {
      ip: 'The controller to register with.',
      port: 'Its signalling port.',
      reason: 'Why (home-elsewhere: clustered, the user is homed there).',
    },
    example: { type: 'redirect', ip: '10.0.1.1', port: 6800, reason: 'home-elsewhere' },
    envelope: REQ_ACK(0x0000002d),
  },
  ack: {
    role: 'both',
    what: 'Answers any request that has no typed answer (those sent with ACK-NEEDED).',
    fields: { status: 'ok; rejected when the handler failed; unsupported when nothing handles the request or no typed answer was given.' },
    example: { type: 'ack', status: 'ok' },
    envelope: RSP(0x0000002d),
  },
  'login-begin': {
    role: 'P>C',
    what: 'A user starts a hot desk login at this set: the controller answers with a fresh challenge (or at once with login-result when the extension cannot log in at all).',
    fields: { ext: 'The extension the user typed.' },
    example: { type: 'login-begin', ext: '5123' },
    envelope: REQ(0x00000030),
  },
  'login-challenge': {
    role: 'C>P',
    what: 'A fresh random nonce for this one login attempt.',
    fields: { nonce: '16 random bytes.' },
    example: { type: 'login-challenge', nonce: NONCE },
    envelope: RSP(0x00000030),
  },
  login: {
    role: 'P>C',
    what: 'The proof of the PIN: the PIN itself never crosses the wire (see "The PIN proof").',
    fields: { ext: 'The extension.', hmac: 'HMAC-SHA256 over the nonce, the extension and the phone\'s MAC, keyed by the PIN.' },
    example: { type: 'login', ext: '5123', hmac: pinResponse(NONCE, '5123', MAC, '1234') },
    envelope: REQ(0x00000031),
  },
  'login-result': {
    role: 'C>P',
    what: 'The outcome of a login. Every field is always present; those that do not apply to the code are empty or zero.',
    fields: {
      code: 'The outcome.',
      ext: 'The extension.',
      name: 'The user\'s name for the display (ok).',
      language: 'The user\'s display language, "en", "fr", ... (ok).',
      attemptsLeft: 'Wrong PINs left before the user is locked.',
      lockedSeconds: 'While locked: seconds until the user may try again.',
      redirectIp: 'With code redirect: the controller the user is homed on; else 0.0.0.0.',
      redirectPort: 'Its signalling port; else 0.',
      token: 'With code ok: the cluster\'s proof of this login, for register when the phone re-homes; else zeros.',
    },
    example: { type: 'login-result', code: 'ok', ext: '5123', name: 'Alice Smith', language: 'en', attemptsLeft: 3, lockedSeconds: 0, redirectIp: '0.0.0.0', redirectPort: 0, token: new Uint8Array(16).fill(0x5a) },
    envelope: RSP(0x00000031),
  },
  'key-layout-begin': {
    role: 'C>P',
    what: 'Announces a key-layout transfer: the blocks follow as key-layout-block requests.',
    fields: {
      totalBlocks: 'How many blocks follow.',
      totalLength: 'The payload length in bytes.',
      crc32: 'CRC-32 (IEEE 802.3, as Ethernet\'s FCS) of the whole payload.',
    },
    example: splitKeyLayout(encodeKeyLayout(KEY_LAYOUT_EXAMPLE)).begin,
    envelope: REQ_ACK(0x00000040),
  },
  'key-layout-block': {
    role: 'C>P',
    what: 'One block of the key-layout payload (at most 1024 bytes). The phone applies the layout only when all blocks are in and length and CRC match.',
    fields: { index: 'The block number, from 0.', bytes: 'This block\'s part of the payload.' },
    example: splitKeyLayout(encodeKeyLayout(KEY_LAYOUT_EXAMPLE)).blocks[0],
    envelope: REQ_ACK(0x00000041),
  },
  'logout-request': {
    role: 'P>C',
    what: 'Log a user out: the one on this set, or (remote logout, FAC + extension) one on another set.',
    fields: {
      reason: 'Who or what asks for it (failover-version: the secondary runs another software version).',
      ext: 'The user to log out.',
    },
    example: { type: 'logout-request', reason: 'user', ext: '5123' },
    envelope: REQ(0x00000050),
  },
  'logout-notice': {
    role: 'C>P',
    what: 'A user is logged out of this set: the answer to logout-request, or a request of its own (remote, auto, scheduled logout, a login elsewhere).',
    fields: {
      reason: 'As in logout-request.',
      ext: 'The user logged out.',
      byDn: 'Who caused it (the remote set, the set logged into elsewhere); empty when nobody.',
    },
    example: { type: 'logout-notice', reason: 'remote', ext: '5123', byDn: '5000' },
    envelope: REQ_ACK(0x00000051),
  },
  'logout-refused': {
    role: 'C>P',
    what: 'The answer to logout-request when the logout does not happen now.',
    fields: {
      reason: 'busy: the prime line is busy, the logout happens when the call ends; ringing: refused; not-allowed: COS forbids a remote logout.',
      ext: 'The user.',
    },
    example: { type: 'logout-refused', reason: 'ringing', ext: '5123' },
    envelope: RSP(0x00000050),
  },
  'blf-subscribe': {
    role: 'P>C',
    what: 'The DNs this set\'s BLF keys monitor. Replaces the previous list; an empty list unsubscribes. The controller then sends blf-state for each.',
    fields: { dns: 'The monitored DNs, each a str: at most 255, and the whole datagram within 1472 bytes.' },
    example: { type: 'blf-subscribe', dns: ['5123', '5124'] },
    envelope: REQ_ACK(0x00000060),
  },
  'blf-state': {
    role: 'C>P',
    what: 'One monitored DN\'s state, on subscribe and on every change.',
    fields: { dn: 'The monitored DN.', state: 'The state (logged-out / logged-in: a hot desk user\'s login state).' },
    example: { type: 'blf-state', dn: '5124', state: 'logged-out' },
    envelope: REQ_ACK(0x00000061),
  },
  'call-setup': {
    role: 'both',
    what: 'P>C: the user dialled toDn from line (callId 0); answered by call-alerting (ringback, naming the call) or call-release (busy, unreachable, logged-out, not-allowed). C>P: a call offered on appearance line, from fromDn to toDn; the phone rings it (or shows it waiting behind its active call) and acks.',
    fields: { ...callFields, ring: 'How the appearance announces it: ring, no-ring (the lamp only) or delay-ring (silent until a call-alerting).' },
    example: { type: 'call-setup', ...CALL, ring: 'ring' },
    envelope: REQ_ACK(0x70),
  },
  'call-alerting': callDoc('call-alerting', 'C>P: the answer to a phone\'s call-setup (the far end rings: ringback); pushed for an offered call, it rings now (delay-ring) and names its caller (who changes after a blind transfer); pushed for a call the phone does not know, the controller placed it from this set (ringback).', 0x71),
  'call-connect': callDoc('call-connect', 'P>C: the phone answers an offered call (ack ok, or rejected when it is gone). C>P: the far end answered; on a connected call, the far end is now fromDn/toDn (after a transfer or when a conference shrinks to two).', 0x72),
  'call-hold': callDoc('call-hold', 'P>C: the phone holds the call (the line lamp shows the hold cadence).', 0x73),
  'call-resume': callDoc('call-resume', 'P>C: the phone takes back a held call; or picks up, on its own appearance of a key-system line, a call another set held there (line-status held named it).', 0x74),
  'call-transfer': {
    role: 'P>C',
    what: 'Joins the far end of callId (the held call) to the far end of otherCallId (the consultation, answered or still ringing: a blind transfer) and drops this set from both.',
    fields: { ...callFields, otherCallId: 'The consultation call.' },
    example: { type: 'call-transfer', ...CALL, otherCallId: 0x0103 },
    envelope: REQ_ACK(0x75),
  },
  'call-conference': {
    role: 'both',
    what: 'P>C: joins otherCallId into callId as a three-way conference held by this set. C>P: the call is part of a conference now (otherCallId 0).',
    fields: { ...callFields, otherCallId: 'The call joined in.' },
    example: { type: 'call-conference', ...CALL, otherCallId: 0x0103 },
    envelope: REQ_ACK(0x76),
  },
  'call-release': {
    role: 'both',
    what: 'The call ends.',
    fields: { ...callFields, cause: 'Why it ended.' },
    example: { type: 'call-release', ...CALL, cause: 'normal' },
    envelope: REQ_ACK(0x77),
  },
  'line-status': {
    role: 'C>P',
    what: 'Key-system lines only: another appearance of dn is busy with callId to party, holds it (any appearance may pick it up with call-resume), or is idle again. Multicall lines never send it.',
    fields: { callId: 'The call on the other appearance.', line: 'This set\'s appearance key of dn.', dn: 'The key-system line.', party: 'The far DN of that call.', state: 'idle, busy or held.' },
    example: { type: 'line-status', callId: 0x0102, line: 2, dn: '5000', party: '5124', state: 'held' },
    envelope: REQ_ACK(0x78),
  },
  'message-waiting': {
    role: 'C>P',
    what: 'The voice mailbox of the hot desk user logged in on the set: sent at login and on every change, so the Message key lamp follows the user (lit while count > 0); the Message key calls voicemailDn.',
    fields: { ext: 'The user whose mailbox it is.', count: 'Messages waiting (0: the lamp goes dark).', voicemailDn: 'Where the mailbox answers (a party the call server plays).' },
    example: { type: 'message-waiting', ext: '5123', count: 2, voicemailDn: '8500' },
    envelope: REQ_ACK(0x80),
  },
  'agent-state': {
    role: 'C>P',
    what: 'The ACD agent logged in on the set (an agent logs in through the hot desk login, the agent ID in place of the extension): pushed after the login and on every change of state, and the answer to agent-request. The set shows what it says (MAKE BUSY, WORK TIMER) and lights the Make Busy key.',
    fields: {
      id: 'The agent ID ("" with logged-out when the set has no agent).',
      state: 'The agent\'s state: available for the next ACD call, Make Busy, in the work timer after an ACD call, on an ACD call (ringing or up); logged-out when the agent left the set.',
      logoutPending: 'The agent asked to log out during a call: the logout happens when the call ends, and no ACD call is offered until then.',
    },
    example: { type: 'agent-state', id: '1001', state: 'make-busy', logoutPending: false },
    envelope: REQ_ACK(0x90),
  },
  'agent-request': {
    role: 'P>C',
    what: 'The agent on the set asks for a change: Make Busy, available again (Make Busy off, or the work timer cancelled), or logout (the agent goes to Make Busy at once, and leaves the set when the prime line is idle).',
    fields: { action: 'The change asked for.' },
    example: { type: 'agent-request', action: 'make-busy' },
    envelope: REQ(0x91),
  },
};

// ---- offsets and sizes, read off the body layouts ----

interface Row {
  offset: string;
  size: string;
  field: string;
  type: string;
  codes?: string;
}

function rows(layout: Structure): Row[] {
  const out: Row[] = [];
  let fixed = 0;
  const vars: string[] = [];
  const at = () => [String(fixed), ...vars].filter((x, i) => i > 0 || x !== '0' || vars.length === 0).join('+');
  const letters = 'abcdefghij';
  for (const fd of layout.fields) {
    const kind = fd.constructor.name;
    if (fd.property === undefined) {
      // the unnamed count byte in front of a list
      out.push({ offset: at(), size: '1', field: '(count)', type: 'u8' });
      fixed += 1;
      continue;
    }
    const name = fd.property;
    if (kind === 'Utf8Field' || kind === 'BytesField' || kind === 'Sequence') {
      const v = letters[vars.length];
      const prefix = kind === 'BytesField' ? 2 : kind === 'Utf8Field' ? 1 : 0;
      const type = kind === 'Utf8Field' ? 'str' : kind === 'BytesField' ? 'bytes16' : 'str × count';
      out.push({ offset: at(), size: prefix ? `${prefix}+${v}` : v, field: name, type });
      fixed += prefix;
      vars.push(v);
      continue;
    }
    const type =
      kind === 'UIntBE' || kind === 'UInt'
        ? fd.span === 1
          ? 'u8'
          : `u${fd.span * 8}`
        : kind === 'EnumField'
          ? 'u8 enum'
          : kind === 'BoolField'
            ? 'u8 bool'
            : kind === 'MacField'
              ? 'mac'
              : kind === 'Ipv4Field'
                ? 'ipv4'
                : kind === 'FixedBytesField'
                  ? `bytes[${fd.span}]`
                  : kind;
    // enumerations list their codes from the codec's own table, so the document cannot disagree
    const codes = kind === 'EnumField' ? ((fd as unknown as { names: string[] }).names.map((n, i) => `${i} ${n}`).join(', ')) : undefined;
    out.push({ offset: at(), size: String(fd.span), field: name, type, codes });
    fixed += fd.span;
  }
  return out;
}

// the family tables, for the field kinds and spans of each body
const BODY_LAYOUTS = Object.fromEntries(
  Object.entries(BODY_SPECS).map(([k, v]) => [k, v.layout]),
) as Record<MessageType, Structure>;

const ROLE_TEXT: Record<Role, string> = { 'P>C': 'phone → controller', 'C>P': 'controller → phone', both: 'either way' };

function answersOf(type: MessageType): string {
  const typed = TYPED_ANSWERS[type];
  if (typed) return `answered by ${typed.map((t) => '`' + t + '`').join(' or ')}`;
  const isAnswer = Object.values(TYPED_ANSWERS).some((list) => list?.includes(type)) || type === 'ack';
  // agent-state, like logout-notice, is pushed as well as answered
  return isAnswer && type !== 'redirect' && type !== 'logout-notice' && type !== 'agent-state' ? 'an answer' : 'sent with ACK-NEEDED, answered by `ack`';
}

function escapeCell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

function exampleText(msg: Message): string {
  return JSON.stringify(msg, (_k, v) => (v instanceof Uint8Array ? `<${Buffer.from(v).toString('hex')}>` : v));
}

export function renderMessageReference(): string {
  const out: string[] = [];
  out.push('| Code | Type | Direction | Answer |', '|---|---|---|---|');
  for (const type of MESSAGE_TYPES) {
    out.push(`| 0x${typeCode(type).toString(16).padStart(2, '0')} | [\`${type}\`](#${type}) | ${ROLE_TEXT[DOCS[type].role]} | ${answersOf(type)} |`);
  }
  for (const type of MESSAGE_TYPES) {
    const doc = DOCS[type] as Doc<MessageType>;
    const fieldDocs = doc.fields as Record<string, string>;
    out.push('', `### ${type}`, '', `Code 0x${typeCode(type).toString(16).padStart(2, '0')}, ${ROLE_TEXT[doc.role]}, ${answersOf(type)}. ${doc.what}`, '');
    const body = rows(BODY_LAYOUTS[type]);
    if (body.length === 0) out.push('No body: the datagram is the 12-byte header alone.');
    else {
      out.push('| Offset | Size | Field | Type | Meaning |', '|---|---|---|---|---|');
      for (const r of body) {
        const meaning = r.field === '(count)' ? 'How many entries follow.' : (fieldDocs[r.field] ?? '');
        if (r.field !== '(count)' && !meaning) throw new Error(`protocol doc: ${type}.${r.field} has no meaning written`);
        const codes = r.codes ? ` Codes: ${r.codes}.` : '';
        out.push(`| ${r.offset} | ${r.size} | ${r.field} | ${r.type} | ${escapeCell(meaning + codes)} |`);
      }
    }
    const bytes = encodeMessage(doc.example as Message, doc.envelope);
    out.push('', `Example (txid 0x${doc.envelope.txid.toString(16)}, flags 0x${doc.envelope.flags.toString(16).padStart(2, '0')}): \`${exampleText(doc.example as Message)}\``, '', '```', hexDump(bytes), '```');
  }
  return out.join('\n');
}

export function renderKeyLayoutExample(): string {
  return [`\`${JSON.stringify(KEY_LAYOUT_EXAMPLE)}\``, '', '```', hexDump(encodeKeyLayout(KEY_LAYOUT_EXAMPLE)), '```'].join('\n');
}

export function renderPinExample(): string {
  const hmac = pinResponse(NONCE, '5123', MAC, '1234');
  const blank = pinResponse(NONCE, '5123', MAC, '');
  return [
    '```',
    `nonce  ${Buffer.from(NONCE).toString('hex')}`,
    `ext    5123          mac ${MAC}`,
    `pin    1234  -> hmac ${Buffer.from(hmac).toString('hex')}`,
    `pin    ""    -> hmac ${Buffer.from(blank).toString('hex')}`,
    '```',
  ].join('\n');
}

const BLOCKS: [string, () => string][] = [
  ['messages', renderMessageReference],
  ['key-layout-example', renderKeyLayoutExample],
  ['pin-example', renderPinExample],
];

/** The document with every generated block replaced by what the code renders now. */
export function regenerate(doc: string): string {
  let out = doc;
  for (const [name, render] of BLOCKS) {
    const begin = `<!-- generated:${name} (npx tsx test/firmware/signalling/protocol-doc.ts --write) -->`;
    const end = `<!-- end:${name} -->`;
    const i = out.indexOf(begin);
    const j = out.indexOf(end);
    if (i < 0 || j < i) throw new Error(`protocol doc: no block ${name}`);
    out = out.slice(0, i + begin.length) + '\n' + render() + '\n' + out.slice(j);
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1] && process.argv.includes('--write')) {
  writeFileSync(DOC_PATH, regenerate(readFileSync(DOC_PATH, 'utf8')));
  console.log(`wrote ${DOC_PATH}`);
}
