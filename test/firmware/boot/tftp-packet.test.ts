import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  OPTION_NAMES,
  OPTION_RANGE,
  decodeTftp,
  describeTftp,
  encodeTftp,
  isKnownOption,
  type TftpPacket,
} from '../../../firmware/boot/tftp-packet.ts';

const bytes = (...b: number[]) => Uint8Array.from(b);
const ascii = (s: string) => Uint8Array.from(Buffer.from(s, 'latin1'));
const cat = (...parts: Uint8Array[]) => Uint8Array.from(Buffer.concat(parts));

function decoded(b: Uint8Array): TftpPacket {
  const d = decodeTftp(b);
  if (!d.ok) throw new Error(`expected a packet, got: ${d.reason}`);
  return d.packet;
}

function reason(b: Uint8Array): string {
  const d = decodeTftp(b);
  if (d.ok) throw new Error(`expected a refusal, got ${describeTftp(d.packet)}`);
  return d.reason;
}

describe('TFTP packet encoding (RFC 1350 wire bytes)', () => {
  it('writes an RRQ with options as NUL-terminated strings', () => {
    const rrq = encodeTftp({
      op: 'RRQ',
      file: 'fw/5340.bin',
      mode: 'octet',
      options: { blksize: 1428, tsize: 0, timeout: 3, windowsize: 4 },
      others: [],
    });
    expect(Buffer.from(rrq).toString('latin1')).toBe(
      '\x00\x01fw/5340.bin\0octet\0blksize\x001428\0timeout\x003\0windowsize\x004\0tsize\x000\0',
    );
  });

  it('writes DATA, ACK and ERROR with big-endian numbers', () => {
    expect([...encodeTftp({ op: 'DATA', block: 0x1234, data: bytes(9, 8) })]).toEqual([0, 3, 0x12, 0x34, 9, 8]);
    expect([...encodeTftp({ op: 'ACK', block: 65535 })]).toEqual([0, 4, 0xff, 0xff]);
    expect([...encodeTftp({ op: 'ERROR', code: 1, message: 'No' })]).toEqual([0, 5, 0, 1, 78, 111, 0]);
  });

  it('refuses to encode what the wire cannot carry', () => {
    expect(() => encodeTftp({ op: 'ACK', block: 65536 })).toThrow(RangeError);
    expect(() => encodeTftp({ op: 'ERROR', code: 0, message: 'a\0b' })).toThrow(RangeError);
  });
});

