// The authenticated, private signalling session (issue "Security and reliability"): a phone and a
// controller endpoint on a fake network. Every message after the key exchange is sealed; the phone talks
// only to a controller that proves the cluster's key; forged, replayed, corrupted and clear datagrams from
// any address are dropped, counted by reason and traced, and never throw.
import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyIdOf } from '../../../../firmware/boot/image-keys.ts';
import { VirtualClock } from '../../../../firmware/clock.ts';
import type { TraceRecord } from '../../../../firmware/hal.ts';
import { SeededRandom } from '../../../../firmware/random.ts';
import { decodeMessage, encodeMessage, FLAG_REQUEST, type Message } from '../../../../firmware/signalling/messages.ts';
import { SecureEndpoint, type SecureIdentity } from '../../../../firmware/signalling/secure/endpoint.ts';
import { KeyLogReader } from '../../../../firmware/signalling/secure/keylog.ts';
import { isSealed } from '../../../../firmware/signalling/secure/sealed.ts';
import type { Peer } from '../../../../firmware/signalling/transactions.ts';
import { devClusterIdentity, devClusterTrustedKey } from '../../../../sim/controller/dev-keys/index.ts';
import { FakeNet } from '../../../support/fake-net.ts';

const PHONE: Peer = { ip: '10.0.0.50', port: 6800 };
const CTRL: Peer = { ip: '10.0.0.1', port: 6800 };
const MAC = '00:08:5d:12:34:56';

function pair(opts: { identity?: SecureIdentity } = {}) {
  const clock = new VirtualClock(() => new Promise<void>((resolve) => setImmediate(resolve)));
  const net = new FakeNet(clock, 5);
  const trace: TraceRecord[] = [];
  const keys = new KeyLogReader();
  const handled: { msg: Message; from: Peer }[] = [];
  const controller = new SecureEndpoint({
    role: 'controller',
    identity: opts.identity ?? devClusterIdentity(),
    transport: net.transportFor(CTRL),
    clock,
    random: new SeededRandom(1),
    tracer: { record: (r) => void trace.push(r) },
    keyLog: (line) => keys.add(line),
    onRequest: (msg, from) => {
      handled.push({ msg, from });
      if (msg.type === 'heartbeat') return { type: 'heartbeat-ack', serverTimeMs: 1 };
    },
  });
  const phoneGot: Message[] = [];
  const phone = new SecureEndpoint({
    role: 'phone',
    mac: MAC,
    trustedKeys: [devClusterTrustedKey()],
    transport: net.transportFor(PHONE),
    clock,
    random: new SeededRandom(2),
    tracer: { record: (r) => void trace.push(r) },
    onRequest: (msg) => void phoneGot.push(msg),
  });
  net.attach(CTRL, controller);
  net.attach(PHONE, phone);
  const settle = async <T>(p: Promise<T>) => {
    const out = p.then((v) => ({ v }), (e: unknown) => ({ e }));
    await clock.advance(20_000);
    return out;
  };
  return { clock, net, trace, keys, controller, phone, handled, phoneGot, settle };
}

const heartbeat: Message = { type: 'heartbeat', hotdeskExt: '' };

/** A pair whose controller is away (every datagram lost) until `back()`. */
function awayPair() {
  const p = pair();
  let away = true;
  p.net.fate = () => (away ? 'drop' : 'deliver');
  return { ...p, back: () => void (away = false) };
}

