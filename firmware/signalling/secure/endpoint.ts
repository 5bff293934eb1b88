// One end of the authenticated, private signalling session. Below the Transactions engine and above
// UDP: every message travels sealed (sealed.ts, AES-256-GCM with a replay window per direction) except
// the key exchange that opens a session, which is its own small clear Transactions conversation.
//
//   phone                                              controller (the cluster's identity key)
//     key-exchange {mac, phoneKey, nonce}  ------------>  new session id, its own ephemeral key
//     <------------ key-exchange-ack {sessionId, controllerKey, nonce, keyId, signature}
//     the phone checks the signature with the cluster key it trusts; both derive the two keys
//     sealed(register), sealed(heartbeat), ...  <---->  sealed(register-ack), sealed(pushes), ...
//
// A phone opens one session per controller it talks to, the first time it sends there; what it sends
// meanwhile waits (bounded) and goes out sealed once the session is up. A session whose request times
// out is dropped, so a restarted controller gets a fresh exchange. A controller keys sessions by id,
// never by address: a datagram from a phone's address on another session is another phone to it.
// Everything refused is counted by reason and traced: clear messages, unknown sessions, bad tags,
// replays, a signature that does not verify.
import type { KeyObject } from 'node:crypto';
import type { Clock, Random, Tracer } from '../../hal.ts';
import type { TrustedKey } from '../../boot/image-keys.ts';
import { sameKeyId } from '../../boot/image-keys.ts';
import { decodeMessage, type Message } from '../messages.ts';
import { Transactions, type DatagramTransport, type Peer, type TransactionsOptions } from '../transactions.ts';
import { KX_NONCE_BYTES, SESSION_ID_BYTES, deriveKeys, open, seal, sharedSecret, signTranscript, transcript, verifyTranscript, x25519KeyPair, type Direction, type SessionKeys } from './crypto.ts';
import { ReplayWindow } from './replay.ts';
import { hex, isSealed, parseSealed, sealedHeader } from './sealed.ts';

/** Datagrams a phone holds for a controller while the session there is being opened. */
const MAX_WAITING = 32;
/** Sessions a controller keeps; past this the oldest goes (its phone opens a new one when it next talks). */
const MAX_SESSIONS = 16_384;


/** A controller's memory for the answers it keeps 32 s (both its sealed and its key-exchange responder):
 * at about 400 bytes an answer, some 160,000 answers, 5,000 requests a second for 32 s. */
export const CONTROLLER_ANSWER_CACHE_BYTES = 64 * 1024 * 1024;
export type SecureDropReason =
  | 'clear-message'
  | 'unknown-session'
  | 'bad-tag'
  | 'replay'
  | 'sealed-short'
  | 'sealed-version'
  | 'bad-signature'
  | 'untrusted-key'
  | 'bad-key'
  | 'kx-refused'
  | 'kx-timeout'
  | 'kx-abandoned'
  | 'queue-full'
  | 'no-session';

export interface SecureIdentity {
  /** The cluster's Ed25519 private key. */
  key: KeyObject;
  keyId: Uint8Array;
}

interface SessionState {
  id: Uint8Array;
  idHex: string;
  keys: SessionKeys;
  /** The MAC the phone claimed in the exchange: the identity the controller binds the session to. */
  mac: string;
  txSeq: bigint;
  rx: ReplayWindow;
}

export interface SecureEndpointOptions extends Omit<TransactionsOptions, 'transport'> {
  role: 'phone' | 'controller';
  transport: DatagramTransport;
  clock: Clock;
  random: Random;
  tracer?: Tracer;
  /** Phone: its MAC (claimed in the exchange) and the cluster keys it trusts. */
  mac?: string;
  trustedKeys?: readonly TrustedKey[];
  /** Controller: the cluster's identity. */
  identity?: SecureIdentity;
  /**
   * Where private keys, nonces and session ids come from: a real entropy source (the board binds the
   * OS's). Without it the seeded Random is used, which only a test that wants a replayable run may do:
   * whoever knows the seed could work the keys out.
   */
  entropy?: (n: number) => Uint8Array;
  /**
   * Where session keys are written, one line per session (`HOTDESK-SIG <session> <up> <down>`, hex), as
   * SSLKEYLOGFILE does for TLS: a capture plus this file is readable, a capture alone is not.
   */
  keyLog?: (line: string) => void;
}

