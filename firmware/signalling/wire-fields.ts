// The field layouts signalling bodies are built from, as buffer-layout Layout subclasses so a body is
// one `struct([...])`. buffer-layout's own blob/utf8 slice silently past the end of a short buffer and
// accept any bytes as text; these check bounds and well-formedness and fail with a typed reason, so the
// decoder can say WHY a datagram was dropped instead of handing garbage upward.
import { Layout, offset as offsetOf, seq, u8 } from 'buffer-layout';
import type { Sequence } from 'buffer-layout';

/** Why a datagram was not accepted as a signalling message. */
export type DecodeFailure =
  | 'too-short' // shorter than the 12-byte header
  | 'bad-magic' // not "HD": not ours
  | 'bad-version' // a protocol version this firmware does not speak
  | 'unknown-type' // a message type code this firmware does not know
  | 'bad-flags' // an impossible flag combination (REQUEST with RESPONSE, ACK-NEEDED without REQUEST)
  | 'bad-length' // the header's body length disagrees with the datagram size
  | 'truncated' // a field runs past the end of the body
  | 'trailing-bytes' // the body has bytes after its last field
  | 'bad-utf8' // a string field is not well-formed UTF-8
  | 'bad-enum' // an enumerated field holds a code with no meaning
  | 'bad-value' // a field holds a value outside its range (a boolean that is not 0/1, ...)
  | 'malformed'; // anything else the decoder could not make sense of

/** Thrown inside a layout's decode; decodeMessage catches it and returns its reason. */
export class WireError extends Error {
  constructor(
    readonly reason: DecodeFailure,
    detail: string,
  ) {
    super(`${reason}: ${detail}`);
  }
}

function need(b: Buffer, at: number, n: number, what: string): void {
  if (at < 0 || at + n > b.length) throw new WireError('truncated', `${what} needs ${n} bytes at ${at}`);
}

