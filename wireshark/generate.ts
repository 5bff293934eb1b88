// Writes wireshark/hotdesk.lua, the Wireshark dissector of the signalling protocol, from the codec's own
// tables (firmware/signalling/): the message types and codes, each body's layout field by field, the
// enumerations' code lists, the header and sealed-datagram constants, the decoder's drop reasons. The
// same tables render docs/protocol.md, so the dissector, the document and the code cannot drift apart
// (test/wireshark/dissector-current.test.ts fails when the committed file is not what this writes).
//   npx tsx wireshark/generate.ts --write      regenerates wireshark/hotdesk.lua
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Layout, Structure } from 'buffer-layout';
import {
  FLAG_ACK_NEEDED,
  FLAG_REQUEST,
  FLAG_RESPONSE,
  FLAG_RETRANSMIT,
  HEADER_BYTES,
  MAGIC,
  MESSAGE_TYPES,
  PROTOCOL_VERSION,
  SIGNALLING_PORT,
  BODY_SPECS,
  encodeMessage,
  typeCode,
} from '../firmware/signalling/messages.ts';
import type { DecodeFailure, Message, MessageType } from '../firmware/signalling/messages.ts';
import type { BodyTable } from '../firmware/signalling/body-spec.ts';
import { SESSION_ID_BYTES, TAG_BYTES } from '../firmware/signalling/secure/crypto.ts';
import { SEALED_HEADER_BYTES, SEALED_MAGIC, SEALED_OVERHEAD, SEALED_VERSION, sealedHeader } from '../firmware/signalling/secure/sealed.ts';
import type { SealedParse } from '../firmware/signalling/secure/sealed.ts';

export const DISSECTOR_PATH = fileURLToPath(new URL('./hotdesk.lua', import.meta.url));
const TEMPLATE_PATH = fileURLToPath(new URL('./dissector-template.lua', import.meta.url));
const MARKER = '--@@GENERATED-TABLES@@';

type SealedFailure = Extract<SealedParse, { ok: false }>['reason'];

// Every reason the decoders drop a datagram for becomes an expert, hotdesk.<reason>. Keyed by the
// codec's own types: a new reason there is a compile error here until it has its text.
const FAILURES: Record<DecodeFailure | SealedFailure, string> = {
  'too-short': 'Shorter than the 12-byte header',
  'bad-magic': 'Not "HD": not a hotdesk datagram',
  'bad-version': 'A protocol version the firmware does not speak',
  'unknown-type': 'A message type code the firmware does not know',
  'bad-flags': 'An impossible flag combination',
  'bad-length': "The header's body length disagrees with the datagram",
  truncated: 'A field runs past the end of the body',
  'trailing-bytes': 'Bytes after the last field of the body',
  'bad-utf8': 'A string field that is not well-formed UTF-8',
  'bad-enum': 'An enumerated field with a code that has no meaning',
  'bad-value': 'A field outside its range (a boolean that is not 0/1)',
  malformed: 'Anything else the decoder could not make sense of',
  'sealed-short': 'A sealed datagram too short for its header and tag',
  'sealed-version': 'A sealed datagram of another version',
};

// ---- the body layouts, as the engine's field kinds ----

export type Field =
  | { name: string; kind: 'u8' | 'u16' | 'u32' | 'u48' | 'bool' | 'mac' | 'ipv4' | 'bytes'; size: number }
  | { name: string; kind: 'enum'; size: number; values: readonly string[] }
  | { name: string; kind: 'str' | 'bytes16' | 'strlist' };

// the codec's own table of every body (messages.ts): a family added there is described here too
const BODIES: Readonly<BodyTable<Message>> = BODY_SPECS;

function bodyLayouts(): Map<MessageType, Structure> {
  const out = new Map<MessageType, Structure>();
  for (const type of MESSAGE_TYPES) {
    const spec = BODIES[type] as BodyTable<Message>[MessageType] | undefined;
    if (!spec) throw new Error(`wireshark: no body table for ${type} (add its family to wireshark/generate.ts)`);
    if (spec.code !== typeCode(type)) throw new Error(`wireshark: ${type} is code ${spec.code} in its table, ${typeCode(type)} in the codec`);
    out.set(type, spec.layout);
  }
  const extra = Object.keys(BODIES).filter((t) => !out.has(t as MessageType));
  if (extra.length > 0) throw new Error(`wireshark: body tables for types the codec does not list: ${extra.join(', ')}`);
  return out;
}

