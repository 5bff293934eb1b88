// buffer-layout reads and writes Node Buffers only; frames arrive as plain Uint8Arrays. A view over
// the same memory costs no copy.

export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
