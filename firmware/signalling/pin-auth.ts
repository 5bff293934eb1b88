// PIN proof for hot desk login. The PIN never crosses the wire, in clear or in any reversible form:
// the controller sends a fresh 16-byte nonce, the phone answers with
//   HMAC-SHA256(key, nonce || u8 len(ext) || ext || mac[6])
//   key = SHA-256("hotdesk-pin" || u8 len(ext) || ext || u8 len(pin) || pin)
// Length prefixes keep (ext "12", pin "34") and (ext "123", pin "4") from sharing a key; binding the MAC
// means an answer captured on one set is useless from another; the nonce makes it useless twice.
// Both sides call the same function; the controller compares in constant time.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Random } from '../hal.ts';
import { HMAC_BYTES, NONCE_BYTES } from './messages-login.ts';
import { parseMac } from './wire-fields.ts';

const KEY_LABEL = 'hotdesk-pin';

/** 0 to 8 digits; the empty PIN is a valid (blank) PIN. */
export function isValidPin(pin: string): boolean {
  return /^[0-9]{0,8}$/.test(pin);
}

function lengthPrefixed(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > 255) throw new RangeError('pin-auth: field longer than 255 bytes');
  return Buffer.concat([Buffer.of(bytes.length), bytes]);
}

function pinKey(ext: string, pin: string): Buffer {
  return createHash('sha256').update(KEY_LABEL).update(lengthPrefixed(ext)).update(lengthPrefixed(pin)).digest();
}

/**
 * The phone's answer to a login challenge. Throws on a malformed PIN, nonce or MAC: the phone's own
 * PIN entry only produces digits, so any of these is a firmware bug, not user input.
 */
export function pinResponse(nonce: Uint8Array, ext: string, mac: string, pin: string): Uint8Array {
  if (!isValidPin(pin)) throw new RangeError('pin-auth: a PIN is 0 to 8 digits');
  if (nonce.length !== NONCE_BYTES) throw new RangeError(`pin-auth: nonce must be ${NONCE_BYTES} bytes`);
  const macBytes = parseMac(mac);
  if (!macBytes) throw new RangeError(`pin-auth: not a MAC address: ${mac}`);
  const hmac = createHmac('sha256', pinKey(ext, pin));
  hmac.update(nonce).update(lengthPrefixed(ext)).update(macBytes);
  return new Uint8Array(hmac.digest());
}

/**
 * The controller's check of a login answer against the user's stored PIN. Everything in `response`,
 * `ext` and `mac` came off the network, so nothing here throws: any malformed input is simply false.
 */
export function verifyPinResponse(response: Uint8Array, nonce: Uint8Array, ext: string, mac: string, pin: string): boolean {
  if (!(response instanceof Uint8Array) || response.length !== HMAC_BYTES) return false;
  if (!isValidPin(pin) || nonce.length !== NONCE_BYTES || !parseMac(mac)) return false;
  if (Buffer.byteLength(ext, 'utf8') > 255) return false;
  const expected = pinResponse(nonce, ext, mac, pin);
  return timingSafeEqual(expected, response);
}

/** A fresh challenge nonce from the node's injected randomness (seeded, so runs replay exactly). */
export function makeNonce(random: Random): Uint8Array {
  return random.bytes(NONCE_BYTES);
}
