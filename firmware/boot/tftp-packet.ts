// TFTP packets: RFC 1350 (RRQ, WRQ, DATA, ACK, ERROR) plus the RFC 2347 OACK and the options the phone
// negotiates: blksize (RFC 2348), tsize and timeout (RFC 2349), windowsize (RFC 7440).
// decodeTftp never throws: a datagram off the wire is untrusted, so every flaw becomes a typed reason.
import { struct, u16be } from 'buffer-layout';

export const OPCODE = { RRQ: 1, WRQ: 2, DATA: 3, ACK: 4, ERROR: 5, OACK: 6 } as const;

/** RFC 1350 error codes, plus 8 (option negotiation refused) from RFC 2347. */
export const TFTP_ERROR = {
  notDefined: 0,
  fileNotFound: 1,
  accessViolation: 2,
  diskFull: 3,
  illegalOperation: 4,
  unknownTid: 5,
  fileExists: 6,
  noSuchUser: 7,
  optionRefused: 8,
} as const;

/** The default block size of RFC 1350, and the block size a server that ignores options uses. */
export const DEFAULT_BLKSIZE = 512;

/** Valid ranges, from the option RFCs; a value outside is not that option at all. */
export const OPTION_RANGE = {
  blksize: [8, 65464],
  timeout: [1, 255],
  windowsize: [1, 65535],
  tsize: [0, Number.MAX_SAFE_INTEGER],
} as const;

export type OptionName = keyof typeof OPTION_RANGE;
export const OPTION_NAMES = Object.keys(OPTION_RANGE) as OptionName[];

/** The options this codec understands, already range-checked. */
export type TftpOptions = Partial<Record<OptionName, number>>;

/**
 * An option pair the codec did not turn into TftpOptions: an unknown name, or a known name whose value
 * is out of range or not a number. Kept (not dropped) because a client must refuse an OACK carrying
 * anything it did not ask for, and a server must simply leave such options out of its OACK.
 */
export interface RawOption {
  name: string;
  value: string;
}

export interface TftpRequest {
  op: 'RRQ' | 'WRQ';
  file: string;
  /** Lower case: RFC 1350 modes are case-insensitive. */
  mode: string;
  options: TftpOptions;
  others: RawOption[];
}

export type TftpPacket =
  | TftpRequest
  | { op: 'DATA'; block: number; data: Uint8Array }
  | { op: 'ACK'; block: number }
  | { op: 'ERROR'; code: number; message: string }
  | { op: 'OACK'; options: TftpOptions; others: RawOption[] };

export type TftpDecode = { ok: true; packet: TftpPacket } | { ok: false; reason: string };

const HEADER = struct<{ op: number; n: number }>([u16be('op'), u16be('n')]);
const OPCODE_ONLY = struct<{ op: number }>([u16be('op')]);

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

// ---------------------------------------------------------------------------------------------------
// Encoding

/** Encodes a packet. Throws only on a programming error (a NUL inside a string, a number out of u16). */
export function encodeTftp(p: TftpPacket): Uint8Array {
  switch (p.op) {
    case 'RRQ':
    case 'WRQ':
      return withStrings(OPCODE[p.op], [p.file, p.mode, ...optionStrings(p.options, p.others)]);
    case 'OACK':
      return withStrings(OPCODE.OACK, optionStrings(p.options, p.others));
    case 'DATA': {
      const buf = Buffer.alloc(HEADER.span + p.data.length);
      HEADER.encode({ op: OPCODE.DATA, n: u16(p.block) }, buf);
      buf.set(p.data, HEADER.span);
      return buf;
    }
    case 'ACK': {
      const buf = Buffer.alloc(HEADER.span);
      HEADER.encode({ op: OPCODE.ACK, n: u16(p.block) }, buf);
      return buf;
    }
    case 'ERROR': {
      const text = cString(p.message);
      const buf = Buffer.alloc(HEADER.span + text.length);
      HEADER.encode({ op: OPCODE.ERROR, n: u16(p.code) }, buf);
      buf.set(text, HEADER.span);
      return buf;
    }
  }
}

function u16(n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > 0xffff) throw new RangeError(`TFTP field ${n} is not a u16`);
  return n;
}

function optionStrings(options: TftpOptions, others: readonly RawOption[] = []): string[] {
  const out: string[] = [];
  for (const name of OPTION_NAMES) {
    const v = options[name];
    if (v !== undefined) out.push(name, String(v));
  }
  for (const o of others) out.push(o.name, o.value);
  return out;
}

function withStrings(op: number, strings: readonly string[]): Uint8Array {
  const parts = strings.map(cString);
  const buf = Buffer.alloc(OPCODE_ONLY.span + parts.reduce((n, s) => n + s.length, 0));
  OPCODE_ONLY.encode({ op }, buf);
  let at = OPCODE_ONLY.span;
  for (const s of parts) {
    buf.set(s, at);
    at += s.length;
  }
  return buf;
}

/** netascii strings go out as latin1 (one byte per char), NUL-terminated. */
function cString(s: string): Buffer {
  if (s.includes('\0')) throw new RangeError('a TFTP string cannot contain NUL');
  return Buffer.from(`${s}\0`, 'latin1');
}

// ---------------------------------------------------------------------------------------------------
// Decoding

