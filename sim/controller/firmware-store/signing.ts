// Building and signing firmware images: what a vendor's build server does, here in the controller's
// world so the simulator and the tests can make images on the fly (with the committed dev key by default).
import { createHash, createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { encodeImageHeader, parseImageHeader, SIGNATURE_LENGTH, SIGNED_LENGTH } from '../../../firmware/boot/image.ts';
import { keyIdOf } from '../../../firmware/boot/image-keys.ts';
import type { FirmwareVersion } from '../../../firmware/boot/image-version.ts';
import { devPrivateKey } from '../dev-keys/index.ts';

export interface ImageSpec {
  family: string;
  version: FirmwareVersion;
  payload: Uint8Array;
  /** Ed25519 private key (KeyObject or PEM); the committed dev key when absent. */
  key?: KeyObject | string;
}

function privateKeyOf(key: KeyObject | string | undefined): KeyObject {
  if (key === undefined) return devPrivateKey();
  const k = typeof key === 'string' ? createPrivateKey(key) : key;
  if (k.type !== 'private' || k.asymmetricKeyType !== 'ed25519') throw new Error('signing key must be an Ed25519 private key');
  return k;
}

/** A signed image: header (hash of the payload, key id, signature over both), then the payload. */
export function buildImage(spec: ImageSpec): Uint8Array {
  const key = privateKeyOf(spec.key);
  const header = encodeImageHeader({
    family: spec.family,
    version: spec.version,
    payloadLength: spec.payload.length,
    payloadSha256: createHash('sha256').update(spec.payload).digest(),
    keyId: keyIdOf(key),
    signature: new Uint8Array(SIGNATURE_LENGTH),
  });
  const signature = sign(null, header.subarray(0, SIGNED_LENGTH), key);
  header.set(signature, SIGNED_LENGTH);
  const image = new Uint8Array(header.length + spec.payload.length);
  image.set(header, 0);
  image.set(spec.payload, header.length);
  return image;
}

export type ResignResult = { ok: true; image: Uint8Array } | { ok: false; reason: string };

/**
 * Re-signs an image with another key: keeps family and version, takes the payload as it is now (so
 * the hash and length are recomputed: signing is the signer vouching for these bytes).
 */
export function resignImage(image: Uint8Array, key?: KeyObject | string): ResignResult {
  const parsed = parseImageHeader(image);
  if (!parsed.ok) return { ok: false, reason: parsed.message };
  const h = parsed.header;
  if (image.length - h.headerLength > 0xffffffff) return { ok: false, reason: 'payload too large for 32 bits' };
  return {
    ok: true,
    image: buildImage({ family: h.family, version: h.version, payload: image.subarray(h.headerLength), key: privateKeyOf(key) }),
  };
}
