// The committed DEVELOPMENT key pair (see README.md here: not a secret, never for a real phone).
// The simulator injects devTrustedKey() into the phone as its default trusted key.
import { readFileSync } from 'node:fs';
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { trustedKeyFromPem, type TrustedKey } from '../../../firmware/boot/image-keys.ts';

export const DEV_PRIVATE_KEY_PEM = readFileSync(new URL('./dev-ed25519.key.pem', import.meta.url), 'utf8');
export const DEV_PUBLIC_KEY_PEM = readFileSync(new URL('./dev-ed25519.pub.pem', import.meta.url), 'utf8');

export function devPrivateKey(): KeyObject {
  return createPrivateKey(DEV_PRIVATE_KEY_PEM);
}

export function devTrustedKey(): TrustedKey {
  const parsed = trustedKeyFromPem(DEV_PUBLIC_KEY_PEM);
  if (!parsed.ok) throw new Error(`the committed dev public key does not parse: ${parsed.reason}`);
  return parsed.key;
}

// The cluster's identity key (DEVELOPMENT, committed, not a secret): every call server of the simulated
// cluster signs its half of the signalling key exchange with it, and the phones trust its public half as
// they trust the image key.
export const DEV_CLUSTER_PRIVATE_KEY_PEM = readFileSync(new URL('./dev-cluster-ed25519.key.pem', import.meta.url), 'utf8');
export const DEV_CLUSTER_PUBLIC_KEY_PEM = readFileSync(new URL('./dev-cluster-ed25519.pub.pem', import.meta.url), 'utf8');

export function devClusterTrustedKey(): TrustedKey {
  const parsed = trustedKeyFromPem(DEV_CLUSTER_PUBLIC_KEY_PEM);
  if (!parsed.ok) throw new Error(`the committed dev cluster key does not parse: ${parsed.reason}`);
  return parsed.key;
}

export function devClusterIdentity(): { key: KeyObject; keyId: Uint8Array } {
  return { key: createPrivateKey(DEV_CLUSTER_PRIVATE_KEY_PEM), keyId: devClusterTrustedKey().keyId };
}
