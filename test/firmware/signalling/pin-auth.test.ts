import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../firmware/random.ts';
import { encodeMessage } from '../../../firmware/signalling/messages.ts';
import type { Message } from '../../../firmware/signalling/messages.ts';
import { isValidPin, makeNonce, pinResponse, verifyPinResponse } from '../../../firmware/signalling/pin-auth.ts';
import { summarizeMessage } from '../../../firmware/signalling/summary.ts';
import { macAddr } from './arbitraries.ts';

const pinArb = fc.stringMatching(/^[0-9]{0,8}$/);
const extArb = fc.stringMatching(/^[0-9]{1,8}$/);
const nonceArb = fc.uint8Array({ minLength: 16, maxLength: 16 });
const MAC = '00:08:5d:12:34:56';
const NONCE = new Uint8Array(16).map((_, i) => i);

describe('PIN proof: verification', () => {
  it('accepts the right PIN, blank included', () => {
    fc.assert(
      fc.property(nonceArb, extArb, macAddr, pinArb, (nonce, ext, mac, pin) => {
        expect(verifyPinResponse(pinResponse(nonce, ext, mac, pin), nonce, ext, mac, pin)).toBe(true);
      }),
    );
    expect(verifyPinResponse(pinResponse(NONCE, '5123', MAC, ''), NONCE, '5123', MAC, '')).toBe(true);
  });

  it('rejects any other PIN', () => {
    fc.assert(
      fc.property(nonceArb, extArb, macAddr, pinArb, pinArb, (nonce, ext, mac, pin, typed) => {
        fc.pre(pin !== typed);
        expect(verifyPinResponse(pinResponse(nonce, ext, mac, typed), nonce, ext, mac, pin)).toBe(false);
      }),
    );
  });

  it('tells blank, "0" and "00" apart', () => {
    const answer = pinResponse(NONCE, '5123', MAC, '');
    expect(verifyPinResponse(answer, NONCE, '5123', MAC, '0')).toBe(false);
    expect(verifyPinResponse(pinResponse(NONCE, '5123', MAC, '0'), NONCE, '5123', MAC, '00')).toBe(false);
  });

  it('binds the answer to the nonce, the extension and the set', () => {
    const answer = pinResponse(NONCE, '5123', MAC, '1234');
    const otherNonce = NONCE.map((x) => x ^ 0xff);
    expect(verifyPinResponse(answer, otherNonce, '5123', MAC, '1234')).toBe(false);
    expect(verifyPinResponse(answer, NONCE, '5124', MAC, '1234')).toBe(false);
    expect(verifyPinResponse(answer, NONCE, '5123', '00:08:5d:12:34:57', '1234')).toBe(false);
    // the length prefixes keep (ext 512, pin 31234) from deriving the key of (ext 5123, pin 1234)
    expect(verifyPinResponse(answer, NONCE, '512', MAC, '31234')).toBe(false);
  });

  it('is false, never an exception, on malformed network input', () => {
    const answer = pinResponse(NONCE, '5123', MAC, '1234');
    expect(verifyPinResponse(answer.subarray(0, 31), NONCE, '5123', MAC, '1234')).toBe(false);
    expect(verifyPinResponse(new Uint8Array(33), NONCE, '5123', MAC, '1234')).toBe(false);
    expect(verifyPinResponse(answer, NONCE.subarray(1), '5123', MAC, '1234')).toBe(false);
    expect(verifyPinResponse(answer, NONCE, 'x'.repeat(300), MAC, '1234')).toBe(false);
    expect(verifyPinResponse(answer, NONCE, '5123', 'not a mac', '1234')).toBe(false);
    expect(verifyPinResponse(answer, NONCE, '5123', MAC, '12a4')).toBe(false);
  });

  it('follows the construction docs/protocol.md gives, byte for byte', () => {
    const ext = '5123';
    const pin = '1234';
    const key = createHash('sha256')
      .update(Buffer.concat([Buffer.from('hotdesk-pin'), Buffer.of(4), Buffer.from(ext), Buffer.of(4), Buffer.from(pin)]))
      .digest();
    const mac = Buffer.from('00085d123456', 'hex');
    const expected = createHmac('sha256', key).update(Buffer.concat([NONCE, Buffer.of(4), Buffer.from(ext), mac])).digest();
    expect(Buffer.from(pinResponse(NONCE, ext, MAC, pin))).toEqual(expected);
  });

  it('refuses to compute with a PIN that is not 0-8 digits (a firmware bug, not input)', () => {
    expect(isValidPin('')).toBe(true);
    expect(isValidPin('12345678')).toBe(true);
    expect(() => pinResponse(NONCE, '5123', MAC, '123456789')).toThrow(RangeError);
    expect(() => pinResponse(NONCE, '5123', MAC, '12 4')).toThrow(RangeError);
  });

  it('draws fresh nonces from the injected randomness', () => {
    const random = new SeededRandom(7);
    const a = makeNonce(random);
    const b = makeNonce(random);
    expect(a.length).toBe(16);
    expect(a).not.toEqual(b);
    expect(makeNonce(new SeededRandom(7))).toEqual(a); // replayable
  });
});

