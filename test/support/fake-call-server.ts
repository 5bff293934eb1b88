// A scripted call server for the hot desk tests: real Transactions and codecs on the FakeNet, a small
// user directory, the PIN proof checked with verifyPinResponse, key layouts pushed in blocks after a
// login, and knobs a test turns (down, logout answers, expected firmware, redirects).
import { SecureEndpoint } from '../../firmware/signalling/secure/endpoint.ts';
import { devClusterIdentity } from '../../sim/controller/dev-keys/index.ts';
import type { VirtualClock } from '../../firmware/clock.ts';
import { SeededRandom } from '../../firmware/random.ts';
import { encodeKeyLayout } from '../../firmware/signalling/key-layout.ts';
import type { KeyEntry } from '../../firmware/signalling/key-layout.ts';
import { splitKeyLayout } from '../../firmware/signalling/key-layout-transfer.ts';
import type { BlfState, LoginResult, LogoutReason, Message } from '../../firmware/signalling/messages.ts';
import { makeNonce, verifyPinResponse } from '../../firmware/signalling/pin-auth.ts';
import { Transactions } from '../../firmware/signalling/transactions.ts';
import type { Peer } from '../../firmware/signalling/transactions.ts';
import type { FakeNet } from './fake-net.ts';

export interface FakeUser {
  ext: string;
  pin: string;
  name: string;
  language?: string;
  keys?: KeyEntry[];
  hotdesk?: boolean; // default true
  /** Clustered: the user is homed on this controller; a login here is redirected. */
  homedAt?: Peer;
}

const NO_RESULT: Omit<LoginResult, 'code' | 'ext'> = {
  type: 'login-result',
  name: '',
  language: '',
  attemptsLeft: 0,
  lockedSeconds: 0,
  redirectIp: '0.0.0.0',
  redirectPort: 0,
  token: new Uint8Array(16),
};

export class FakeCallServer {
  readonly tx: Transactions;
  readonly endpoint: SecureEndpoint;
  readonly received: { msg: Message; from: Peer }[] = [];
  up = true;
  inService = true;
  heartbeatSeconds = 30;
  healthCheckSeconds = 20;
  firmwareVersion = '1.0';
  /** register-ack's dial plan length (0: none): a remote logout's extension ends there. */
  dialDigits = 0;
  /** How the server answers a logout-request for `ext` (default: done, a logout-notice). */
  logoutAnswer: (ext: string, reason: LogoutReason) => Message = (ext, reason) => ({ type: 'logout-notice', reason, ext, byDn: '' });
  /** The phone that registered last (pushes go there). */
  phone: Peer | undefined;
  readonly users = new Map<string, FakeUser>();
  private readonly nonces = new Map<string, Uint8Array>();
  private readonly failures = new Map<string, number>();
  private readonly lockedUntil = new Map<string, number>();

  constructor(
    private readonly net: FakeNet,
    private readonly clock: VirtualClock,
    readonly peer: Peer,
    readonly controllerId: string,
    users: FakeUser[] = [],
  ) {
    for (const u of users) this.users.set(u.ext, u);
    // the phone opens an authenticated session first, as with a real controller of the cluster
    this.endpoint = new SecureEndpoint({
      role: 'controller',
      identity: devClusterIdentity(),
      transport: net.transportFor(peer),
      clock,
      random: new SeededRandom(peer.ip.length * 7 + peer.port),
      onRequest: (msg, from) => this.answer(msg, from),
    });
    this.tx = this.endpoint.tx;
    // a controller that is down hears nothing and says nothing
    net.attach(peer, { receive: (ip, port, bytes) => (this.up ? this.endpoint.receive(ip, port, bytes) : undefined) });
  }

  /** Requests of one type received, in order. */
  got<T extends Message['type']>(type: T): Extract<Message, { type: T }>[] {
    return this.received.filter((r) => r.msg.type === type).map((r) => r.msg as Extract<Message, { type: T }>);
  }

