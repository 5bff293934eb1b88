// The bytes inside one SLIP frame: an Ethernet frame followed by its FCS, CRC-32 appended least
// significant byte first as on a real Ethernet wire (so a capture tool sees a normal FCS).
import { crc32 } from './crc32.ts';
import { refuse, type Decoded } from './drops.ts';
import { ETH_HEADER_LEN } from './ethernet.ts';

export const FCS_LEN = 4;

/** Writes the FCS of `out[0, frameLength)` into the 4 bytes after it. */
export function writeFcs(out: Uint8Array, frameLength: number): void {
  const fcs = crc32(out, 0, frameLength);
  out[frameLength] = fcs & 0xff;
  out[frameLength + 1] = (fcs >>> 8) & 0xff;
  out[frameLength + 2] = (fcs >>> 16) & 0xff;
  out[frameLength + 3] = fcs >>> 24;
}

/** A new array: the frame, then its FCS. */
export function appendFcs(frame: Uint8Array): Uint8Array {
  const out = new Uint8Array(frame.length + FCS_LEN);
  out.set(frame, 0);
  writeFcs(out, frame.length);
  return out;
}

/** Checks and strips the FCS; the frame returned is a view into `bytes`. */
export function checkFcs(bytes: Uint8Array): Decoded<Uint8Array> {
  if (bytes.length < ETH_HEADER_LEN + FCS_LEN) return refuse('short-frame');
  const n = bytes.length - FCS_LEN;
  const got = (bytes[n] | (bytes[n + 1] << 8) | (bytes[n + 2] << 16) | (bytes[n + 3] << 24)) >>> 0;
  if (crc32(bytes, 0, n) !== got) return refuse('fcs');
  return { ok: true, value: bytes.subarray(0, n) };
}
