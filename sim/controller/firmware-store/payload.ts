// Test payloads: deterministic pseudo-random bytes of any size, so no firmware binary is ever committed.
// Random-looking on purpose: a payload of zeros would hide a flash bug that drops or repeats a sector.

/** `size` bytes from xorshift32 seeded by `seed`: the same arguments give the same bytes everywhere. */
export function generatePayload(size: number, seed = 1): Uint8Array {
  if (!Number.isInteger(size) || size < 0) throw new RangeError(`payload size ${size} is not a byte count`);
  const out = new Uint8Array(size);
  // a zero state would stick at zero; mixing the seed keeps seeds 0 and 1 apart
  let x = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) >>> 0) || 1;
  for (let i = 0; i < size; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    for (let j = 0; j < 4 && i + j < size; j++) out[i + j] = (x >>> (8 * j)) & 0xff;
  }
  return out;
}

/** Sizes as people write them: 65536, 64KiB, 2MiB, 512B, 4K, 1M. */
export function parseSize(text: string): number | undefined {
  const m = /^(\d+)\s*(B|K|KB|KiB|M|MB|MiB)?$/i.exec(text.trim());
  if (!m) return undefined;
  const unit = (m[2] ?? 'B').toUpperCase();
  const scale = unit.startsWith('K') ? 1024 : unit.startsWith('M') ? 1024 * 1024 : 1;
  const n = Number(m[1]) * scale;
  return Number.isSafeInteger(n) ? n : undefined;
}
