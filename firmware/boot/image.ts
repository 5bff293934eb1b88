// The firmware image: a 128-byte signed header, then the payload (docs/firmware-image.md, byte by byte).
// The header fits the first 512-byte TFTP block, so the phone decides "same version / different version /
// refused" from one block, before it erases anything. Bad input never throws: it is a typed error.
import { verify as edVerify } from 'node:crypto';
import { struct, u8, u16be, u32be, blob } from 'buffer-layout';
import { KEY_ID_LENGTH, sameKeyId, type TrustedKey } from './image-keys.ts';
import { formatVersion, type FirmwareVersion } from './image-version.ts';

export const IMAGE_MAGIC = 'HDFW';
export const IMAGE_HEADER_VERSION = 1;
export const IMAGE_HEADER_LENGTH = 128;
/** The signature covers every byte before it: all the fields, the payload hash and the key id. */
export const SIGNED_LENGTH = 64;
export const SIGNATURE_LENGTH = 64;
export const SHA256_LENGTH = 32;
/** The TFTP block the version check reads: the header must fit in it. */
export const FIRST_BLOCK_LENGTH = 512;

/** Model families: four letters or digits, e.g. '53xx', '69xx', '56xx'. */
const FAMILY = /^[0-9A-Za-z]{4}$/;

interface RawHeader {
  magic: Buffer;
  headerVersion: number;
  flags: number;
  headerLength: number;
  family: Buffer;
  v0: number;
  v1: number;
  v2: number;
  v3: number;
  payloadLength: number;
  payloadSha256: Buffer;
  keyId: Buffer;
  signature: Buffer;
}

const HEADER = struct<RawHeader>([
  blob(4, 'magic'),
  u8('headerVersion'),
  u8('flags'), // reserved: 0 in version 1, so a later version can give bits a meaning
  u16be('headerLength'), // where the payload starts
  blob(4, 'family'),
  u16be('v0'),
  u16be('v1'),
  u16be('v2'),
  u16be('v3'),
  u32be('payloadLength'),
  blob(SHA256_LENGTH, 'payloadSha256'),
  blob(KEY_ID_LENGTH, 'keyId'),
  blob(SIGNATURE_LENGTH, 'signature'),
]);

if (HEADER.span !== IMAGE_HEADER_LENGTH || HEADER.offsetOf('signature') !== SIGNED_LENGTH) {
  throw new Error('image header layout drifted from docs/firmware-image.md');
}

/** What a builder puts in a header. */
export interface ImageHeaderFields {
  family: string;
  version: FirmwareVersion;
  payloadLength: number;
  payloadSha256: Uint8Array;
  keyId: Uint8Array;
  /** 64 bytes; zeros while the header is being signed. */
  signature: Uint8Array;
}

/** A parsed header. `signedBytes` are the exact bytes the signature covers, as read. */
export interface ImageHeader extends ImageHeaderFields {
  headerVersion: number;
  headerLength: number;
  signedBytes: Uint8Array;
}

export type ImageHeaderErrorReason =
  | 'short'
  | 'bad-magic'
  | 'unsupported-version'
  | 'bad-header-length'
  | 'bad-flags'
  | 'bad-family';

export type ImageHeaderParse =
  | { ok: true; header: ImageHeader }
  | { ok: false; reason: ImageHeaderErrorReason; message: string };

export type ImageVerifyFailure = 'hash-mismatch' | 'untrusted-key' | 'bad-signature';

export type ImageVerdict =
  | { ok: true; key: TrustedKey }
  | { ok: false; reason: ImageVerifyFailure; message: string };

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Reads a header from the start of an image. Reads at most the first block (it needs only the first
 * 128 bytes); never throws. It checks the form, not the trust: that is verifyImage's job.
 */
export function parseImageHeader(firstBlock: Uint8Array): ImageHeaderParse {
  const b = asBuffer(firstBlock);
  if (b.length < IMAGE_HEADER_LENGTH) {
    return { ok: false, reason: 'short', message: `image header needs ${IMAGE_HEADER_LENGTH} bytes, got ${b.length}` };
  }
  const raw = HEADER.decode(b, 0);
  if (raw.magic.toString('latin1') !== IMAGE_MAGIC) {
    return { ok: false, reason: 'bad-magic', message: 'not a firmware image (bad magic)' };
  }
  if (raw.headerVersion !== IMAGE_HEADER_VERSION) {
    return { ok: false, reason: 'unsupported-version', message: `image header version ${raw.headerVersion} is not supported` };
  }
  if (raw.headerLength !== IMAGE_HEADER_LENGTH) {
    return { ok: false, reason: 'bad-header-length', message: `image header length ${raw.headerLength}, expected ${IMAGE_HEADER_LENGTH}` };
  }
  if (raw.flags !== 0) {
    return { ok: false, reason: 'bad-flags', message: `image header flags 0x${raw.flags.toString(16)} are reserved` };
  }
  const family = raw.family.toString('latin1');
  if (!FAMILY.test(family)) {
    return { ok: false, reason: 'bad-family', message: 'image model family is not four letters or digits' };
  }
  return {
    ok: true,
    header: {
      headerVersion: raw.headerVersion,
      headerLength: raw.headerLength,
      family,
      version: [raw.v0, raw.v1, raw.v2, raw.v3],
      payloadLength: raw.payloadLength,
      // copies: the caller's block may be a reused TFTP buffer
      payloadSha256: new Uint8Array(raw.payloadSha256),
      keyId: new Uint8Array(raw.keyId),
      signature: new Uint8Array(raw.signature),
      signedBytes: new Uint8Array(b.subarray(0, SIGNED_LENGTH)),
    },
  };
}

