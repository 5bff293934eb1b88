// A call server and fake phones on one fake datagram network, in virtual time. A fake phone is what
// the real one is at the protocol level: Transactions plus the codecs. It records every request the
// server sends it, answers them with `ack ok`, reassembles key layouts and keeps the BLF states shown.
import { decodeMessage } from '../../../../firmware/signalling/messages.ts';
import { KeyLogReader } from '../../../../firmware/signalling/secure/keylog.ts';
import { SecureEndpoint } from '../../../../firmware/signalling/secure/endpoint.ts';
import { devClusterTrustedKey } from '../../../../sim/controller/dev-keys/index.ts';
import { VirtualClock } from '../../../../firmware/clock.ts';
import type { TraceRecord } from '../../../../firmware/hal.ts';
import { SeededRandom } from '../../../../firmware/random.ts';
import { decodeKeyLayout, type KeyLayoutDecode } from '../../../../firmware/signalling/key-layout.ts';
import { KeyLayoutAssembler } from '../../../../firmware/signalling/key-layout-transfer.ts';
import type { BlfState, LoginResult, Message } from '../../../../firmware/signalling/messages.ts';
import { pinResponse } from '../../../../firmware/signalling/pin-auth.ts';
import { Transactions, type Peer } from '../../../../firmware/signalling/transactions.ts';
import { CallServer, type CallServerOptions, type CallServerWorld } from '../../../../sim/controller/call-server/call-server.ts';
import type { HotdeskUser, SetConfig } from '../../../../sim/controller/config.ts';
import { FakeNet } from '../../../support/fake-net.ts';

export const SERVER: Peer = { ip: '192.168.10.1', port: 6800 };

export function user(ext: string, pin: string, more: Partial<HotdeskUser> = {}): HotdeskUser {
  return { ext, pin, name: `User ${ext}`, language: 'en', hotdesk: true, remoteLogoutAllowed: true, keys: [], ...more };
}

export function set(dn: string, more: Partial<SetConfig> = {}): SetConfig {
  return { profile: '5340', dn, keys: [], remoteLogoutAllowed: false, ...more };
}

/** Tracks a promise without awaiting it, so the clock can be stepped in between. */
export function watch<T>(p: Promise<T>) {
  const state: { value?: T; error?: unknown; settled: boolean } = { settled: false };
  p.then(
    (value) => Object.assign(state, { value, settled: true }),
    (error) => Object.assign(state, { error, settled: true }),
  );
  return state;
}

export class FakePhone {
  readonly tx: Transactions;
  readonly endpoint: SecureEndpoint;
  /** Every request the server sent, in arrival order (duplicates answered from cache are not here). */
  readonly inbox: Message[] = [];
  readonly blf = new Map<string, BlfState>();
  layout?: KeyLayoutDecode;
  private assembler?: KeyLayoutAssembler;

  constructor(
    private readonly w: World,
    readonly mac: string,
    readonly at: Peer,
    seed: number,
  ) {
    // a phone's end: it opens an authenticated session with the call server before anything else
    this.endpoint = new SecureEndpoint({
      role: 'phone',
      mac,
      trustedKeys: [devClusterTrustedKey()],
      transport: w.net.transportFor(at),
      clock: w.clock,
      random: new SeededRandom(seed),
      onRequest: (msg) => this.onRequest(msg),
    });
    this.tx = this.endpoint.tx;
    w.net.attach(at, this.endpoint);
  }

  /** Sends a request to the server and runs the clock until it is answered (or times out). */
  ask(msg: Message): Promise<Message> {
    return this.w.run(this.tx.request(SERVER, msg));
  }

  /** `token`: the cluster's proof of the user's login (a login-result's), as a re-homing phone sends it. */
  register(dn = '', hotdeskExt = '', model = '5340', token: Uint8Array = new Uint8Array(16), layoutCrc = 0): Promise<Message> {
    return this.ask({ type: 'register', mac: this.mac, model, firmwareVersion: '1.0.0.1', dn, hotdeskExt, sessionToken: token, layoutCrc });
  }

  /** The whole login: login-begin, then (given a challenge) the HMAC of the PIN. */
  async login(ext: string, pin: string): Promise<LoginResult> {
    const first = await this.ask({ type: 'login-begin', ext });
    if (first.type === 'login-result') return first;
    if (first.type !== 'login-challenge') throw new Error(`login-begin answered ${first.type}`);
    const answer = await this.ask({ type: 'login', ext, hmac: pinResponse(first.nonce, ext, this.mac, pin) });
    if (answer.type !== 'login-result') throw new Error(`login answered ${answer.type}`);
    return answer;
  }

  received(type: Message['type']): Message[] {
    return this.inbox.filter((m) => m.type === type);
  }

  private onRequest(msg: Message): Message | void {
    this.inbox.push(msg);
    if (msg.type === 'key-layout-begin') {
      this.assembler = new KeyLayoutAssembler(msg);
      this.layout = undefined;
    } else if (msg.type === 'key-layout-block' && this.assembler) {
      this.assembler.accept(msg);
      if (this.assembler.complete) {
        const r = this.assembler.finish();
        this.layout = r.ok ? decodeKeyLayout(r.payload) : { ok: false, reason: 'malformed', detail: r.reason };
      }
    } else if (msg.type === 'blf-state') this.blf.set(msg.dn, msg.state);
  }
}

export interface World {
  clock: VirtualClock;
  net: FakeNet;
  server: CallServer;
  trace: TraceRecord[];
  phone(n: number, mac?: string): FakePhone;
  run<T>(p: Promise<T>, maxMs?: number): Promise<T>;
  /** The message a datagram on the fake net carries, opened with the server's key log ('?' when none). */
  typeOf(bytes: Uint8Array): string;
}

/** `more.cluster`: the other elements as this one sees them (which is alive, which is the first). */
export function world(config: { users?: HotdeskUser[]; sets?: SetConfig[] } & Partial<CallServerWorld> = {}, more: Pick<CallServerOptions, 'cluster'> = {}): World {
  // the settle lets promise chains (the server's key-layout push) run between instants
  const clock = new VirtualClock(() => new Promise<void>((resolve) => setImmediate(resolve)));
  const net = new FakeNet(clock, 5);
  const trace: TraceRecord[] = [];
  const transport = net.transportFor(SERVER);
  const keys = new KeyLogReader();
  const server = new CallServer({
    clock,
    random: new SeededRandom(7),
    send: (ip, port, bytes) => transport.send(ip, port, bytes),
    world: { heartbeatMs: 30_000, ...config, users: config.users ?? [], sets: config.sets ?? [] },
    tracer: { record: (r) => trace.push(r) },
    keyLog: (line) => keys.add(line),
    ...more,
  });
  net.attach(SERVER, server);
  const w: World = {
    clock,
    net,
    server,
    trace,
    typeOf: (bytes) => {
      const plain = keys.open(bytes);
      const r = plain ? decodeMessage(plain) : undefined;
      return r?.ok ? r.msg.type : '?';
    },
    phone: (n, mac) => new FakePhone(w, mac ?? `00:08:5d:00:00:${n.toString(16).padStart(2, '0')}`, { ip: `192.168.10.${100 + n}`, port: 6800 }, 100 + n),
    async run<T>(p: Promise<T>, maxMs = 60_000): Promise<T> {
      const s = watch(p);
      await clock.advance(maxMs, () => s.settled);
      if (!s.settled) throw new Error('run: the promise did not settle');
      if ('error' in s && s.error !== undefined) throw s.error;
      return s.value as T;
    },
  };
  return w;
}