/** A key exchange under way with one controller: when it began, and the datagrams waiting for it. */
interface Opening {
  since: number;
  waiting: { bytes: Uint8Array }[];
}

export class SecureEndpoint {
  /** The sealed conversation: requests, answers, pushes. */
  readonly tx: Transactions;
  readonly drops: Partial<Record<SecureDropReason, number>> = {};
  readonly stats = { sessionsOpened: 0, sealed: 0, opened: 0 };
  private readonly kx: Transactions;
  private readonly sessions = new Map<string, SessionState>();
  /** Controller: the id of each MAC's session (one per MAC), so a fleet's exchanges do not scan them all. */
  private readonly sessionOfMac = new Map<string, string>();
  /** Phone: the session with each controller address, and datagrams waiting for one being opened. */
  private readonly byPeer = new Map<string, SessionState>();
  /** Phone: each exchange under way, when it began (forget abandons only one begun before the failed request) and what waits for it. */
  private readonly opening = new Map<string, Opening>();
  private readonly direction: { out: Direction; in: Direction };

  constructor(private readonly o: SecureEndpointOptions) {
    if (o.role === 'controller' && !o.identity) throw new RangeError('secure endpoint: a controller needs the cluster identity');
    if (o.role === 'phone' && !o.mac) throw new RangeError('secure endpoint: a phone needs its MAC');
    this.direction = o.role === 'phone' ? { out: 'up', in: 'down' } : { out: 'down', in: 'up' };
    // a controller answers a building's boot storm; a phone, the few pushes of one controller
    const cacheMaxBytes = o.cacheMaxBytes ?? (o.role === 'controller' ? CONTROLLER_ANSWER_CACHE_BYTES : undefined);
    this.tx = new Transactions({ ...o, cacheMaxBytes, transport: { send: (ip, port, bytes, session) => this.sendSealed(ip, port, bytes, session) } });
    this.kx = new Transactions({
      cacheMaxBytes,
      transport: o.transport,
      clock: o.clock,
      random: o.random,
      tracer: o.tracer,
      tries: 4,
      onRequest: o.role === 'controller' ? (msg, from) => this.answerExchange(msg, from) : () => ({ type: 'ack', status: 'rejected' }),
    });
  }

  /** Feeds one datagram received on the signalling port. Never throws. */
  receive(srcIp: string, srcPort: number, bytes: Uint8Array): void {
    if (!isSealed(bytes)) {
      const r = decodeMessage(bytes);
      // only the exchange itself travels in clear; anything else in clear is a forgery or a lab peer
      if (r.ok && (r.msg.type === 'key-exchange' || r.msg.type === 'key-exchange-ack')) return this.kx.receive(srcIp, srcPort, bytes);
      if (!r.ok) return this.kx.receive(srcIp, srcPort, bytes); // counted there as undecodable
      return this.drop('clear-message', `${r.msg.type} from ${srcIp}:${srcPort}`);
    }
    const parsed = parseSealed(bytes);
    if (!parsed.ok) return this.drop(parsed.reason, `from ${srcIp}:${srcPort}`);
    const { header, aad, body } = parsed;
    const idHex = hex(header.sessionId);
    const s = this.sessions.get(idHex);
    if (!s) return this.drop('unknown-session', `${tag(header.sessionId)} from ${srcIp}:${srcPort}`);
    const plain = open(this.direction.in === 'up' ? s.keys.up : s.keys.down, this.direction.in, header.seq, aad, body);
    if (!plain) return this.drop('bad-tag', `session ${tag(s.id)} from ${srcIp}:${srcPort}`);
    // the window moves only for datagrams that authenticated: a forgery cannot push it forward
    if (!s.rx.accept(header.seq)) return this.drop('replay', `session ${tag(s.id)} from ${srcIp}:${srcPort}`);
    // in use: the last to be evicted when the table is full
    this.sessions.delete(idHex);
    this.sessions.set(idHex, s);
    this.stats.opened++;
    this.tx.receive(srcIp, srcPort, plain, idHex);
  }

