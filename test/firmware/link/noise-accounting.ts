// Where bit noise struck, found by lining up what a stack wrote with what the far stack was handed.
// The mock line only flips bits (no loss, duplication or unplug in these tests), so the two byte
// streams have the same length and byte i of one is byte i of the other.
import { SLIP_END } from '../../../firmware/link/slip.ts';

export interface NoiseMap {
  /** Per frame written (one write = one SLIP frame, END to END): did any of its bytes change? */
  frameHit: boolean[];
  /** Non-empty runs between END bytes in the received stream: what the SLIP decoder had to judge. */
  pieces: number;
  /** END bytes the noise made out of frame bytes (each can split a frame in two). */
  endsMade: number;
  /** END bytes the noise turned into something else (two frames merge if both of a pair go). */
  endsLost: number;
  bitsFlipped: number;
}

export function mapNoise(written: readonly Uint8Array[], received: Uint8Array): NoiseMap {
  const sent = Buffer.concat(written);
  if (sent.length !== received.length) throw new Error(`streams differ in length: ${sent.length} sent, ${received.length} received`);
  const frameHit: boolean[] = [];
  let at = 0;
  for (const w of written) {
    let hit = false;
    for (let i = at; i < at + w.length && !hit; i++) hit = sent[i] !== received[i];
    frameHit.push(hit);
    at += w.length;
  }
  let pieces = 0;
  let inPiece = false;
  let endsMade = 0;
  let endsLost = 0;
  let bitsFlipped = 0;
  for (let i = 0; i < received.length; i++) {
    const r = received[i];
    if (r === SLIP_END) {
      if (inPiece) pieces++;
      inPiece = false;
    } else {
      inPiece = true;
    }
    if (sent[i] !== r) {
      if (r === SLIP_END) endsMade++;
      if (sent[i] === SLIP_END) endsLost++;
      for (let x = sent[i] ^ r; x; x &= x - 1) bitsFlipped++;
    }
  }
  if (inPiece) pieces++; // a stream cut mid-frame (never here: every frame closes with END)
  return { frameHit, pieces, endsMade, endsLost, bitsFlipped };
}