/** One body's fields, by the kind of buffer-layout Layout each is (the classes of wire-fields.ts). */
function fieldsOf(type: string, layout: Structure): Field[] {
  const out: Field[] = [];
  const fields: Layout[] = layout.fields;
  for (let i = 0; i < fields.length; i++) {
    const fd = fields[i];
    const kind = fd.constructor.name;
    if (fd.property === undefined) {
      // strList: an unnamed u8 count, then the sequence that reads it through offset -1
      const list = fields[i + 1];
      if (!(kind === 'UInt' && fd.span === 1 && list?.constructor.name === 'Sequence' && list.property)) {
        throw new Error(`wireshark: ${type} has an unnamed ${kind} that is not a list's count`);
      }
      out.push({ name: list.property, kind: 'strlist' });
      i++;
      continue;
    }
    const name = fd.property;
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name)) throw new Error(`wireshark: ${type}.${name} is no field name a filter can use`);
    switch (kind) {
      case 'UInt': // buffer-layout's little-endian integers: only the single byte is the same either way
      case 'UIntBE': {
        if (kind === 'UInt' && fd.span !== 1) throw new Error(`wireshark: ${type}.${name} is little-endian; the wire is big-endian`);
        const sizes: Record<number, 'u8' | 'u16' | 'u32' | 'u48'> = { 1: 'u8', 2: 'u16', 4: 'u32', 6: 'u48' };
        const k = sizes[fd.span];
        if (!k) throw new Error(`wireshark: ${type}.${name} is a ${fd.span}-byte integer`);
        out.push({ name, kind: k, size: fd.span });
        break;
      }
      case 'EnumField':
        out.push({ name, kind: 'enum', size: fd.span, values: (fd as unknown as { names: readonly string[] }).names });
        break;
      case 'BoolField':
        out.push({ name, kind: 'bool', size: fd.span });
        break;
      case 'MacField':
        out.push({ name, kind: 'mac', size: fd.span });
        break;
      case 'Ipv4Field':
        out.push({ name, kind: 'ipv4', size: fd.span });
        break;
      case 'FixedBytesField':
        out.push({ name, kind: 'bytes', size: fd.span });
        break;
      case 'Utf8Field':
        out.push({ name, kind: 'str' });
        break;
      case 'BytesField':
        out.push({ name, kind: 'bytes16' });
        break;
      default:
        throw new Error(`wireshark: ${type}.${name} is a ${kind}, a field kind the dissector does not know`);
    }
  }
  return out;
}

/** Every message type's fields as the dissector shows them, in wire-code order. */
export function messageFields(): Map<MessageType, Field[]> {
  return new Map([...bodyLayouts()].map(([type, layout]) => [type, fieldsOf(type, layout)]));
}

/** The display-filter name of a message's field: hotdesk.<type, hyphens as underscores>.<field>. */
export function fieldFilter(type: MessageType, field: string): string {
  return `hotdesk.${type.replace(/-/g, '_')}.${field}`;
}

// ---- the headers, checked against what the codec writes ----

const HEADER_OFFSETS = { magic: 0, version: 2, type: 3, flags: 4, reserved: 5, txid: 6, length: 10 };
const SEALED_OFFSETS = { magic: 0, version: 2, reserved: 3, session: 4, seq: 4 + SESSION_ID_BYTES };

/** The offsets the engine reads the header at, proved on a datagram encodeMessage wrote. */
function checkedHeader(): void {
  const txid = 0x11223344;
  const flags = FLAG_REQUEST | FLAG_ACK_NEEDED;
  const b = Buffer.from(encodeMessage({ type: 'blf-state', dn: '5124', state: 'idle' }, { txid, flags }));
  const o = HEADER_OFFSETS;
  const ok =
    b.readUInt16BE(o.magic) === MAGIC &&
    b[o.version] === PROTOCOL_VERSION &&
    b[o.type] === typeCode('blf-state') &&
    b[o.flags] === flags &&
    b[o.reserved] === 0 &&
    b.readUInt32BE(o.txid) === txid &&
    b.readUInt16BE(o.length) === b.length - HEADER_BYTES &&
    o.length + 2 === HEADER_BYTES;
  if (!ok) throw new Error(`wireshark: the header is not laid out as HEADER_OFFSETS says (${b.subarray(0, HEADER_BYTES).toString('hex')})`);
  const sessionId = Uint8Array.from({ length: SESSION_ID_BYTES }, (_, i) => i + 1);
  const s = Buffer.from(sealedHeader({ sessionId, seq: 0x0102030405060708n }));
  const so = SEALED_OFFSETS;
  const sealedOk =
    s.readUInt16BE(so.magic) === SEALED_MAGIC &&
    s[so.version] === SEALED_VERSION &&
    s[so.reserved] === 0 &&
    s.subarray(so.session, so.session + SESSION_ID_BYTES).equals(Buffer.from(sessionId)) &&
    s.readBigUInt64BE(so.seq) === 0x0102030405060708n &&
    so.seq + 8 === SEALED_HEADER_BYTES &&
    SEALED_OVERHEAD === SEALED_HEADER_BYTES + TAG_BYTES;
  if (!sealedOk) throw new Error(`wireshark: the sealed header is not laid out as SEALED_OFFSETS says (${s.toString('hex')})`);
}

// ---- Lua ----

