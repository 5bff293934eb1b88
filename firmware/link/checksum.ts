// The Internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum. IPv4
// headers and UDP (with its pseudo-header) both use it, so the sum is exposed in parts that chain.

/**
 * Adds the big-endian 16-bit words of `bytes[start, end)` to `initial`, padding an odd tail with a
 * zero byte. The result is left unfolded: a double holds the sum of a whole 64 KiB datagram exactly.
 */
export function sumWords(bytes: Uint8Array, start = 0, end = bytes.length, initial = 0): number {
  let sum = initial;
  let i = start;
  for (; i + 1 < end; i += 2) sum += (bytes[i] << 8) | bytes[i + 1];
  if (i < end) sum += bytes[i] << 8;
  return sum;
}

/** Folds the carries of an unfolded sum back into 16 bits (end-around carry). */
export function foldSum(sum: number): number {
  let s = sum;
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return s;
}

/** The checksum to put in a header whose checksum field is zero while summing. */
export function internetChecksum(bytes: Uint8Array, start = 0, end = bytes.length, initial = 0): number {
  return ~foldSum(sumWords(bytes, start, end, initial)) & 0xffff;
}

/** True when the region, checksum field included, sums to all ones: the receiver's check. */
export function checksumVerifies(bytes: Uint8Array, start = 0, end = bytes.length, initial = 0): boolean {
  return foldSum(sumWords(bytes, start, end, initial)) === 0xffff;
}