function room(b: Buffer, at: number, n: number, what: string): void {
  if (at + n > b.length) throw new RangeError(`${what}: encoding overruns the buffer`);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A string is well formed when it has no unpaired surrogate (it would not survive UTF-8). */
function isWellFormed(s: string): boolean {
  return !/\p{Surrogate}/u.test(s);
}

/** The longest string a field carries, in UTF-8 bytes: its length prefix is one byte. */
export const MAX_STRING_BYTES = 255;

/** u8 length + that many bytes of UTF-8. Names, labels, DNs, versions. */
class Utf8Field extends Layout<string> {
  constructor(property?: string) {
    super(-1, property);
  }
  override getSpan(b?: Buffer, at = 0): number {
    if (!b) throw new RangeError('indeterminate span');
    need(b, at, 1, 'string length');
    return 1 + b[at];
  }
  override decode(b: Buffer, at = 0): string {
    need(b, at, 1, 'string length');
    const n = b[at];
    need(b, at + 1, n, 'string');
    try {
      return strictUtf8.decode(b.subarray(at + 1, at + 1 + n));
    } catch {
      throw new WireError('bad-utf8', `string at ${at}`);
    }
  }
  override encode(src: string, b: Buffer, at = 0): number {
    if (typeof src !== 'string' || !isWellFormed(src)) throw new TypeError(`${this.property}: not a well-formed string`);
    const bytes = Buffer.from(src, 'utf8');
    if (bytes.length > MAX_STRING_BYTES) {
      throw new RangeError(`${this.property}: ${bytes.length} UTF-8 bytes, at most ${MAX_STRING_BYTES}`);
    }
    room(b, at, 1 + bytes.length, this.property ?? 'string');
    b[at] = bytes.length;
    bytes.copy(b, at + 1);
    return 1 + bytes.length;
  }
}

/** A length-prefixed UTF-8 string (u8 length, at most 255 bytes). */
export function str(property: string): Layout<string> {
  return new Utf8Field(property);
}

/**
 * u8 count + that many strings: two layouts, spread them into a body (`[...strList('dns')]`). The count
 * is an unnamed u8 the sequence reads and writes through an offset of -1, as buffer-layout intends.
 */
export function strList(property: string): [Layout<number>, Sequence<string>] {
  return [u8(), seq(new Utf8Field(), offsetOf(u8(), -1), property)];
}

/** Exactly `n` raw bytes (a nonce, an HMAC), as a Uint8Array that does not alias the datagram. */
class FixedBytesField extends Layout<Uint8Array> {
  constructor(n: number, property: string) {
    super(n, property);
  }
  override decode(b: Buffer, at = 0): Uint8Array {
    need(b, at, this.span, this.property ?? 'bytes');
    return new Uint8Array(b.subarray(at, at + this.span));
  }
  override encode(src: Uint8Array, b: Buffer, at = 0): number {
    if (!(src instanceof Uint8Array) || src.length !== this.span) {
      throw new RangeError(`${this.property}: needs exactly ${this.span} bytes`);
    }
    room(b, at, this.span, this.property ?? 'bytes');
    b.set(src, at);
    return this.span;
  }
}

export function fixedBytes(n: number, property: string): Layout<Uint8Array> {
  return new FixedBytesField(n, property);
}

/** u16be length + that many raw bytes (a key-layout block). */
class BytesField extends Layout<Uint8Array> {
  constructor(property: string) {
    super(-1, property);
  }
  override getSpan(b?: Buffer, at = 0): number {
    if (!b) throw new RangeError('indeterminate span');
    need(b, at, 2, 'bytes length');
    return 2 + b.readUInt16BE(at);
  }
  override decode(b: Buffer, at = 0): Uint8Array {
    need(b, at, 2, 'bytes length');
    const n = b.readUInt16BE(at);
    need(b, at + 2, n, 'bytes');
    return new Uint8Array(b.subarray(at + 2, at + 2 + n));
  }
  override encode(src: Uint8Array, b: Buffer, at = 0): number {
    if (!(src instanceof Uint8Array) || src.length > 0xffff) throw new RangeError(`${this.property}: 0 to 65535 bytes`);
    room(b, at, 2 + src.length, this.property ?? 'bytes');
    b.writeUInt16BE(src.length, at);
    b.set(src, at + 2);
    return 2 + src.length;
  }
}

export function bytes(property: string): Layout<Uint8Array> {
  return new BytesField(property);
}

/** An enumeration on the wire as one byte: the code is the name's index in `names`. */
class EnumField<T extends string> extends Layout<T> {
  constructor(
    private readonly names: readonly T[],
    property: string,
  ) {
    super(1, property);
  }
  override decode(b: Buffer, at = 0): T {
    need(b, at, 1, this.property ?? 'enum');
    const name = this.names[b[at]];
    if (name === undefined) throw new WireError('bad-enum', `${this.property} code ${b[at]}`);
    return name;
  }
  override encode(src: T, b: Buffer, at = 0): number {
    const code = this.names.indexOf(src);
    if (code < 0) throw new RangeError(`${this.property}: unknown value ${String(src)}`);
    room(b, at, 1, this.property ?? 'enum');
    b[at] = code;
    return 1;
  }
}

export function enumOf<T extends string>(names: readonly T[], property: string): Layout<T> {
  return new EnumField(names, property);
}

/** A boolean as one byte, 0 or 1; anything else is refused rather than guessed. */
class BoolField extends Layout<boolean> {
  constructor(property: string) {
    super(1, property);
  }
  override decode(b: Buffer, at = 0): boolean {
    need(b, at, 1, this.property ?? 'boolean');
    if (b[at] > 1) throw new WireError('bad-value', `${this.property} is ${b[at]}, not 0/1`);
    return b[at] === 1;
  }
  override encode(src: boolean, b: Buffer, at = 0): number {
    room(b, at, 1, this.property ?? 'boolean');
    b[at] = src ? 1 : 0;
    return 1;
  }
}

export function bool(property: string): Layout<boolean> {
  return new BoolField(property);
}

const MAC_TEXT = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

/** Parses "00:08:5d:12:34:56" (either case) into 6 bytes; undefined when it is not a MAC. */
export function parseMac(mac: string): Uint8Array | undefined {
  const text = mac.toLowerCase();
  if (!MAC_TEXT.test(text)) return undefined;
  return Uint8Array.from(text.split(':'), (h) => parseInt(h, 16));
}

/** 6 bytes as lower-case "aa:bb:cc:dd:ee:ff", the one spelling every decoded message uses. */
export function formatMac(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':');
}

class MacField extends Layout<string> {
  constructor(property: string) {
    super(6, property);
  }
  override decode(b: Buffer, at = 0): string {
    need(b, at, 6, this.property ?? 'mac');
    return formatMac(b.subarray(at, at + 6));
  }
  override encode(src: string, b: Buffer, at = 0): number {
    const mac = parseMac(src);
    if (!mac) throw new RangeError(`${this.property}: not a MAC address: ${src}`);
    room(b, at, 6, this.property ?? 'mac');
    b.set(mac, at);
    return 6;
  }
}

export function mac(property: string): Layout<string> {
  return new MacField(property);
}

/** Parses dotted-quad IPv4 text into 4 bytes; undefined when it is not one. */
export function parseIpv4(ip: string): Uint8Array | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) return undefined;
  return Uint8Array.from(parts, Number);
}

class Ipv4Field extends Layout<string> {
  constructor(property: string) {
    super(4, property);
  }
  override decode(b: Buffer, at = 0): string {
    need(b, at, 4, this.property ?? 'ipv4');
    return Array.from(b.subarray(at, at + 4)).join('.');
  }
  override encode(src: string, b: Buffer, at = 0): number {
    const ip = parseIpv4(src);
    if (!ip) throw new RangeError(`${this.property}: not an IPv4 address: ${src}`);
    room(b, at, 4, this.property ?? 'ipv4');
    b.set(ip, at);
    return 4;
  }
}

export function ipv4(property: string): Layout<string> {
  return new Ipv4Field(property);
}
