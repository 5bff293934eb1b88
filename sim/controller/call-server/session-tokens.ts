// The cluster's proof that a hot desk user logged in on a set: issued in the login-result, presented by
// the phone in register when it re-homes (fail-over, fail-back, a redirect), and checked by whichever
// element of the cluster the phone reaches. Without a valid token a register that names a user gets
// no session: naming a user is not logging in.
//   token = issued time (6 bytes, ms) || HMAC-SHA256(cluster secret, "hotdesk-token v1" ext mac issued)[0..10]
// Every element derives the same secret from the cluster's identity key, so any of them can check a
// token another issued, with no state shared between them.
import { createHash, createHmac, timingSafeEqual, type KeyObject } from 'node:crypto';
import { SESSION_TOKEN_BYTES } from '../../../firmware/signalling/messages.ts';

const ISSUED_BYTES = 6;

export class SessionTokens {
  private readonly secret: Buffer;

  constructor(identity: KeyObject) {
    this.secret = createHash('sha256').update('hotdesk session tokens').update(identity.export({ format: 'der', type: 'pkcs8' })).digest();
  }

  issue(ext: string, mac: string, issuedMs: number): Uint8Array {
    const token = Buffer.alloc(SESSION_TOKEN_BYTES);
    token.writeUIntBE(Math.max(0, Math.floor(issuedMs)) % 2 ** 48, 0, ISSUED_BYTES);
    this.mac(ext, mac, token.subarray(0, ISSUED_BYTES)).copy(token, ISSUED_BYTES);
    return new Uint8Array(token);
  }

  /**
   * True only for a token this cluster issued for this user on this set, after `notBefore` (the user's
   * last logout anywhere in the cluster: a logout revokes every token issued before it). Never throws.
   */
  valid(token: Uint8Array, ext: string, mac: string, notBefore = -1): boolean {
    if (!(token instanceof Uint8Array) || token.length !== SESSION_TOKEN_BYTES || token.every((b) => b === 0)) return false;
    if (Buffer.from(token.subarray(0, ISSUED_BYTES)).readUIntBE(0, ISSUED_BYTES) < notBefore) return false;
    const expected = this.mac(ext, mac, Buffer.from(token.subarray(0, ISSUED_BYTES)));
    return timingSafeEqual(expected, Buffer.from(token.subarray(ISSUED_BYTES)));
  }

  private mac(ext: string, mac: string, issued: Buffer): Buffer {
    return createHmac('sha256', this.secret)
      .update(`hotdesk-token v1\0${ext}\0${mac.toLowerCase()}\0`)
      .update(issued)
      .digest()
      .subarray(0, SESSION_TOKEN_BYTES - ISSUED_BYTES);
  }
}
