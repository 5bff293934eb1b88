// The OS's entropy, for what must not follow from a seed: the signalling session's private keys, nonces
// and session ids. A seeded run still replays its timing and messages; its session keys differ each time.
// Drawn from the OS a pool at a time: each key exchange asks for a few dozen bytes, and one call to the
// OS per request cost a fleet more than the bytes did. Every byte is handed out once, then wiped.
import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
const pool = new Uint8Array(POOL_BYTES);
let used = POOL_BYTES;

export const osEntropy = (n: number): Uint8Array => {
  if (n > POOL_BYTES) return randomFillSync(new Uint8Array(n));
  if (used + n > POOL_BYTES) {
    randomFillSync(pool);
    used = 0;
  }
  const out = pool.slice(used, used + n);
  pool.fill(0, used, used + n);
  used += n;
  return out;
};
