import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FLAG_ACK_NEEDED,
  FLAG_REQUEST,
  FLAG_RESPONSE,
  HEADER_BYTES,
  MAGIC,
  MAX_DATAGRAM_BYTES,
  MESSAGE_TYPES,
  PROTOCOL_VERSION,
  decodeMessage,
  encodeMessage,
  typeCode,
} from '../../../firmware/signalling/messages.ts';
import type { DecodeResult, Message, MessageType } from '../../../firmware/signalling/messages.ts';
import { anyMessage, envelope, messageArbitraries, validFlags } from './arbitraries.ts';

const hex = (s: string) => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

/** A datagram with a valid header around an arbitrary body. */
function datagram(type: number, body: Uint8Array, flags = 0, txid = 7): Uint8Array {
  const b = Buffer.alloc(HEADER_BYTES + body.length);
  b.writeUInt16BE(MAGIC, 0);
  b[2] = PROTOCOL_VERSION;
  b[3] = type;
  b[4] = flags;
  b.writeUInt32BE(txid, 6);
  b.writeUInt16BE(body.length, 10);
  b.set(body, HEADER_BYTES);
  return new Uint8Array(b);
}

function reasonOf(r: DecodeResult): string {
  return r.ok ? 'ok' : r.reason;
}

describe('signalling messages: round trip', () => {
  for (const type of MESSAGE_TYPES) {
    it(`${type} decodes to what was encoded, envelope included`, () => {
      const arb = messageArbitraries[type] as fc.Arbitrary<Message>;
      fc.assert(
        fc.property(arb, envelope, (msg, env) => {
          const bytes = encodeMessage(msg, env);
          expect(bytes.length).toBeLessThanOrEqual(MAX_DATAGRAM_BYTES);
          expect(decodeMessage(bytes)).toEqual({ ok: true, msg, envelope: env });
        }),
        { numRuns: 60 },
      );
    });
  }

  it('has an arbitrary, a distinct code and a round trip for every type', () => {
    expect(Object.keys(messageArbitraries).sort()).toEqual([...MESSAGE_TYPES].sort());
    const codes = MESSAGE_TYPES.map(typeCode);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('lays the header out byte by byte as documented', () => {
    const bytes = encodeMessage({ type: 'heartbeat', hotdeskExt: '5123' }, { txid: 0xa1b2c3d4, flags: FLAG_REQUEST | FLAG_ACK_NEEDED });
    expect(Buffer.from(bytes).toString('hex')).toBe('4844' + '01' + '03' + '05' + '00' + 'a1b2c3d4' + '0005' + '04' + '35313233');
  });

  it('re-encodes any accepted datagram to the very same bytes (one encoding per message)', () => {
    const codes = fc.constantFrom(...MESSAGE_TYPES.map(typeCode));
    let accepted = 0;
    fc.assert(
      fc.property(codes, fc.oneof(fc.uint8Array({ maxLength: 6 }), fc.uint8Array({ maxLength: 80 })), validFlags, fc.integer({ min: 0, max: 0xffffffff }), (code, body, flags, txid) => {
        const dg = datagram(code, body, flags, txid);
        const r = decodeMessage(dg);
        if (r.ok) {
          accepted++;
          expect(encodeMessage(r.msg, r.envelope)).toEqual(dg);
        }
      }),
      { numRuns: 3000 },
    );
    expect(accepted).toBeGreaterThan(10); // the property is not vacuous: some random bodies are valid
  });
});

describe('signalling messages: hostile input never throws', () => {
  it('random bytes give a result, never an exception', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const r = decodeMessage(bytes);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 5000 },
    );
  });

  it('random bodies behind a valid header give a result, never an exception', () => {
    const codes = fc.constantFrom(...MESSAGE_TYPES.map(typeCode));
    fc.assert(
      fc.property(codes, fc.uint8Array({ maxLength: 300 }), (code, body) => {
        const r = decodeMessage(datagram(code, body));
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 5000 },
    );
  });

  it('every truncation and byte corruption of a valid message is refused or decoded, never thrown', () => {
    fc.assert(
      fc.property(anyMessage, fc.nat(), fc.integer({ min: 1, max: 255 }), (msg, at, xor) => {
        const bytes = encodeMessage(msg, { txid: 1, flags: 0 });
        for (let n = 0; n < bytes.length; n++) expect(decodeMessage(bytes.subarray(0, n)).ok).toBe(false);
        const bad = bytes.slice();
        bad[at % bad.length] ^= xor;
        const r = decodeMessage(bad);
        // whatever a corrupted datagram decodes to, it is that message's one and only encoding
        // (reserved header bits aside: they are ignored on receipt and sent as zero)
        bad[5] = 0;
        bad[4] &= 0x0f;
        if (r.ok) expect(encodeMessage(r.msg, r.envelope)).toEqual(bad);
      }),
      { numRuns: 500 },
    );
  });
});

