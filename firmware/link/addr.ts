// MAC and IPv4 addresses: strings at the API ('aa:bb:cc:dd:ee:ff', '10.0.0.1'), bytes and u32 on
// the wire. Parsers return undefined for bad text rather than throwing, so callers choose the error.

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export const BROADCAST_MAC = 'ff:ff:ff:ff:ff:ff';
export const ZERO_MAC = '00:00:00:00:00:00';
export const ANY_IP = '0.0.0.0';
export const BROADCAST_IP = '255.255.255.255';

/** One hex digit's value, or -1. */
function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48; // 0-9
  const lower = c | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87; // a-f, A-F
  return -1;
}

/**
 * 'aa:bb:cc:dd:ee:ff' (or with '-', any case) -> 6 bytes. Hand-rolled rather than a regex: the stack
 * parses a MAC for every frame it sends.
 */
export function parseMac(text: string): Buffer | undefined {
  if (text.length !== 17) return undefined;
  const mac = Buffer.alloc(6); // its own memory: a caller may keep it
  for (let i = 0; i < 6; i++) {
    const hi = hexDigit(text.charCodeAt(i * 3));
    const lo = hexDigit(text.charCodeAt(i * 3 + 1));
    if (hi < 0 || lo < 0) return undefined;
    if (i < 5) {
      const sep = text.charCodeAt(i * 3 + 2);
      if (sep !== 58 && sep !== 45) return undefined; // ':' or '-'
    }
    mac[i] = (hi << 4) | lo;
  }
  return mac;
}

/** 6 bytes at `offset` -> 'aa:bb:cc:dd:ee:ff' (lower case, the one spelling the stack compares). */
export function formatMac(bytes: Uint8Array, offset = 0): string {
  const b = bytes;
  const o = offset;
  return `${HEX[b[o]]}:${HEX[b[o + 1]]}:${HEX[b[o + 2]]}:${HEX[b[o + 3]]}:${HEX[b[o + 4]]}:${HEX[b[o + 5]]}`;
}

/** Normalizes a MAC's spelling, or undefined when it is not a MAC. */
export function normalizeMac(text: string): string | undefined {
  const mac = parseMac(text);
  return mac ? formatMac(mac) : undefined;
}

/** A group (multicast or broadcast) address has the low bit of its first byte set. */
export function isGroupMac(mac: string): boolean {
  return (parseInt(mac.slice(0, 2), 16) & 1) === 1;
}

/** Dotted quad (1-3 digits per octet) -> unsigned 32-bit number. Hand-rolled: hot on every datagram. */
export function parseIpv4(text: string): number | undefined {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      // '.'
      if (digits === 0 || dots === 3) return undefined;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (++digits > 3) return undefined;
      octet = octet * 10 + (c - 48);
      if (octet > 255) return undefined;
    } else {
      return undefined;
    }
  }
  if (dots !== 3 || digits === 0) return undefined;
  return value * 256 + octet;
}

/** Unsigned 32-bit number -> dotted quad. */
export function formatIpv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 0xff}.${(value >>> 8) & 0xff}.${value & 0xff}`;
}

/** Normalizes a dotted quad ('010.0.0.1' -> '10.0.0.1'), or undefined when it is not one. */
export function normalizeIpv4(text: string): string | undefined {
  const value = parseIpv4(text);
  return value === undefined ? undefined : formatIpv4(value);
}