/** Encodes a header (128 bytes). Throws on fields a builder got wrong: this is a tool, not a decoder. */
export function encodeImageHeader(fields: ImageHeaderFields): Buffer {
  if (!FAMILY.test(fields.family)) throw new Error(`family "${fields.family}" is not four letters or digits`);
  if (fields.payloadSha256.length !== SHA256_LENGTH) throw new Error('payload hash must be 32 bytes');
  if (fields.keyId.length !== KEY_ID_LENGTH) throw new Error(`key id must be ${KEY_ID_LENGTH} bytes`);
  if (fields.signature.length !== SIGNATURE_LENGTH) throw new Error('signature must be 64 bytes');
  if (!Number.isInteger(fields.payloadLength) || fields.payloadLength < 0 || fields.payloadLength > 0xffffffff) {
    throw new Error('payload length must fit 32 bits');
  }
  for (const part of fields.version) {
    if (!Number.isInteger(part) || part < 0 || part > 0xffff) throw new Error(`version ${formatVersion(fields.version)} out of range`);
  }
  const out = Buffer.alloc(IMAGE_HEADER_LENGTH);
  HEADER.encode(
    {
      magic: Buffer.from(IMAGE_MAGIC, 'latin1'),
      headerVersion: IMAGE_HEADER_VERSION,
      flags: 0,
      headerLength: IMAGE_HEADER_LENGTH,
      family: Buffer.from(fields.family, 'latin1'),
      v0: fields.version[0],
      v1: fields.version[1],
      v2: fields.version[2],
      v3: fields.version[3],
      payloadLength: fields.payloadLength,
      payloadSha256: asBuffer(fields.payloadSha256),
      keyId: asBuffer(fields.keyId),
      signature: asBuffer(fields.signature),
    },
    out,
    0,
  );
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && asBuffer(a).equals(asBuffer(b));
}

/**
 * Checks the header's signature with the trusted key it names. Done as soon as the first block
 * arrives, so an unsigned image is refused before anything is erased.
 */
export function verifyHeaderSignature(header: ImageHeader, trustedKeys: readonly TrustedKey[]): ImageVerdict {
  const key = trustedKeys.find((k) => sameKeyId(k.keyId, header.keyId));
  if (!key) {
    return { ok: false, reason: 'untrusted-key', message: `image signed by untrusted key ${Buffer.from(header.keyId).toString('hex')}` };
  }
  const seen = verifiedWith(key.publicKey);
  const verdict = verdictKey(header);
  if (!seen.has(verdict)) {
    let good = false;
    try {
      good = edVerify(null, header.signedBytes, key.publicKey, header.signature);
    } catch {
      good = false; // a key of the wrong type, say: still just "not verified"
    }
    if (!good) return { ok: false, reason: 'bad-signature', message: 'image signature does not verify' };
    if (seen.size >= VERIFIED_PER_KEY) seen.clear();
    seen.add(verdict);
  }
  return { ok: true, key };
}

// Signatures that verified, by key and the exact bytes signed and the signature: Ed25519 verification
// is a pure function of the three, so the same image verifies once per process, not once per phone per
// boot (a fleet's phones share one factory image; 100 µs each). Only good verdicts are kept (a bad one
// costs the forger the full check every time) and only a few per key, so nothing grows without bound.
const VERIFIED_PER_KEY = 64;
const verified = new WeakMap<object, Set<string>>();
const b64 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
const verdictKey = (h: ImageHeader) => `${b64(h.signedBytes)}.${b64(h.signature)}`;
function verifiedWith(key: object): Set<string> {
  let set = verified.get(key);
  if (!set) verified.set(key, (set = new Set()));
  return set;
}

/**
 * The whole check: the payload hashes to what the header says, and the header (hash included) is
 * signed by a trusted key. `payloadHash` is SHA-256 of the payload as received or as read from flash.
 */
export function verifyImage(header: ImageHeader, payloadHash: Uint8Array, trustedKeys: readonly TrustedKey[]): ImageVerdict {
  const signed = verifyHeaderSignature(header, trustedKeys);
  if (!signed.ok) return signed;
  if (!sameBytes(payloadHash, header.payloadSha256)) {
    return { ok: false, reason: 'hash-mismatch', message: 'payload SHA-256 does not match the header' };
  }
  return signed;
}

/** The length of the whole image: header then payload. */
export function imageLength(header: ImageHeader): number {
  return header.headerLength + header.payloadLength;
}
