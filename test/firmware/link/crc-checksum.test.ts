import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checksumVerifies, foldSum, internetChecksum, sumWords } from '../../../firmware/link/checksum.ts';
import { crc32 } from '../../../firmware/link/crc32.ts';

/** The bit-at-a-time CRC-32 the table must agree with. */
function crc32Bitwise(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

describe('crc32', () => {
  it('matches the check value of "123456789"', () => {
    expect(crc32(Buffer.from('123456789', 'ascii'))).toBe(0xcbf43926);
  });

  it('is 0 for no bytes and honours start/end', () => {
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(Buffer.from('xx123456789yy'), 2, 11)).toBe(0xcbf43926);
  });

  it('agrees with the bitwise definition', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => crc32(bytes) === crc32Bitwise(bytes)));
  });
});

describe('internet checksum', () => {
  it('sums the RFC 1071 section 3 example to ddf2 and checksums it to 220d', () => {
    const bytes = Uint8Array.from([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]);
    expect(foldSum(sumWords(bytes))).toBe(0xddf2);
    expect(internetChecksum(bytes)).toBe(0x220d);
  });

  it('computes the checksum of a captured IPv4 header (192.168.0.1 > 192.168.0.199) as b861', () => {
    const header = Buffer.from('450000730000400040110000c0a80001c0a800c7', 'hex');
    expect(internetChecksum(header)).toBe(0xb861);
    header.writeUInt16BE(0xb861, 10);
    expect(checksumVerifies(header)).toBe(true);
    header[8] ^= 1; // TTL off by one
    expect(checksumVerifies(header)).toBe(false);
  });

  it('pads an odd tail with zero', () => {
    expect(sumWords(Uint8Array.from([0x12, 0x34, 0x56]))).toBe(0x1234 + 0x5600);
  });

  it('always verifies once its checksum is put in place (any even length)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 2, maxLength: 200 }), fc.nat(), (raw, at) => {
        const bytes = raw.length % 2 ? raw.subarray(1) : raw.slice();
        if (bytes.length < 2) return;
        const pos = (at % (bytes.length / 2)) * 2;
        bytes[pos] = 0;
        bytes[pos + 1] = 0;
        const sum = internetChecksum(bytes);
        bytes[pos] = sum >> 8;
        bytes[pos + 1] = sum & 0xff;
        expect(checksumVerifies(bytes)).toBe(true);
      }),
    );
  });
});