function lua(s: string): string {
  if (!/^[\x20-\x7e]*$/.test(s)) throw new Error(`wireshark: ${JSON.stringify(s)} is not printable ASCII`);
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

const hex = (n: number, width = 2) => `0x${n.toString(16).padStart(width, '0')}`;

function luaField(f: Field): string {
  const parts = [`name = ${lua(f.name)}`, `kind = ${lua(f.kind)}`];
  if ('size' in f) parts.push(`size = ${f.size}`);
  if (f.kind === 'enum') parts.push(`values = { ${f.values.map((v, i) => `[${i}] = ${lua(v)}`).join(', ')} }`);
  return `{ ${parts.join(', ')} }`;
}

/** The generated tables, the part of hotdesk.lua that comes from the codec. */
export function renderTables(): string {
  checkedHeader();
  const fieldsByType = messageFields();
  const out: string[] = [
    '-- ---- generated from firmware/signalling/ by wireshark/generate.ts: do not edit ----',
    '',
    `local PORT = ${SIGNALLING_PORT}`,
    '',
    '-- the 12-byte header: offsets, and the values a datagram of ours has there',
    `local HEADER = { bytes = ${HEADER_BYTES}, ${Object.entries(HEADER_OFFSETS).map(([k, v]) => `${k} = ${v}`).join(', ')}, magic_value = ${hex(MAGIC, 4)}, version_value = ${PROTOCOL_VERSION} }`,
    '',
    '-- the sealed datagram: header (its additional data), then AES-256-GCM ciphertext, tag last',
    `local SEALED = { header_bytes = ${SEALED_HEADER_BYTES}, tag_bytes = ${TAG_BYTES}, overhead = ${SEALED_OVERHEAD}, session_bytes = ${SESSION_ID_BYTES}, ${Object.entries(SEALED_OFFSETS).map(([k, v]) => `${k} = ${v}`).join(', ')}, magic_value = ${hex(SEALED_MAGIC, 4)}, version_value = ${SEALED_VERSION} }`,
    '',
    '-- transaction flags',
    `local FLAG = { request = ${hex(FLAG_REQUEST)}, response = ${hex(FLAG_RESPONSE)}, ack_needed = ${hex(FLAG_ACK_NEEDED)}, retransmit = ${hex(FLAG_RETRANSMIT)} }`,
    'local FLAGS = {',
    `  { name = "request", abbrev = "request", label = "REQUEST", mask = ${hex(FLAG_REQUEST)} },`,
    `  { name = "response", abbrev = "response", label = "RESPONSE", mask = ${hex(FLAG_RESPONSE)} },`,
    `  { name = "ack_needed", abbrev = "ack_needed", label = "ACK-NEEDED", mask = ${hex(FLAG_ACK_NEEDED)} },`,
    `  { name = "retransmit", abbrev = "retransmit", label = "RETRANSMIT", mask = ${hex(FLAG_RETRANSMIT)} },`,
    '}',
    '',
    "-- why a datagram is dropped: the decoders' reasons (firmware/signalling/wire-fields.ts, secure/sealed.ts)",
    'local FAILURES = {',
    ...Object.entries(FAILURES).map(([name, text]) => `  { name = ${lua(name)}, text = ${lua(text)} },`),
    '}',
    '',
    '-- every message type by code, its body field by field (firmware/signalling/messages-*.ts)',
    'local TYPE_NAMES = {',
    ...MESSAGE_TYPES.map((t) => `  [${hex(typeCode(t))}] = ${lua(t)},`),
    '}',
    'local MESSAGES = {',
  ];
  for (const type of MESSAGE_TYPES) {
    const fields = fieldsByType.get(type)!;
    out.push(`  [${hex(typeCode(type))}] = { name = ${lua(type)}, fields = {`);
    for (const f of fields) out.push(`    ${luaField(f)},`);
    out.push('  } },');
  }
  out.push('}', '', '-- ---- end of the generated tables ----');
  return out.join('\n');
}

/** hotdesk.lua as it must be: the engine with the tables in place of its marker line. */
export function renderDissector(): string {
  const template = readFileSync(TEMPLATE_PATH, 'utf8');
  const lines = template.split('\n');
  const at = lines.indexOf(MARKER);
  if (at < 0 || lines.lastIndexOf(MARKER) !== at) throw new Error(`wireshark: ${TEMPLATE_PATH} must hold the line ${MARKER} once`);
  const banner = [
    '-- GENERATED by wireshark/generate.ts from firmware/signalling/ and wireshark/dissector-template.lua:',
    '-- do not edit (npx tsx wireshark/generate.ts --write). Open a capture with it:',
    '--   wireshark -X lua_script:wireshark/hotdesk.lua capture.pcap',
    '',
  ];
  return [...banner, ...lines.slice(0, at), renderTables(), ...lines.slice(at + 1)].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--write')) {
    writeFileSync(DISSECTOR_PATH, renderDissector());
    console.log(`wrote ${DISSECTOR_PATH}`);
  } else {
    process.stdout.write(renderDissector());
  }
}
