// Login challenges: one fresh nonce per (phone, extension), single use, short-lived. A login answer is
// only checked against the nonce this phone was given for this extension, and the nonce is gone after
// that one check, so a captured HMAC cannot be replayed, from this set or any other.
import type { Clock, Random } from '../../../firmware/hal.ts';
import { makeNonce } from '../../../firmware/signalling/pin-auth.ts';

/** Long enough for a user to type a PIN after the extension; a walk away means starting again. */
export const DEFAULT_CHALLENGE_TTL_MS = 60_000;

interface Challenge {
  nonce: Uint8Array;
  expires: number;
}

export class ChallengeBook {
  private readonly open = new Map<string, Challenge>();

  constructor(
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly ttlMs = DEFAULT_CHALLENGE_TTL_MS,
  ) {}

  /** A new nonce for this phone and extension; any earlier one for the pair is void. */
  issue(mac: string, ext: string): Uint8Array {
    this.sweep();
    const nonce = makeNonce(this.random);
    const key = keyOf(mac, ext);
    this.open.delete(key); // re-insert so the map stays in expiry order
    this.open.set(key, { nonce, expires: this.clock.now() + this.ttlMs });
    return nonce;
  }

  /** The live nonce for the pair, removed: a second take (or one after expiry) gets nothing. */
  take(mac: string, ext: string): Uint8Array | undefined {
    this.sweep();
    const key = keyOf(mac, ext);
    const c = this.open.get(key);
    this.open.delete(key);
    return c?.nonce;
  }

  get size(): number {
    this.sweep();
    return this.open.size;
  }

  private sweep(): void {
    const now = this.clock.now();
    for (const [key, c] of this.open) {
      if (c.expires > now) break;
      this.open.delete(key);
    }
  }
}

function keyOf(mac: string, ext: string): string {
  return `${mac.toLowerCase()}|${ext}`;
}
