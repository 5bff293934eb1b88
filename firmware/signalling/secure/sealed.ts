// The sealed datagram: every signalling message after the key exchange travels inside one.
//   magic 'HS' (2) | version (1) | reserved (1) | session id (8) | sequence (8) | ciphertext + tag (16)
// The first 20 bytes are authenticated as the AEAD's additional data; the ciphertext is a whole clear
// signalling datagram (header, transaction id, body). A clear datagram starts with 'HD' instead.
import { SESSION_ID_BYTES, TAG_BYTES } from './crypto.ts';

export const SEALED_MAGIC = 0x4853; // "HS"
export const SEALED_VERSION = 1;
export const SEALED_HEADER_BYTES = 2 + 1 + 1 + SESSION_ID_BYTES + 8;
/** What sealing adds to a datagram. */
export const SEALED_OVERHEAD = SEALED_HEADER_BYTES + TAG_BYTES;

export interface SealedHeader {
  sessionId: Uint8Array;
  seq: bigint;
}

export function isSealed(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === SEALED_MAGIC >> 8 && bytes[1] === (SEALED_MAGIC & 0xff);
}

export function sealedHeader(h: SealedHeader): Uint8Array {
  const b = Buffer.alloc(SEALED_HEADER_BYTES);
  b.writeUInt16BE(SEALED_MAGIC, 0);
  b.writeUInt8(SEALED_VERSION, 2);
  b.set(h.sessionId, 4);
  b.writeBigUInt64BE(h.seq, 4 + SESSION_ID_BYTES);
  return new Uint8Array(b);
}

export type SealedParse =
  | { ok: true; header: SealedHeader; aad: Uint8Array; body: Uint8Array }
  | { ok: false; reason: 'sealed-short' | 'sealed-version' };

/** Splits a sealed datagram; never throws. */
export function parseSealed(bytes: Uint8Array): SealedParse {
  if (bytes.length < SEALED_OVERHEAD) return { ok: false, reason: 'sealed-short' };
  if (bytes[2] !== SEALED_VERSION) return { ok: false, reason: 'sealed-version' };
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    ok: true,
    header: { sessionId: bytes.slice(4, 4 + SESSION_ID_BYTES), seq: b.readBigUInt64BE(4 + SESSION_ID_BYTES) },
    aad: bytes.slice(0, SEALED_HEADER_BYTES),
    body: bytes.subarray(SEALED_HEADER_BYTES),
  };
}

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
