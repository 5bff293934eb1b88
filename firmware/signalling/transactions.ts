// Reliable request/response over an unreliable datagram transport, the same on the phone and the
// controller. A request is retransmitted (500 ms, doubling, a bounded number of tries) until the peer
// answers with the same transaction id; the responder runs its handler once per (peer, transaction id)
// and answers retransmissions from a cache with the very same bytes. Notices are one-way and never
// retransmitted. All time comes from the injected Clock and every transaction id from the injected
// Random, so a run on the VirtualClock replays exactly.
import type { Clock, Random, TimerId, Tracer } from '../hal.ts';
import {
  FLAG_ACK_NEEDED,
  FLAG_REQUEST,
  FLAG_RESPONSE,
  FLAG_RETRANSMIT,
  TYPED_ANSWERS,
  decodeMessage,
  encodeMessage,
} from './messages.ts';
import type { DecodeFailure, Message, MessageType } from './messages.ts';
import { ResponseCache } from './response-cache.ts';
import { after } from '../clock-interface.ts';

export interface Peer {
  ip: string;
  port: number;
  /**
   * The sealed session a datagram came on or must go on (firmware/signalling/secure/), as hex. A
   * controller names it so a push reaches the phone it registered, not whoever uses its address now.
   */
  session?: string;
}

/** Whatever carries datagrams: the phone's UDP stack, the controller's socket, a test's fake wire. */
export interface DatagramTransport {
  send(dstIp: string, dstPort: number, bytes: Uint8Array, session?: string): void;
}

/**
 * Answers a request. Return the answer, or nothing to answer with a bare `ack`: status ok when the
 * request carried ACK-NEEDED, `unsupported` when it expected a typed answer this handler did not give.
 * A handler that throws is answered `ack rejected` (and traced): the peer stops retransmitting.
 */
export type RequestHandler = (msg: Message, from: Peer) => Message | void;
export type NoticeHandler = (msg: Message, from: Peer) => void;

export interface TransactionsOptions {
  transport: DatagramTransport;
  clock: Clock;
  random: Random;
  onRequest?: RequestHandler;
  onNotice?: NoticeHandler;
  /**
   * Receives `drop` records (undecodable datagrams, stray answers), timeouts and handler failures.
   * Frames themselves are traced by the link stack, named by summary.ts's describeSignalling.
   */
  tracer?: Tracer;
  /** Transmissions per request, the first included. Default 5. */
  tries?: number;
  /** The wait after the first transmission; each later wait doubles. Default 500 ms. */
  firstIntervalMs?: number;
  /** How long an answer stays cached for retransmitted requests. Default 32 s (> 15.5 s window). */
  cacheMs?: number;
  /** At most about this much memory of cached answers (their bytes, keys and a measured cost per entry). Default 1 MiB (a phone's); a controller's endpoint asks for more. */
  cacheMaxBytes?: number;
}

export interface RequestOptions {
  /** Overrides the default tries for this request (a health-check may want 1). */
  tries?: number;
  /** Who asked: `cancel(owner)` abandons only that owner's requests (each owner decides what a re-home means). */
  owner?: unknown;
}

/** The request got no answer after its last try. */
export class TransactionTimeout extends Error {
  override readonly name = 'TransactionTimeout';
  constructor(
    readonly request: MessageType,
    readonly dst: Peer,
    readonly tries: number,
  ) {
    super(`signalling: no answer to ${request} from ${dst.ip}:${dst.port} after ${tries} tries`);
  }
}

/** The request was abandoned by cancelAll() (the node is re-homing or powering off). */
export class TransactionCancelled extends Error {
  override readonly name = 'TransactionCancelled';
  constructor(
    readonly request: MessageType,
    readonly dst: Peer,
  ) {
    super(`signalling: ${request} to ${dst.ip}:${dst.port} cancelled`);
  }
}

export interface TransactionStats {
  requestsSent: number; // first transmissions
  retransmissions: number;
  timeouts: number;
  responsesReceived: number;
  strayResponses: number; // an answer to no outstanding request (late, duplicated, or from the wrong peer)
  requestsHandled: number; // handler runs
  duplicateRequests: number; // answered from the cache, handler not run
  answersEvictedEarly: number; // answers the cache's memory bound pushed out before their 32 s (a repeat of one would be handled again)
  handlerErrors: number;
  noticesSent: number;
  noticesReceived: number;
  decodeFailures: Partial<Record<DecodeFailure, number>>;
}