describe('signalling session', () => {
  it('abandons an exchange still backing off when a request there times out: the next request opens a fresh one', async () => {
    const p = awayPair();
    // a heartbeat of 2 tries (given up at 1.5 s) while the controller is away: its exchange (4 tries,
    // 7.5 s) is still backing off when the heartbeat gives up and the session is forgotten
    const first = p.phone.tx.request(CTRL, heartbeat, { tries: 2 }).then(() => 'answered', () => 'failed');
    await p.clock.advance(1_600);
    expect(await first).toBe('failed');
    p.phone.forget(CTRL, 0); // the exchange under way began at 0, with the heartbeat
    expect(p.phone.drops['kx-abandoned']).toBe(1);
    // the controller is back before the old exchange's last try would even have gone out (3.5 s)
    p.back();
    await p.clock.advance(400);
    const second = p.settle(p.phone.tx.request(CTRL, heartbeat, { tries: 2 }));
    expect(await second).toEqual({ v: { type: 'heartbeat-ack', serverTimeMs: 1 } });
    // the abandoned exchange ends quietly: no kx-timeout for it, nothing more dropped
    expect(p.phone.drops['kx-timeout']).toBeUndefined();
    expect(p.trace.filter((r) => r.kind === 'drop' && r.reason.includes('kx-abandoned'))).toHaveLength(1);
  });

  it('leaves alone an exchange begun after the request that timed out was sent (it waits for another request)', async () => {
    const p = awayPair();
    // request A goes out at 0 and opens an exchange; it gives up at 1.5 s and its exchange is abandoned
    const a = p.phone.tx.request(CTRL, heartbeat, { tries: 2 }).then(() => 'answered', () => 'failed');
    await p.clock.advance(1_550);
    expect(await a).toBe('failed');
    p.phone.forget(CTRL, 0); // the exchange under way began at 0, when A went out: abandoned
    expect(p.phone.drops['kx-abandoned']).toBe(1);
    await p.clock.advance(50);
    p.back();
    const b = p.settle(p.phone.tx.request(CTRL, heartbeat, { tries: 2 }));
    // request B opened a fresh exchange at 1.6 s: a second report of A's timeout (A went out at 0),
    // late, must not take it
    p.phone.forget(CTRL, 0);
    expect(p.phone.drops['kx-abandoned']).toBe(1);
    expect(await b).toEqual({ v: { type: 'heartbeat-ack', serverTimeMs: 1 } });
  });

  it('opens with a signed key exchange; everything after it is sealed and arrives once', async () => {
    const p = pair();
    const r = await p.settle(p.phone.tx.request(CTRL, heartbeat));
    expect(r).toEqual({ v: { type: 'heartbeat-ack', serverTimeMs: 1 } });
    const sig = p.net.sent.map((d) => d.bytes);
    // the exchange in clear, then only sealed datagrams
    expect(decodeMessage(sig[0])).toMatchObject({ ok: true, msg: { type: 'key-exchange', mac: MAC } });
    expect(decodeMessage(sig[1])).toMatchObject({ ok: true, msg: { type: 'key-exchange-ack', result: 'ok' } });
    expect(sig.slice(2).every(isSealed)).toBe(true);
    expect(sig.slice(2).every((b) => !decodeMessage(b).ok)).toBe(true);
    // the controller knows the phone by its session, bound to the MAC it claimed
    expect(p.handled).toHaveLength(1);
    expect(p.controller.macOf(p.handled[0].from.session)).toBe(MAC);
    // a push to the phone goes on its session
    await p.settle(p.controller.tx.request(p.handled[0].from, { type: 'blf-state', dn: '5123', state: 'busy' }));
    expect(p.phoneGot).toEqual([{ type: 'blf-state', dn: '5123', state: 'busy' }]);
    expect(p.phone.drops).toEqual({});
    expect(p.controller.drops).toEqual({});
  });

  it('the key log opens a capture, as SSLKEYLOGFILE does for TLS', async () => {
    const p = pair();
    await p.settle(p.phone.tx.request(CTRL, heartbeat));
    const opened = p.net.sent.slice(2).map((d) => {
      const plain = p.keys.open(d.bytes);
      const r = plain ? decodeMessage(plain) : undefined;
      return r?.ok ? r.msg.type : '?';
    });
    expect(opened).toEqual(['heartbeat', 'heartbeat-ack']);
    expect(new KeyLogReader().open(p.net.sent[2].bytes)).toBeUndefined(); // without the keys: nothing
  });

  it('talks to no controller that cannot prove the cluster key', async () => {
    const other = generateKeyPairSync('ed25519').privateKey;
    const impostor = pair({ identity: { key: other, keyId: keyIdOf(other) } });
    const r = await impostor.settle(impostor.phone.tx.request(CTRL, heartbeat, { tries: 2 }));
    expect(r).toHaveProperty('e');
    // each of the two tries asks for a session anew, and each is refused
    expect(impostor.phone.drops['untrusted-key']).toBe(2);
    expect(impostor.handled).toEqual([]);
    // the same key id with another key: the signature does not verify
    const forger = pair({ identity: { key: other, keyId: devClusterTrustedKey().keyId } });
    await forger.settle(forger.phone.tx.request(CTRL, heartbeat, { tries: 2 }));
    expect(forger.phone.drops['bad-signature']).toBe(2);
    expect(forger.handled).toEqual([]);
  });

  it('drops a replayed, a corrupted and a clear datagram from any address, counted and traced', async () => {
    const p = pair();
    await p.settle(p.phone.tx.request(CTRL, heartbeat));
    await p.settle(p.controller.tx.request(p.handled[0].from, { type: 'blf-state', dn: '5123', state: 'busy' }));
    const push = p.net.sent.filter((d) => d.from.ip === CTRL.ip && isSealed(d.bytes)).at(-1)!;
    // replayed from the controller's own address
    p.phone.receive(CTRL.ip, CTRL.port, push.bytes);
    // one bit flipped in the ciphertext
    const bent = push.bytes.slice();
    bent[bent.length - 20] ^= 1;
    p.phone.receive(CTRL.ip, CTRL.port, bent);
    // a forged logout-notice in clear, from the controller's address
    p.phone.receive(CTRL.ip, CTRL.port, encodeMessage({ type: 'logout-notice', reason: 'remote', ext: '5123', byDn: '' }, { txid: 9, flags: FLAG_REQUEST }));
    // a session nobody opened
    const stranger = push.bytes.slice();
    stranger[5] ^= 0xff;
    p.phone.receive(CTRL.ip, CTRL.port, stranger);
    expect(p.phoneGot).toEqual([{ type: 'blf-state', dn: '5123', state: 'busy' }]);
    expect(p.phone.drops).toEqual({ replay: 1, 'bad-tag': 1, 'clear-message': 1, 'unknown-session': 1 });
    const drops = p.trace.filter((t) => t.kind === 'drop').map((t) => (t.kind === 'drop' ? t.reason.split(':')[0] : ''));
    expect(drops).toEqual(['sig-secure replay', 'sig-secure bad-tag', 'sig-secure clear-message', 'sig-secure unknown-session']);
  });

  it('a second phone on the same address is another session: it cannot speak for the first', async () => {
    const p = pair();
    await p.settle(p.phone.tx.request(CTRL, heartbeat));
    const intruder = new SecureEndpoint({
      role: 'phone',
      mac: '00:08:5d:66:66:66',
      trustedKeys: [devClusterTrustedKey()],
      transport: p.net.transportFor(PHONE),
      clock: p.clock,
      random: new SeededRandom(3),
    });
    const both = { receive: (ip: string, port: number, b: Uint8Array) => (p.phone.receive(ip, port, b), intruder.receive(ip, port, b)) };
    p.net.attach(PHONE, both);
    await p.settle(intruder.tx.request(CTRL, heartbeat));
    const [first, second] = p.handled.map((h) => h.from);
    expect(first.ip).toBe(second.ip);
    expect(first.port).toBe(second.port);
    expect(first.session).not.toBe(second.session);
    expect([p.controller.macOf(first.session), p.controller.macOf(second.session)]).toEqual([MAC, '00:08:5d:66:66:66']);
  });

  it('garbage of any shape never throws at either end, and is counted', () => {
    const p = pair();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (bytes, sealedMagic) => {
        const b = bytes.slice();
        if (sealedMagic && b.length >= 2) [b[0], b[1]] = [0x48, 0x53];
        p.phone.receive(CTRL.ip, CTRL.port, b);
        p.controller.receive(PHONE.ip, PHONE.port, b);
      }),
      { numRuns: 500 },
    );
    expect(p.handled).toEqual([]);
    expect(p.phoneGot).toEqual([]);
  });
});