// ---- the PIN never crosses the wire ----

function indexOf(hay: Uint8Array, needle: Uint8Array): number {
  return Buffer.from(hay).indexOf(Buffer.from(needle));
}

/** The forms a careless encoder could leak a PIN in: ASCII, packed BCD (F-padded), u32 both ways. */
function leakForms(pin: string): Uint8Array[] {
  const forms: Uint8Array[] = [];
  // only forms of 4+ bytes: a shorter pattern turns up in a random 32-byte HMAC by chance
  if (pin.length >= 4) forms.push(Buffer.from(pin, 'ascii'));
  if (pin.length >= 7 && pin[0] !== '0') {
    const digits = (pin.length % 2 ? pin + 'f' : pin).split('');
    const bcd = Uint8Array.from({ length: digits.length / 2 }, (_, i) => parseInt(digits[2 * i] + digits[2 * i + 1], 16));
    forms.push(bcd);
    const n = Buffer.alloc(4);
    n.writeUInt32BE(Number(pin));
    forms.push(Uint8Array.from(n), Uint8Array.from(n).reverse());
  }
  return forms;
}

/** Every datagram of a registration and a login, as the phone and the controller would send them. */
function loginExchange(ext: string, pin: string, mac: string, nonce: Uint8Array): Message[] {
  return [
    { type: 'register', mac, model: 'model', firmwareVersion: 'fw', dn: '', hotdeskExt: '', sessionToken: new Uint8Array(16), layoutCrc: 0 },
    { type: 'login-begin', ext },
    { type: 'login-challenge', nonce },
    { type: 'login', ext, hmac: pinResponse(nonce, ext, mac, pin) },
    { type: 'login-result', code: 'ok', ext, name: 'Alice Smith', language: 'en', attemptsLeft: 3, lockedSeconds: 0, redirectIp: '0.0.0.0', redirectPort: 0, token: new Uint8Array(16) },
  ];
}

describe('PIN proof: the PIN never appears on the wire', () => {
  it('appears in no datagram and no trace summary, as ASCII, BCD or binary', () => {
    const longPin = fc.oneof(pinArb, fc.stringMatching(/^[1-9][0-9]{6,7}$/));
    fc.assert(
      fc.property(extArb, longPin, macAddr, nonceArb, fc.integer({ min: 1, max: 0xffffffff }), (ext, pin, mac, nonce, txid) => {
        fc.pre(pin.length === 0 || !ext.includes(pin)); // an extension that spells the PIN is not a leak
        const forms = leakForms(pin);
        for (const msg of loginExchange(ext, pin, mac, nonce)) {
          const bytes = encodeMessage(msg, { txid, flags: 0 });
          for (const form of forms) expect(indexOf(bytes, form)).toBe(-1);
          if (pin.length >= 4) expect(summarizeMessage(msg)).not.toContain(pin);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('changes only the 32 HMAC bytes when the PIN changes: nothing else depends on it', () => {
    fc.assert(
      fc.property(extArb, pinArb, pinArb, macAddr, nonceArb, (ext, pinA, pinB, mac, nonce) => {
        fc.pre(pinA !== pinB);
        const a = loginExchange(ext, pinA, mac, nonce).map((m) => encodeMessage(m, { txid: 9, flags: 0 }));
        const b = loginExchange(ext, pinB, mac, nonce).map((m) => encodeMessage(m, { txid: 9, flags: 0 }));
        for (let i = 0; i < a.length; i++) {
          expect(a[i].length).toBe(b[i].length);
          const differing = [...a[i]].flatMap((x, j) => (x !== b[i][j] ? [j] : []));
          if (i === 3) {
            expect(differing.length).toBeGreaterThan(0);
            expect(Math.min(...differing)).toBeGreaterThanOrEqual(a[i].length - 32); // the HMAC is the last field
          } else expect(differing).toEqual([]);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('would catch a leak: the checker finds a PIN planted in a datagram', () => {
    const planted = encodeMessage({ type: 'login-begin', ext: '57391846' });
    expect(indexOf(planted, leakForms('57391846')[0])).toBeGreaterThan(0);
    const bcd = encodeMessage({ type: 'login', ext: '1', hmac: Uint8Array.from([...new Uint8Array(28), 0x57, 0x39, 0x18, 0x46]) });
    expect(indexOf(bcd, leakForms('57391846')[1])).toBeGreaterThan(0);
  });
});
