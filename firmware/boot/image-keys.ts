// The keys a phone trusts to sign its firmware. Ed25519 through node:crypto (allowed in firmware: it is
// pure computation). The phone gets its keys by injection, so a test or a site can trust its own.
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';

/** Bytes of the key id carried in the image header: enough to pick the key, not a security property. */
export const KEY_ID_LENGTH = 8;

export interface TrustedKey {
  /** The first 8 bytes of SHA-256 over the raw 32-byte Ed25519 public key. */
  readonly keyId: Uint8Array;
  readonly publicKey: KeyObject;
}

export type TrustedKeyParse = { ok: true; key: TrustedKey } | { ok: false; reason: string };

/** The key id of an Ed25519 public (or private: its public half is used) key. */
export function keyIdOf(key: KeyObject): Uint8Array {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  const jwk = pub.export({ format: 'jwk' });
  const raw = Buffer.from(jwk.x ?? '', 'base64url');
  return new Uint8Array(createHash('sha256').update(raw).digest().subarray(0, KEY_ID_LENGTH));
}

/** Reads a PEM (SPKI) Ed25519 public key; never throws. */
export function trustedKeyFromPem(pem: string): TrustedKeyParse {
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey(pem);
  } catch (err) {
    return { ok: false, reason: `not a public key: ${(err as Error).message}` };
  }
  if (publicKey.asymmetricKeyType !== 'ed25519') {
    return { ok: false, reason: `key type ${publicKey.asymmetricKeyType ?? 'unknown'} is not ed25519` };
  }
  return { ok: true, key: { keyId: keyIdOf(publicKey), publicKey } };
}

export function sameKeyId(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