interface Pending {
  txid: number;
  type: MessageType;
  dst: Peer;
  retransmission: Uint8Array;
  tries: number;
  sent: number;
  intervalMs: number;
  timer: TimerId;
  owner: unknown;
  resolve: (msg: Message) => void;
  reject: (err: Error) => void;
}

export class Transactions {
  onRequest: RequestHandler | undefined;
  onNotice: NoticeHandler | undefined;
  readonly stats: TransactionStats = {
    requestsSent: 0,
    retransmissions: 0,
    timeouts: 0,
    responsesReceived: 0,
    strayResponses: 0,
    requestsHandled: 0,
    duplicateRequests: 0,
    answersEvictedEarly: 0,
    handlerErrors: 0,
    noticesSent: 0,
    noticesReceived: 0,
    decodeFailures: {},
  };

  private readonly transport: DatagramTransport;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly tracer: Tracer | undefined;
  private readonly tries: number;
  private readonly firstIntervalMs: number;
  private readonly pending = new Map<number, Pending>();
  private readonly answered: ResponseCache;

  constructor(opts: TransactionsOptions) {
    this.transport = opts.transport;
    this.clock = opts.clock;
    this.random = opts.random;
    this.tracer = opts.tracer;
    this.onRequest = opts.onRequest;
    this.onNotice = opts.onNotice;
    this.tries = checkTries(opts.tries ?? 5);
    this.firstIntervalMs = opts.firstIntervalMs ?? 500;
    this.answered = new ResponseCache(opts.clock, opts.cacheMs ?? 32_000, opts.cacheMaxBytes ?? 1024 * 1024);
  }

  /** Requests awaiting an answer. */
  get outstanding(): number {
    return this.pending.size;
  }

  /**
   * Sends `msg` as a request and settles with the peer's answer, or rejects with TransactionTimeout
   * after the last try. A message that cannot be encoded throws here, synchronously: that is a bug
   * in the caller, not a network event.
   */
  request(dst: Peer, msg: Message, opts: RequestOptions = {}): Promise<Message> {
    const tries = checkTries(opts.tries ?? this.tries);
    const txid = this.freshTxid();
    const flags = FLAG_REQUEST | (TYPED_ANSWERS[msg.type] ? 0 : FLAG_ACK_NEEDED);
    const first = encodeMessage(msg, { txid, flags });
    const retransmission = encodeMessage(msg, { txid, flags: flags | FLAG_RETRANSMIT });
    return new Promise<Message>((resolve, reject) => {
      const p: Pending = {
        txid,
        type: msg.type,
        dst: dst.session === undefined ? { ip: dst.ip, port: dst.port } : { ip: dst.ip, port: dst.port, session: dst.session },
        retransmission,
        tries,
        sent: 1,
        intervalMs: this.firstIntervalMs,
        timer: 0,
        owner: opts.owner,
        resolve,
        reject,
      };
      this.pending.set(txid, p);
      this.stats.requestsSent++;
      // the alarm is set before sending: a transport that answers synchronously finds it to clear
      p.timer = after(this.clock, p.intervalMs, () => this.onAlarm(p));
      this.transport.send(p.dst.ip, p.dst.port, first, p.dst.session);
    });
  }

  /** A one-way message: no answer expected, no retransmission, no duplicate detection. */
  notify(dst: Peer, msg: Message): void {
    const txid = this.freshTxid();
    const bytes = encodeMessage(msg, { txid, flags: 0 });
    this.stats.noticesSent++;
    this.transport.send(dst.ip, dst.port, bytes, dst.session);
  }

  /** Abandons every outstanding request (power-off): timers stop, promises reject. */
  cancelAll(): void {
    this.cancelWhere(() => true);
  }

  /** Abandons the outstanding requests one owner made (see RequestOptions.owner). */
  cancel(owner: unknown): void {
    this.cancelWhere((p) => p.owner === owner);
  }

  private cancelWhere(match: (p: Pending) => boolean): void {
    const all = [...this.pending.values()].filter(match);
    for (const p of all) this.pending.delete(p.txid);
    for (const p of all) {
      this.clock.clearTimeout(p.timer);
      p.reject(new TransactionCancelled(p.type, p.dst));
    }
  }

  /** Feeds one received datagram in (`session`: the sealed session it came on). Never throws on bad input. */
  receive(srcIp: string, srcPort: number, bytes: Uint8Array, session?: string): void {
    const r = decodeMessage(bytes);
    if (!r.ok) {
      this.stats.decodeFailures[r.reason] = (this.stats.decodeFailures[r.reason] ?? 0) + 1;
      this.tracer?.record({ kind: 'drop', reason: `sig ${r.reason} from ${srcIp}:${srcPort}` });
      return;
    }
    const { msg, envelope } = r;
    const from: Peer = session === undefined ? { ip: srcIp, port: srcPort } : { ip: srcIp, port: srcPort, session };
    if (envelope.flags & FLAG_RESPONSE) this.onResponse(msg, envelope.txid, from);
    else if (envelope.flags & FLAG_REQUEST) this.onRequestIn(msg, envelope.txid, envelope.flags, from);
    else {
      this.stats.noticesReceived++;
      this.onNotice?.(msg, from);
    }
  }