export function decodeTftp(bytes: Uint8Array): TftpDecode {
  if (bytes.length < OPCODE_ONLY.span) return fail(`packet of ${bytes.length} bytes has no opcode`);
  const buf = asBuffer(bytes);
  const { op } = OPCODE_ONLY.decode(buf);
  switch (op) {
    case OPCODE.RRQ:
    case OPCODE.WRQ:
      return decodeRequest(op === OPCODE.RRQ ? 'RRQ' : 'WRQ', buf);
    case OPCODE.OACK: {
      const strings = splitStrings(buf, OPCODE_ONLY.span);
      if (!strings.ok) return fail(`OACK: ${strings.reason}`);
      const opts = parseOptions(strings.list);
      if (!opts.ok) return fail(`OACK: ${opts.reason}`);
      return { ok: true, packet: { op: 'OACK', options: opts.options, others: opts.others } };
    }
    case OPCODE.DATA: {
      if (buf.length < HEADER.span) return fail('DATA shorter than its header');
      const { n } = HEADER.decode(buf);
      // a copy: the caller may reuse the datagram buffer, and the block outlives it (flash queue)
      return { ok: true, packet: { op: 'DATA', block: n, data: new Uint8Array(bytes.subarray(HEADER.span)) } };
    }
    case OPCODE.ACK: {
      if (buf.length !== HEADER.span) return fail(`ACK of ${buf.length} bytes (must be 4)`);
      return { ok: true, packet: { op: 'ACK', block: HEADER.decode(buf).n } };
    }
    case OPCODE.ERROR: {
      if (buf.length < HEADER.span) return fail('ERROR shorter than its header');
      const { n } = HEADER.decode(buf);
      // Lenient on a missing terminator: the message is only for people, and an ERROR must still stop us.
      const end = buf.indexOf(0, HEADER.span);
      const message = buf.toString('latin1', HEADER.span, end < 0 ? buf.length : end);
      return { ok: true, packet: { op: 'ERROR', code: n, message } };
    }
    default:
      return fail(`unknown opcode ${op}`);
  }
}

function fail(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}

function decodeRequest(op: 'RRQ' | 'WRQ', buf: Buffer): TftpDecode {
  const strings = splitStrings(buf, OPCODE_ONLY.span);
  if (!strings.ok) return fail(`${op}: ${strings.reason}`);
  const [file, mode, ...rest] = strings.list;
  if (file === undefined || mode === undefined) return fail(`${op}: needs a file name and a mode`);
  if (file === '') return fail(`${op}: empty file name`);
  const opts = parseOptions(rest);
  if (!opts.ok) return fail(`${op}: ${opts.reason}`);
  return { ok: true, packet: { op, file, mode: mode.toLowerCase(), options: opts.options, others: opts.others } };
}

/** Splits NUL-terminated strings; the last one must be terminated too (RFC 1350 framing). */
function splitStrings(buf: Buffer, from: number): { ok: true; list: string[] } | { ok: false; reason: string } {
  const list: string[] = [];
  let at = from;
  while (at < buf.length) {
    const end = buf.indexOf(0, at);
    if (end < 0) return fail(`string at byte ${at} is not NUL-terminated`);
    list.push(buf.toString('latin1', at, end));
    at = end + 1;
  }
  return { ok: true, list };
}

const DECIMAL = /^[0-9]{1,16}$/;

function parseOptions(
  strings: readonly string[],
): { ok: true; options: TftpOptions; others: RawOption[] } | { ok: false; reason: string } {
  if (strings.length % 2 !== 0) return fail(`option "${strings[strings.length - 1]}" has no value`);
  const options: TftpOptions = {};
  const others: RawOption[] = [];
  for (let i = 0; i < strings.length; i += 2) {
    const name = strings[i].toLowerCase(); // RFC 2347: option names are case-insensitive
    const value = strings[i + 1];
    if (name === '') return fail('empty option name');
    const n = knownValue(name, value);
    if (n === undefined) others.push({ name, value });
    else options[name as OptionName] = n;
  }
  return { ok: true, options, others };
}

function knownValue(name: string, value: string): number | undefined {
  if (!(OPTION_NAMES as string[]).includes(name) || !DECIMAL.test(value)) return undefined;
  const [lo, hi] = OPTION_RANGE[name as OptionName];
  const n = Number(value);
  return n >= lo && n <= hi ? n : undefined;
}

/** True for the names this codec knows; an `others` entry with such a name had a bad value. */
export function isKnownOption(name: string): name is OptionName {
  return (OPTION_NAMES as string[]).includes(name);
}

/** One line for a trace or a log. */
export function describeTftp(p: TftpPacket): string {
  switch (p.op) {
    case 'RRQ':
    case 'WRQ':
      return `${p.op} ${p.file} ${p.mode}${describeOptions(p.options, p.others)}`;
    case 'OACK':
      return `OACK${describeOptions(p.options, p.others)}`;
    case 'DATA':
      return `DATA ${p.block} (${p.data.length} bytes)`;
    case 'ACK':
      return `ACK ${p.block}`;
    case 'ERROR':
      return `ERROR ${p.code} ${p.message}`;
  }
}

function describeOptions(options: TftpOptions, others: readonly RawOption[]): string {
  const s = optionStrings(options, others);
  let out = '';
  for (let i = 0; i < s.length; i += 2) out += ` ${s[i]}=${s[i + 1]}`;
  return out;
}
