// buffer-layout reads and writes Node Buffers only; frames arrive as plain Uint8Arrays. A view over
// the same memory costs no copy.
import { Blob } from 'buffer-layout';

export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * buffer-layout's `blob(span, property)`, encoding by a plain copy: the library's own Blob.encode writes
 * each field through a hex string and back (a DHCP message carries 196 bytes of sname and file, four
 * messages per phone's boot; each frame sent carries two MACs). Decoding is Blob's own: a view of the
 * same memory, no copy.
 */
export class FixedBytes extends Blob {
  override encode(src: Buffer, b: Buffer, offset = 0): number {
    if (!Buffer.isBuffer(src) || src.length !== this.span) throw new TypeError(`FixedBytes.encode${this.property ? `[${this.property}]` : ''} requires (length ${this.span}) Buffer as src`);
    if (offset + this.span > b.length) throw new RangeError('encoding overruns Buffer');
    b.set(src, offset);
    return this.span;
  }
}

export const fixedBytes = (span: number, property?: string): FixedBytes => new FixedBytes(span, property);
