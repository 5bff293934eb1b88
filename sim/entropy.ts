// The OS's entropy, for what must not follow from a seed: the signalling session's private keys, nonces
// and session ids. A seeded run still replays its timing and messages; its session keys differ each time.
import { randomBytes } from 'node:crypto';

export const osEntropy = (n: number): Uint8Array => new Uint8Array(randomBytes(n));