  readonly pushAnswers: Message[] = [];

  /**
   * Pushes a request to the phone (BLF state, logout notice, redirect). Not awaitable on purpose: the
   * answer only arrives as the test advances the clock; it lands in pushAnswers.
   */
  push(msg: Message): void {
    if (!this.phone) throw new Error('fake call server: no phone registered');
    this.tx.request(this.phone, msg).then((a) => this.pushAnswers.push(a), () => {});
  }

  blf(dn: string, state: BlfState): void {
    this.push({ type: 'blf-state', dn, state });
  }

  async pushLayout(to: Peer, keys: KeyEntry[]): Promise<void> {
    const { begin, blocks } = splitKeyLayout(encodeKeyLayout(keys), 16); // small blocks: several of them
    await this.tx.request(to, begin);
    for (const b of [...blocks].reverse()) await this.tx.request(to, b); // out of order on purpose
  }

  private answer(msg: Message, from: Peer): Message | void {
    this.received.push({ msg, from });
    switch (msg.type) {
      case 'register':
        this.phone = from;
        return { type: 'register-ack', result: 'ok', heartbeatSeconds: this.heartbeatSeconds, healthCheckSeconds: this.healthCheckSeconds, serverTimeMs: 0, controllerId: this.controllerId, firmwareVersion: this.firmwareVersion, alarmDn: '0', dialDigits: this.dialDigits, dn: msg.dn };
      case 'heartbeat':
        return { type: 'heartbeat-ack', serverTimeMs: 0 };
      case 'health-check':
        return { type: 'health-ack', controllerId: this.controllerId, inService: this.inService };
      case 'login-begin':
        return this.loginBegin(msg.ext);
      case 'login':
        return this.login(msg.ext, msg.hmac, from);
      case 'logout-request':
        return this.logoutAnswer(msg.ext, msg.reason);
      default:
        return undefined; // blf-subscribe and the like: ack
    }
  }

  private loginBegin(ext: string): Message {
    const u = this.users.get(ext);
    if (!u) return { ...NO_RESULT, code: 'unknown-ext', ext };
    if (u.hotdesk === false) return { ...NO_RESULT, code: 'not-hotdesk-user', ext };
    if (u.homedAt) return { ...NO_RESULT, code: 'redirect', ext, redirectIp: u.homedAt.ip, redirectPort: u.homedAt.port };
    const until = this.lockedUntil.get(ext) ?? 0;
    if (until > this.clock.now()) return { ...NO_RESULT, code: 'locked', ext, lockedSeconds: Math.ceil((until - this.clock.now()) / 1000) };
    const nonce = makeNonce(new SeededRandom(this.clock.now() + ext.length));
    this.nonces.set(ext, nonce);
    return { type: 'login-challenge', nonce };
  }

  private login(ext: string, hmac: Uint8Array, from: Peer): Message {
    const u = this.users.get(ext);
    const nonce = this.nonces.get(ext);
    this.nonces.delete(ext);
    if (!u || !nonce) return { ...NO_RESULT, code: 'unknown-ext', ext };
    if (!verifyPinResponse(hmac, nonce, ext, '00:08:5d:12:34:56', u.pin)) {
      const n = (this.failures.get(ext) ?? 0) + 1;
      this.failures.set(ext, n);
      if (n >= 3) this.lockedUntil.set(ext, this.clock.now() + 15 * 60_000);
      return { ...NO_RESULT, code: 'wrong-pin', ext, attemptsLeft: Math.max(0, 3 - n) };
    }
    // the result goes out first; the layout follows as the controller's own requests
    if (u.keys) this.clock.setTimeout(() => void this.pushLayout(from, u.keys!).catch(() => {}), 0);
    return { ...NO_RESULT, code: 'ok', ext, name: u.name, language: u.language ?? 'en', attemptsLeft: 3 };
  }
}