describe('TFTP packet decoding', () => {
  it('reads options case-insensitively and sorts out unknown and out-of-range ones', () => {
    const p = decoded(
      cat(bytes(0, 1), ascii('boot.bin\0OCTET\0BlkSize\x00512\0multicast\0\0windowsize\x000\0timeout\x00x\0')),
    );
    expect(p).toEqual({
      op: 'RRQ',
      file: 'boot.bin',
      mode: 'octet',
      options: { blksize: 512 },
      others: [
        { name: 'multicast', value: '' },
        { name: 'windowsize', value: '0' },
        { name: 'timeout', value: 'x' },
      ],
    });
  });

  it('checks each option range at both ends', () => {
    for (const name of OPTION_NAMES) {
      const [lo, hi] = OPTION_RANGE[name];
      const oack = (v: number | string) => decoded(cat(bytes(0, 6), ascii(`${name}\0${v}\0`)));
      expect(oack(lo)).toMatchObject({ options: { [name]: lo }, others: [] });
      expect(oack(hi)).toMatchObject({ options: { [name]: hi }, others: [] });
      if (lo > 0) expect(oack(lo - 1)).toMatchObject({ options: {}, others: [{ name, value: String(lo - 1) }] });
      expect(oack(`${hi}0`)).toMatchObject({ options: {} });
    }
    expect(isKnownOption('blksize')).toBe(true);
    expect(isKnownOption('multicast')).toBe(false);
  });

  it('gives a reason for every malformed packet', () => {
    expect(reason(bytes())).toMatch(/no opcode/);
    expect(reason(bytes(0))).toMatch(/no opcode/);
    expect(reason(bytes(0, 9))).toMatch(/unknown opcode 9/);
    expect(reason(bytes(0, 3, 0))).toMatch(/DATA shorter/);
    expect(reason(bytes(0, 4, 0, 1, 0))).toMatch(/ACK of 5 bytes/);
    expect(reason(cat(bytes(0, 1), ascii('file\0octet')))).toMatch(/not NUL-terminated/);
    expect(reason(cat(bytes(0, 1), ascii('file\0')))).toMatch(/file name and a mode/);
    expect(reason(cat(bytes(0, 1), ascii('\0octet\0')))).toMatch(/empty file name/);
    expect(reason(cat(bytes(0, 2), ascii('f\0octet\0blksize\0')))).toMatch(/"blksize" has no value/);
    expect(reason(cat(bytes(0, 6), ascii('\x00512\0')))).toMatch(/empty option name/);
  });

  it('takes an ERROR whose message lacks its NUL (the error still has to stop the transfer)', () => {
    expect(decoded(cat(bytes(0, 5, 0, 2), ascii('denied')))).toEqual({ op: 'ERROR', code: 2, message: 'denied' });
  });

  it('copies DATA out of the datagram, so a reused receive buffer cannot change a stored block', () => {
    const wire = bytes(0, 3, 0, 1, 5, 6);
    const p = decoded(wire);
    wire[4] = 99;
    expect(p).toEqual({ op: 'DATA', block: 1, data: bytes(5, 6) });
  });

  it('decodes from a view into a larger buffer (a UDP payload inside a frame)', () => {
    const frame = cat(bytes(0xaa, 0xbb), bytes(0, 4, 0, 7), bytes(0xcc));
    expect(decoded(frame.subarray(2, 6))).toEqual({ op: 'ACK', block: 7 });
  });
});

// Printable names without NUL; option values as decimal strings.
const text = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789./_-'.split('')), maxLength: 40 });
const options = fc.record(
  {
    blksize: fc.integer({ min: 8, max: 65464 }),
    tsize: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    timeout: fc.integer({ min: 1, max: 255 }),
    windowsize: fc.integer({ min: 1, max: 65535 }),
  },
  { requiredKeys: [] },
);
const others = fc.array(
  fc.record({ name: text.filter((n) => n !== '' && !isKnownOption(n)), value: text }),
  { maxLength: 3 },
);
const packet: fc.Arbitrary<TftpPacket> = fc.oneof(
  fc.record({
    op: fc.constantFrom('RRQ' as const, 'WRQ' as const),
    file: text.filter((f) => f !== ''),
    mode: fc.constantFrom('octet', 'netascii', 'mail'),
    options,
    others,
  }),
  fc.record({ op: fc.constant('OACK' as const), options, others }),
  fc.record({ op: fc.constant('DATA' as const), block: fc.integer({ min: 0, max: 65535 }), data: fc.uint8Array({ maxLength: 600 }) }),
  fc.record({ op: fc.constant('ACK' as const), block: fc.integer({ min: 0, max: 65535 }) }),
  fc.record({ op: fc.constant('ERROR' as const), code: fc.integer({ min: 0, max: 65535 }), message: text }),
);

describe('TFTP codec properties', () => {
  it('round-trips every valid packet', () => {
    fc.assert(
      fc.property(packet, (p) => {
        expect(decoded(encodeTftp(p))).toEqual(p);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (b) => {
        const d = decodeTftp(b);
        expect(typeof d.ok).toBe('boolean');
        if (!d.ok) expect(d.reason.length).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on valid packets with a byte changed or the tail cut', () => {
    fc.assert(
      fc.property(packet, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.nat(), (p, at, value, cut) => {
        const b = Uint8Array.from(encodeTftp(p));
        b[at % b.length] = value;
        const d = decodeTftp(b.subarray(0, cut % (b.length + 1)));
        expect(typeof d.ok).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });
});