  private onAlarm(p: Pending): void {
    if (this.pending.get(p.txid) !== p) return; // answered or cancelled meanwhile
    if (p.sent >= p.tries) {
      this.pending.delete(p.txid);
      this.stats.timeouts++;
      this.tracer?.record({ kind: 'info', message: `signalling timeout: ${p.type} #${p.txid} to ${p.dst.ip}:${p.dst.port} after ${p.tries} tries` });
      p.reject(new TransactionTimeout(p.type, p.dst, p.tries));
      return;
    }
    p.sent++;
    p.intervalMs *= 2;
    this.stats.retransmissions++;
    p.timer = after(this.clock, p.intervalMs, () => this.onAlarm(p));
    this.transport.send(p.dst.ip, p.dst.port, p.retransmission, p.dst.session);
  }

  private onResponse(msg: Message, txid: number, from: Peer): void {
    const p = this.pending.get(txid);
    // only the peer the request went to may answer it: a stray or forged answer settles nothing
    const sameSession = p?.dst.session === undefined || p.dst.session === from.session;
    if (!p || p.dst.ip !== from.ip || p.dst.port !== from.port || !sameSession) {
      this.stats.strayResponses++;
      this.tracer?.record({ kind: 'drop', reason: `sig stray response #${txid} from ${from.ip}:${from.port}` });
      return;
    }
    this.pending.delete(txid);
    this.clock.clearTimeout(p.timer);
    this.stats.responsesReceived++;
    p.resolve(msg);
  }

  private onRequestIn(msg: Message, txid: number, flags: number, from: Peer): void {
    const key = ResponseCache.key(from.ip, from.port, txid, from.session);
    const cached = this.answered.get(key);
    if (cached) {
      this.stats.duplicateRequests++;
      this.transport.send(from.ip, from.port, cached, from.session);
      return;
    }
    const bytes = this.encodeReply(this.answer(msg, flags, from), txid);
    this.answered.put(key, bytes);
    if (this.answered.evictedEarly !== this.stats.answersEvictedEarly) {
      // said once: from now on a retransmitted request may be handled twice (the count says how often it could)
      if (this.stats.answersEvictedEarly === 0) this.tracer?.record({ kind: 'drop', reason: `sig answer cache full (${this.answered.bytes} bytes): answers now leave before their time` });
      this.stats.answersEvictedEarly = this.answered.evictedEarly;
    }
    this.transport.send(from.ip, from.port, bytes, from.session);
  }

  private answer(msg: Message, flags: number, from: Peer): Message {
    this.stats.requestsHandled++;
    const expectsAck = (flags & FLAG_ACK_NEEDED) !== 0;
    if (!this.onRequest) return { type: 'ack', status: 'unsupported' };
    try {
      return this.onRequest(msg, from) ?? { type: 'ack', status: expectsAck ? 'ok' : 'unsupported' };
    } catch (err) {
      this.stats.handlerErrors++;
      this.tracer?.record({ kind: 'error', message: `signalling handler failed on ${msg.type}: ${String(err)}` });
      return { type: 'ack', status: 'rejected' };
    }
  }

  private encodeReply(reply: Message, txid: number): Uint8Array {
    try {
      return encodeMessage(reply, { txid, flags: FLAG_RESPONSE });
    } catch (err) {
      // the handler built an answer that cannot go on the wire: a bug, reported, and the peer told no
      this.stats.handlerErrors++;
      this.tracer?.record({ kind: 'error', message: `signalling answer ${reply.type} cannot be encoded: ${String(err)}` });
      return encodeMessage({ type: 'ack', status: 'rejected' }, { txid, flags: FLAG_RESPONSE });
    }
  }

  /** A nonzero u32 not used by an outstanding request (0 is what a careless peer sends). */
  private freshTxid(): number {
    for (;;) {
      const txid = this.random.int(1, 0xffffffff);
      if (!this.pending.has(txid)) return txid;
    }
  }
}

function checkTries(tries: number): number {
  if (!Number.isInteger(tries) || tries < 1) throw new RangeError(`signalling: tries must be a positive integer, got ${tries}`);
  return tries;
}
