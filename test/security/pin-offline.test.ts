// The PIN must not fall to an offline guess from a passive capture (issue "Security and reliability").
// On the old, clear protocol a capture holds the nonce, the extension, the MAC and the HMAC of one login,
// and every PIN of the digits typed can be tried against them: this test recovers a 4-digit PIN that
// way. On today's protocol the same attack, on a real capture of a real login, finds nothing to try:
// the login travels inside the sealed session. With the key log (secret, like SSLKEYLOGFILE) the capture
// can be read, which is what keeps it useful to whoever holds the log, and to nobody else.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, FLAG_REQUEST, FLAG_RESPONSE, type Message } from '../../firmware/signalling/messages.ts';
import { pinResponse } from '../../firmware/signalling/pin-auth.ts';
import { KeyLogReader } from '../../firmware/signalling/secure/keylog.ts';
import { isSealed } from '../../firmware/signalling/secure/sealed.ts';
import { parseControllerConfig } from '../../sim/controller/config.ts';
import { World } from '../../sim/world.ts';

const dir = mkdtempSync(join(tmpdir(), 'pin-offline-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The UDP payloads on port 6800 in a pcap (LINKTYPE_ETHERNET, optional 802.1Q tag). */
function signallingPayloads(pcap: Buffer): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 24; at + 16 <= pcap.length; ) {
    const len = pcap.readUInt32LE(at + 8);
    const frame = pcap.subarray(at + 16, at + 16 + len);
    at += 16 + len;
    let eth = 14;
    if (frame.readUInt16BE(12) === 0x8100) eth += 4;
    if (frame.readUInt16BE(eth - 2) !== 0x0800 || frame[eth + 9] !== 17) continue;
    const udp = eth + (frame[eth] & 0x0f) * 4;
    if (frame.readUInt16BE(udp) !== 6800 && frame.readUInt16BE(udp + 2) !== 6800) continue;
    out.push(new Uint8Array(frame.subarray(udp + 8, udp + frame.readUInt16BE(udp + 4))));
  }
  return out;
}

/** The attacker: the login material any readable datagrams hold, and a brute force over 4-digit PINs. */
function recoverPin(datagrams: readonly Uint8Array[]): { pin?: string; material: boolean } {
  const msgs = datagrams.map((d) => decodeMessage(d)).flatMap((r) => (r.ok ? [r.msg] : []));
  const mac = msgs.find((m): m is Extract<Message, { type: 'register' | 'key-exchange' }> => m.type === 'register' || m.type === 'key-exchange')?.mac;
  const challenge = msgs.find((m) => m.type === 'login-challenge');
  const login = msgs.find((m) => m.type === 'login');
  if (!mac || challenge?.type !== 'login-challenge' || login?.type !== 'login') return { material: false };
  for (let n = 0; n < 10_000; n++) {
    const pin = String(n).padStart(4, '0');
    const hmac = pinResponse(challenge.nonce, login.ext, mac, pin);
    if (Buffer.from(hmac).equals(Buffer.from(login.hmac))) return { pin, material: true };
  }
  return { material: true };
}

describe('an offline guess at the PIN from a passive capture', () => {
  it('succeeds on the old clear protocol: nonce, extension, MAC and HMAC are all in the capture', () => {
    const mac = '00:08:5d:12:34:56';
    const nonce = Uint8Array.from({ length: 16 }, (_, i) => i * 7);
    // the datagrams of a registration and a login, exactly as the clear protocol sent them
    const clear: Message[] = [
      { type: 'register', mac, model: '5340', firmwareVersion: '1.0.0.0', dn: '', hotdeskExt: '', sessionToken: new Uint8Array(16), layoutCrc: 0 },
      { type: 'login-begin', ext: '5123' },
      { type: 'login-challenge', nonce },
      { type: 'login', ext: '5123', hmac: pinResponse(nonce, '5123', mac, '4711') },
    ];
    const capture = clear.map((m, i) => encodeMessage(m, { txid: i + 1, flags: i === 2 ? FLAG_RESPONSE : FLAG_REQUEST }));
    expect(recoverPin(capture)).toEqual({ pin: '4711', material: true });
  });

  it('finds nothing to guess from on today\'s protocol, in a real capture of a real login; the key log reads it', async () => {
    const pcapPath = join(dir, 'login.pcap');
    const keyLogPath = join(dir, 'keys.log');
    process.env.HOTDESK_KEYLOG = keyLogPath; // the documented key log, as SSLKEYLOGFILE
    const world = await World.build({
      profile: '5340',
      link: { kind: 'mock' },
      pcapPath,
      config: parseControllerConfig({ users: [{ ext: '5123', pin: '4711', name: 'Alice Smith' }] }, 'test'),
    });
    try {
      expect(await world.advance(30_000, () => world.display()[0] === 'No User Logged In')).toBe(true);
      for (const key of ['hotdesk', 'login', '5', '1', '2', '3', 'ok', '4', '7', '1', '1', 'ok']) world.press(key);
      expect(await world.advance(5_000, () => world.hotdesk()?.user?.ext === '5123')).toBe(true);
      await world.close();
      const datagrams = signallingPayloads(readFileSync(pcapPath));
      expect(datagrams.length).toBeGreaterThan(6);
      // only the key exchange is in clear; the attacker gets no nonce, no HMAC, not even the extension
      const clear = datagrams.filter((d) => !isSealed(d)).map((d) => decodeMessage(d)).map((r) => (r.ok ? r.msg.type : '?'));
      expect(new Set(clear)).toEqual(new Set(['key-exchange', 'key-exchange-ack']));
      expect(recoverPin(datagrams)).toEqual({ material: false });
      for (const d of datagrams) expect(Buffer.from(d).includes(Buffer.from('5123'))).toBe(false);
      // whoever holds the key log can read the capture (and so must keep the log as secret as the keys)
      const keys = new KeyLogReader();
      keys.addAll(readFileSync(keyLogPath, 'utf8'));
      const opened = datagrams.map((d) => keys.open(d) ?? d);
      expect(recoverPin(opened)).toEqual({ pin: '4711', material: true });
    } finally {
      delete process.env.HOTDESK_KEYLOG;
      await world.close();
    }
  });
});