  /** The MAC a session's phone claimed in its exchange (controller). */
  macOf(session: string | undefined): string | undefined {
    return session === undefined ? undefined : this.sessions.get(session)?.mac;
  }

  /** Forgets every session (power-off, a controller restart). */
  reset(): void {
    this.sessions.clear();
    this.sessionOfMac.clear();
    this.byPeer.clear();
    this.opening.clear();
    this.kx.cancelAll();
  }

  /**
   * Phone: the next datagram to this controller opens a new session (the old one stopped answering).
   * `since`: when the request that timed out was first sent. An exchange that was already under way
   * then (the one the request waited on) is abandoned with what waited for it: begun while the
   * controller was away, its back-off (7.5 s) could outlast the controller's return and hold the next
   * request. One begun later, for another request, is left to run.
   */
  forget(peer: Peer, since: number): void {
    const key = peerKey(peer);
    const open = this.opening.get(key);
    if (open && open.since <= since) {
      this.opening.delete(key);
      this.kx.cancel(key);
      this.drop('kx-abandoned', `${key} (${open.waiting.length} waiting datagrams dropped)`);
    }
    const s = this.byPeer.get(key);
    if (!s) return;
    this.byPeer.delete(key);
    this.sessions.delete(s.idHex);
  }

  private sendSealed(ip: string, port: number, bytes: Uint8Array, session: string | undefined): void {
    const s = session !== undefined ? this.sessions.get(session) : this.byPeer.get(peerKey({ ip, port }));
    if (s) return this.o.transport.send(ip, port, this.sealWith(s, bytes));
    if (this.o.role === 'controller') return this.drop('no-session', `to ${ip}:${port}`);
    const key = peerKey({ ip, port });
    const open = this.opening.get(key);
    if (open) {
      if (open.waiting.length >= MAX_WAITING) return this.drop('queue-full', `to ${ip}:${port}`);
      open.waiting.push({ bytes });
      return;
    }
    const opening: Opening = { since: this.o.clock.now(), waiting: [{ bytes }] };
    this.opening.set(key, opening);
    this.openSession({ ip, port }, opening);
  }

  private sealWith(s: SessionState, bytes: Uint8Array): Uint8Array {
    s.txSeq += 1n;
    const head = sealedHeader({ sessionId: s.id, seq: s.txSeq });
    const body = seal(this.direction.out === 'up' ? s.keys.up : s.keys.down, this.direction.out, s.txSeq, head, bytes);
    this.stats.sealed++;
    const out = new Uint8Array(head.length + body.length);
    out.set(head, 0);
    out.set(body, head.length);
    return out;
  }

  /** Phone: the exchange with one controller; what waited goes out sealed once it is done. */
  private openSession(peer: Peer, mine: Opening): void {
    const key = peerKey(peer);
    const pair = x25519KeyPair(this.secret(32));
    const nonce = this.secret(KX_NONCE_BYTES);
    const mac = this.o.mac ?? '';
    const give = (reason: SecureDropReason, detail: string) => {
      this.opening.delete(key);
      this.drop(reason, `${detail} (${mine.waiting.length} waiting datagrams dropped)`);
    };
    // abandoned (forget): another exchange may be under way for this controller by the time this settles
    const abandoned = () => this.opening.get(key) !== mine;
    this.kx.request(peer, { type: 'key-exchange', mac, phoneKey: pair.publicKey, nonce }, { owner: key }).then(
      (answer) => {
        if (abandoned()) return;
        if (answer.type !== 'key-exchange-ack' || answer.result !== 'ok') return give('kx-refused', `${peer.ip}:${peer.port}`);
        const trusted = this.o.trustedKeys?.find((k) => sameKeyId(k.keyId, answer.keyId));
        if (!trusted) return give('untrusted-key', `key ${tag(answer.keyId)} from ${peer.ip}:${peer.port}`);
        const signed = transcript({ mac, phoneKey: pair.publicKey, phoneNonce: nonce, controllerKey: answer.controllerKey, controllerNonce: answer.nonce, sessionId: answer.sessionId });
        if (!verifyTranscript(trusted.publicKey, signed, answer.signature)) return give('bad-signature', `from ${peer.ip}:${peer.port}`);
        const secret = sharedSecret(pair.privateKey, answer.controllerKey);
        if (!secret) return give('bad-key', `from ${peer.ip}:${peer.port}`);
        const s = this.establish(answer.sessionId, deriveKeys(secret, nonce, answer.nonce, answer.sessionId), mac);
        this.byPeer.set(key, s);
        this.opening.delete(key);
        for (const w of mine.waiting) this.o.transport.send(peer.ip, peer.port, this.sealWith(s, w.bytes));
      },
      () => {
        if (!abandoned()) give('kx-timeout', `${peer.ip}:${peer.port}`);
      },
    );
  }

