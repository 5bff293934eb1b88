// The phone's end of the call-server protocol: one Transactions engine on the phone's signalling port,
// aimed at whichever controller the phone is registered with now. The parent (the phone's root machine)
// owns the UDP port: it hands in `send` and feeds received datagrams to `receive`. Requests the
// controller sends (key layout, BLF state, logout notices, redirects) are passed to one listener, the
// hot desk machine; anything it does not handle (call messages) goes to the parent's own handler.
import type { Clock, Random, Tracer } from '../hal.ts';
import type { Message } from '../signalling/messages.ts';
import { Transactions } from '../signalling/transactions.ts';
import type { Peer, RequestOptions } from '../signalling/transactions.ts';

export type { Peer } from '../signalling/transactions.ts';

/** What the hot desk machine handles itself; the rest goes to `onOtherRequest`. */
const HOTDESK_REQUESTS: ReadonlySet<Message['type']> = new Set(['key-layout-begin', 'key-layout-block', 'blf-state', 'logout-notice', 'redirect']);

export interface SignallingLinkOptions {
  send(dstIp: string, dstPort: number, bytes: Uint8Array): void;
  clock: Clock;
  random: Random;
  tracer: Tracer;
  server: Peer;
  /** Requests from the controller the hot desk machine does not handle (calls). Its answer is sent back. */
  onOtherRequest?: (msg: Message, from: Peer) => Message | void;
}

export class SignallingLink {
  /** The controller the phone talks to now: register, heartbeat, login and logout all go here. */
  server: Peer;
  private readonly tx: Transactions;
  private listener: ((msg: Message, from: Peer) => void) | undefined;
  private readonly onOtherRequest: SignallingLinkOptions['onOtherRequest'];

  constructor(opts: SignallingLinkOptions) {
    this.server = opts.server;
    this.onOtherRequest = opts.onOtherRequest;
    this.tx = new Transactions({
      transport: { send: opts.send },
      clock: opts.clock,
      random: opts.random,
      tracer: opts.tracer,
      onRequest: (msg, from) => this.onRequest(msg, from),
    });
  }

  /** Feed every datagram received on the phone's signalling port here. Never throws. */
  receive(srcIp: string, srcPort: number, bytes: Uint8Array): void {
    this.tx.receive(srcIp, srcPort, bytes);
  }

  /** A request to the current controller; settles with its answer or rejects on timeout/cancel. */
  request(msg: Message, opts?: RequestOptions): Promise<Message> {
    return this.tx.request(this.server, msg, opts);
  }

  /** A request to a controller other than the current one (health-check of the primary). */
  requestTo(peer: Peer, msg: Message, opts?: RequestOptions): Promise<Message> {
    return this.tx.request(peer, msg, opts);
  }

  /** Drops every outstanding request: the phone is re-homing and their answers no longer matter. */
  cancelAll(): void {
    this.tx.cancelAll();
  }

  get stats(): Transactions['stats'] {
    return this.tx.stats;
  }

  /** One listener (the running hot desk machine); returns the detach. */
  listen(listener: (msg: Message, from: Peer) => void): () => void {
    this.listener = listener;
    return () => {
      if (this.listener === listener) this.listener = undefined;
    };
  }

  private onRequest(msg: Message, from: Peer): Message | void {
    if (!HOTDESK_REQUESTS.has(msg.type)) {
      if (this.onOtherRequest) return this.onOtherRequest(msg, from);
      return { type: 'ack', status: 'unsupported' };
    }
    // only the controller we are registered with may push layouts, lamps and logouts at us
    if (from.ip !== this.server.ip || from.port !== this.server.port || !this.listener) {
      return { type: 'ack', status: 'rejected' };
    }
    this.listener(msg, from);
  }
}

/** `call_srv` addresses as peers; an entry may carry its own port ("10.0.0.2:6900"). */
export function toPeers(callServers: readonly string[], port: number): Peer[] {
  return callServers.map((s) => {
    const m = /^(.*):(\d+)$/.exec(s);
    return m ? { ip: m[1], port: Number(m[2]) } : { ip: s, port };
  });
}

export function samePeer(a: Peer | undefined, b: Peer | undefined): boolean {
  return a !== undefined && b !== undefined && a.ip === b.ip && a.port === b.port;
}