describe('signalling messages: each refusal names its reason', () => {
  const good = encodeMessage({ type: 'blf-state', dn: '5124', state: 'busy' });
  const blfState = typeCode('blf-state');

  it.each<[string, Uint8Array, string]>([
    ['too-short', good.subarray(0, 11), 'too-short'],
    ['bad-magic', hex('4845' + Buffer.from(good.subarray(2)).toString('hex')), 'bad-magic'],
    ['bad-version', datagram(blfState, good.subarray(12)).map((x, i) => (i === 2 ? 2 : x)), 'bad-version'],
    ['unknown-type', datagram(0xee, good.subarray(12)), 'unknown-type'],
    ['REQUEST with RESPONSE', datagram(blfState, good.subarray(12), FLAG_REQUEST | FLAG_RESPONSE), 'bad-flags'],
    ['ACK-NEEDED alone', datagram(blfState, good.subarray(12), FLAG_ACK_NEEDED), 'bad-flags'],
    ['header length too long', good.subarray(0, good.length - 1), 'bad-length'],
    ['header length too short', hex(Buffer.from(good).toString('hex') + '00'), 'bad-length'],
    ['a string past the end', datagram(blfState, hex('09 35313234 01')), 'truncated'],
    ['a byte after the last field', datagram(blfState, hex('04 35313234 01 00')), 'trailing-bytes'],
    ['invalid UTF-8', datagram(blfState, hex('02 c328 01')), 'bad-utf8'],
    ['an overlong UTF-8 form', datagram(blfState, hex('02 c0af 01')), 'bad-utf8'],
    ['an unknown enum code', datagram(blfState, hex('04 35313234 07')), 'bad-enum'],
    ['a boolean that is 2', datagram(typeCode('health-ack'), hex('01 41 02')), 'bad-value'],
    ['a fixed field cut short', datagram(typeCode('login-challenge'), new Uint8Array(15)), 'truncated'],
    ['a list longer than its body', datagram(typeCode('blf-subscribe'), hex('03 01 31 01 32')), 'truncated'],
    ['a block longer than its body', datagram(typeCode('key-layout-block'), hex('0000 0005 0102')), 'truncated'],
  ])('%s', (_name, bytes, reason) => {
    expect(reasonOf(decodeMessage(bytes))).toBe(reason);
  });

  it('ignores the reserved header byte and reserved flag bits (forward compatible)', () => {
    const b = good.slice();
    b[5] = 0x5a;
    b[4] |= 0xf0;
    expect(decodeMessage(b)).toMatchObject({ ok: true, msg: { type: 'blf-state', dn: '5124', state: 'busy' }, envelope: { flags: 0 } });
  });

  it('does not alias the datagram: byte fields are copies', () => {
    const nonce = new Uint8Array(16).fill(9);
    const bytes = encodeMessage({ type: 'login-challenge', nonce });
    const r = decodeMessage(bytes);
    bytes.fill(0);
    expect(r.ok && r.msg.type === 'login-challenge' && r.msg.nonce).toEqual(nonce);
  });
});

describe('signalling messages: the encoder refuses what cannot go on the wire', () => {
  const msg = (m: Message) => () => encodeMessage(m);
  it('refuses a string of more than 255 UTF-8 bytes', () => {
    expect(msg({ type: 'login-begin', ext: 'é'.repeat(128) })).toThrow(RangeError);
    expect(() => encodeMessage({ type: 'login-begin', ext: 'x'.repeat(255) })).not.toThrow();
  });
  it('refuses an unpaired surrogate (it has no UTF-8 form)', () => {
    expect(msg({ type: 'login-begin', ext: 'a\ud800' })).toThrow(TypeError);
  });
  it('refuses a bad MAC, a bad IP, a wrong-size nonce, an unknown enum value', () => {
    expect(msg({ type: 'register', mac: '00:08:5d:12:34', model: '', firmwareVersion: '', dn: '', hotdeskExt: '', sessionToken: new Uint8Array(16), layoutCrc: 0 })).toThrow(RangeError);
    expect(msg({ type: 'redirect', ip: '10.0.0.256', port: 1, reason: 'fail-back' })).toThrow(RangeError);
    expect(msg({ type: 'login-challenge', nonce: new Uint8Array(15) })).toThrow(RangeError);
    expect(msg({ type: 'blf-state', dn: '1', state: 'asleep' as never })).toThrow(RangeError);
  });
  it('refuses a missing field rather than shifting every field after it', () => {
    expect(msg({ type: 'blf-state', dn: '1' } as Message)).toThrow(/lacks state/);
  });
  it('refuses a datagram bigger than one Ethernet frame can carry', () => {
    // header 12 + count 1 + 121 DNs of 12 bytes (length + 11 digits) + one of 7 bytes = 1472 exactly
    const dns = Array.from({ length: 121 }, (_, i) => `5${String(i).padStart(10, '0')}`);
    expect(encodeMessage({ type: 'blf-subscribe', dns: [...dns, '123456'] }).length).toBe(MAX_DATAGRAM_BYTES);
    expect(msg({ type: 'blf-subscribe', dns: [...dns, '1234567'] })).toThrow(/needs 1473 bytes, a datagram holds 1472/);
  });
  it('refuses impossible flags and a txid that is not a u32', () => {
    const m: Message = { type: 'heartbeat', hotdeskExt: '' };
    expect(() => encodeMessage(m, { txid: 1, flags: FLAG_REQUEST | FLAG_RESPONSE })).toThrow(RangeError);
    expect(() => encodeMessage(m, { txid: 2 ** 32, flags: 0 })).toThrow(RangeError);
  });
});

describe('signalling messages: the type list', () => {
  it('lists all the message types the protocol defines, in wire-code order', () => {
    const expected: MessageType[] = [
      'register', 'register-ack', 'heartbeat', 'heartbeat-ack', 'health-check', 'health-ack', 'redirect', 'key-exchange', 'key-exchange-ack', 'ack',
      'login-begin', 'login-challenge', 'login', 'login-result', 'key-layout-begin', 'key-layout-block',
      'logout-request', 'logout-notice', 'logout-refused', 'blf-subscribe', 'blf-state',
      'call-setup', 'call-alerting', 'call-connect', 'call-hold', 'call-resume', 'call-transfer', 'call-conference', 'call-release', 'line-status',
      'message-waiting',
      'agent-state', 'agent-request',
    ];
    expect(MESSAGE_TYPES).toEqual(expected);
  });
});