  /** Controller: answers a phone's exchange with a fresh session, signed with the cluster's key. */
  private answerExchange(msg: Message, from: Peer): Message {
    if (msg.type !== 'key-exchange') return { type: 'ack', status: 'unsupported' };
    const refused: Message = { type: 'key-exchange-ack', result: 'refused', sessionId: new Uint8Array(SESSION_ID_BYTES), controllerKey: new Uint8Array(32), nonce: new Uint8Array(KX_NONCE_BYTES), keyId: new Uint8Array(8), signature: new Uint8Array(64) };
    const identity = this.o.identity!;
    const pair = x25519KeyPair(this.secret(32));
    const secret = sharedSecret(pair.privateKey, msg.phoneKey);
    if (!secret) {
      this.drop('bad-key', `key-exchange from ${from.ip}:${from.port}`);
      return refused;
    }
    const nonce = this.secret(KX_NONCE_BYTES);
    const sessionId = this.secret(SESSION_ID_BYTES);
    const signature = signTranscript(identity.key, transcript({ mac: msg.mac, phoneKey: msg.phoneKey, phoneNonce: msg.nonce, controllerKey: pair.publicKey, controllerNonce: nonce, sessionId }));
    this.establish(sessionId, deriveKeys(secret, msg.nonce, nonce, sessionId), msg.mac);
    return { type: 'key-exchange-ack', result: 'ok', sessionId, controllerKey: pair.publicKey, nonce, keyId: identity.keyId, signature };
  }

  private secret(n: number): Uint8Array {
    return this.o.entropy ? this.o.entropy(n) : this.o.random.bytes(n);
  }

  private establish(id: Uint8Array, keys: SessionKeys, mac: string): SessionState {
    const s: SessionState = { id, idHex: hex(id), keys, mac, txSeq: 0n, rx: new ReplayWindow() };
    // a controller keeps one session per MAC: a phone that opens a new one has left the old one
    if (this.o.role === 'controller') {
      const macKey = mac.toLowerCase();
      const old = this.sessionOfMac.get(macKey);
      if (old !== undefined) this.sessions.delete(old); // a no-op when it was evicted meanwhile
      this.sessionOfMac.set(macKey, s.idHex);
    }
    this.sessions.set(s.idHex, s);
    if (this.sessions.size > MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value ?? '');
    this.stats.sessionsOpened++;
    this.o.keyLog?.(`HOTDESK-SIG ${s.idHex} ${hex(keys.up)} ${hex(keys.down)}`);
    return s;
  }

  private drop(reason: SecureDropReason, detail: string): void {
    this.drops[reason] = (this.drops[reason] ?? 0) + 1;
    this.o.tracer?.record({ kind: 'drop', reason: `sig-secure ${reason}: ${detail}` });
  }
}

const peerKey = (p: Peer) => `${p.ip}:${p.port}`;

/**
 * A session id or key id for the trace, written in the letters a-p (one per nibble): hex would put
 * digit runs in the trace that the suite's PIN audit cannot tell from a PIN.
 */
export function tag(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(97 + (b >> 4), 97 + (b & 15));
  return s;
}
