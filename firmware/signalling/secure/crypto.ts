// The signalling session's cryptography, through node:crypto (pure computation, allowed in firmware):
//   key agreement   X25519 between two ephemeral keys, one per side per session
//   identity        the controller signs the exchange with the cluster's Ed25519 key, which the phone
//                   trusts as it trusts its firmware's image key (provisioned, by key id)
//   keys            HKDF-SHA256 over the shared secret, salted with both nonces: one key per direction
//   messages        AES-256-GCM, the nonce made of the direction and a 64-bit sequence number
// Private keys come from the injected Random (so a seeded run replays exactly), never from the OS.
import { createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, diffieHellman, hkdfSync, sign, verify, type KeyObject } from 'node:crypto';

export const PUBLIC_KEY_BYTES = 32;
export const KX_NONCE_BYTES = 16;
export const SIGNATURE_BYTES = 64;
export const SESSION_ID_BYTES = 8;
export const TAG_BYTES = 16;
const KEY_BYTES = 32;

// Raw 32-byte X25519 keys go in and out as JWK (RFC 8037), not DER: OpenSSL 3 imports a raw key about
// ten times faster than it decodes PKCS#8/SPKI, and a fleet does one exchange per phone per boot.
const b64url = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');

export interface KeyPair {
  privateKey: KeyObject;
  /** The raw 32-byte public key, as it crosses the wire. */
  publicKey: Uint8Array;
}

/** An X25519 key pair from 32 random bytes. */
export function x25519KeyPair(secret: Uint8Array): KeyPair {
  if (secret.length !== KEY_BYTES) throw new RangeError('x25519: a private key is 32 bytes');
  // the JWK's `x` must be present but is not used: the public key is derived from `d`
  const privateKey = createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: b64url(secret), x: '' }, format: 'jwk' });
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  return { privateKey, publicKey: new Uint8Array(Buffer.from(jwk.x!, 'base64url')) };
}

/** The shared secret with a peer's raw public key; undefined for a key that is no X25519 point. */
export function sharedSecret(own: KeyObject, peerPublic: Uint8Array): Uint8Array | undefined {
  if (peerPublic.length !== PUBLIC_KEY_BYTES) return undefined;
  try {
    const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: b64url(peerPublic) }, format: 'jwk' });
    const secret = new Uint8Array(diffieHellman({ privateKey: own, publicKey }));
    // an all-zero secret means a low-order point: refuse it (RFC 7748 section 6.1)
    return secret.some((b) => b !== 0) ? secret : undefined;
  } catch {
    return undefined;
  }
}

export interface SessionKeys {
  /** Phone to controller. */
  up: Uint8Array;
  /** Controller to phone. */
  down: Uint8Array;
}

export function deriveKeys(secret: Uint8Array, phoneNonce: Uint8Array, controllerNonce: Uint8Array, sessionId: Uint8Array): SessionKeys {
  const okm = new Uint8Array(hkdfSync('sha256', secret, Buffer.concat([phoneNonce, controllerNonce]), Buffer.concat([Buffer.from('hotdesk-sig v1'), sessionId]), 2 * KEY_BYTES));
  return { up: okm.slice(0, KEY_BYTES), down: okm.slice(KEY_BYTES) };
}

/** What the controller signs: everything both sides said in the exchange, and who the phone claims to be. */
export function transcript(p: { mac: string; phoneKey: Uint8Array; phoneNonce: Uint8Array; controllerKey: Uint8Array; controllerNonce: Uint8Array; sessionId: Uint8Array }): Uint8Array {
  return Buffer.concat([Buffer.from(`hotdesk-kx v1 ${p.mac.toLowerCase()}`), p.phoneKey, p.phoneNonce, p.controllerKey, p.controllerNonce, p.sessionId]);
}

export function signTranscript(key: KeyObject, data: Uint8Array): Uint8Array {
  return new Uint8Array(sign(null, data, key));
}

export function verifyTranscript(key: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== SIGNATURE_BYTES) return false;
  try {
    return verify(null, data, key, signature);
  } catch {
    return false;
  }
}

export type Direction = 'up' | 'down';

function gcmNonce(direction: Direction, seq: bigint): Buffer {
  const n = Buffer.alloc(12);
  n.writeUInt32BE(direction === 'up' ? 0x75700000 : 0x646e0000, 0);
  n.writeBigUInt64BE(seq, 4);
  return n;
}

/** Encrypts and authenticates `plain`; `aad` (the sealed header) is authenticated too. */
export function seal(key: Uint8Array, direction: Direction, seq: bigint, aad: Uint8Array, plain: Uint8Array): Uint8Array {
  const c = createCipheriv('aes-256-gcm', key, gcmNonce(direction, seq));
  c.setAAD(aad);
  return new Uint8Array(Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]));
}

/** The plaintext, or undefined when the tag does not match (forged, corrupted, wrong key). Never throws. */
export function open(key: Uint8Array, direction: Direction, seq: bigint, aad: Uint8Array, sealed: Uint8Array): Uint8Array | undefined {
  if (sealed.length < TAG_BYTES) return undefined;
  try {
    const d = createDecipheriv('aes-256-gcm', key, gcmNonce(direction, seq));
    d.setAAD(aad);
    d.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    return new Uint8Array(Buffer.concat([d.update(sealed.subarray(0, sealed.length - TAG_BYTES)), d.final()]));
  } catch {
    return undefined;
  }
}
