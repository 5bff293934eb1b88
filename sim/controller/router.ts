// The far end of the wires: a small router with one interface per phone's link. Each interface answers
// ARP for everything (proxy ARP); every UDP datagram goes to the service registered on its destination
// port, whatever the destination address. Replies and later pushes leave by the interface where the
// phone was last heard (learned by MAC and by address), so one controller serves a fleet of phones.
// Nothing from the wire gets past the router as an exception: a service that throws is caught at the
// dispatch, counted as 'handler-error' and traced, and the router keeps serving (guardClock does the
// same for the clock tasks the services schedule).
import type { ByteLink, Clock, FrameTap, TimerId, Tracer } from '../../firmware/hal.ts';
import { NetStack, type Datagram, type DescribeUdp, type SendUdp } from '../../firmware/link/stack.ts';

/** Sends a reply back to where a datagram came from, from the port (and address) it was sent to. */
export type Reply = (payload: Uint8Array) => void;
export type Service = (d: Datagram, reply: Reply) => void;

export const ROUTER_MAC = '02:48:44:00:00:01';
export const ROUTER_IP = '192.168.10.1';

/** What the router itself drops (the interfaces' link-level drops are in each stack's counters). */
export const ROUTER_DROP_REASONS = [
  'no-service', //     a datagram for a UDP port no service is registered on
  'handler-error', //  a service, or a clock task one scheduled, threw: caught, counted, traced
  'tx-refused', //     a service asked to send something the stack refuses (a bad address, MAC or port)
] as const;
export type RouterDropReason = (typeof ROUTER_DROP_REASONS)[number];

export interface RouterCounters {
  /** Datagrams handed to a service. */
  dispatched: number;
  drops: Record<RouterDropReason, number>;
  /** The sum of `drops`. */
  dropped: number;
}

export interface RouterOptions {
  clock: Clock;
  tracer?: Tracer;
  mac?: string;
  ip?: string;
  describeUdp?: DescribeUdp;
}

export class Router {
  readonly interfaces: NetStack[] = [];
  readonly counters: RouterCounters = {
    dispatched: 0,
    drops: Object.fromEntries(ROUTER_DROP_REASONS.map((r) => [r, 0])) as Record<RouterDropReason, number>,
    dropped: 0,
  };
  private readonly services = new Map<number, Service>();
  private readonly byMac = new Map<string, NetStack>();
  private readonly byIp = new Map<string, NetStack>();

  constructor(private readonly opts: RouterOptions) {}

  /** Adds an interface on a link (a phone's wire or port); `tap` captures that link's frames. */
  attach(link: ByteLink, tap?: FrameTap): NetStack {
    const stack = new NetStack({
      mac: this.opts.mac ?? ROUTER_MAC,
      ip: this.opts.ip ?? ROUTER_IP,
      link,
      clock: this.opts.clock,
      tracer: this.opts.tracer,
      tap,
      mode: 'router',
      describeUdp: this.opts.describeUdp,
      // dispatch() catches what the services throw; this is the last net under bindAny itself
      onHandlerError: (err) => this.handlerError('the router', err),
    });
    stack.bindAny((d) => {
      this.byMac.set(d.srcMac, stack);
      if (d.srcIp !== '0.0.0.0') this.byIp.set(d.srcIp, stack);
      this.dispatch(d);
    });
    this.interfaces.push(stack);
    return stack;
  }

  /** The router's address (every interface has it: each link is point to point). */
  get ip(): string {
    return this.opts.ip ?? ROUTER_IP;
  }

  /** Registers a service on a UDP port; returns a function that removes it. */
  serve(port: number, service: Service): () => void {
    if (this.services.has(port)) throw new Error(`UDP port ${port} already has a service`);
    this.services.set(port, service);
    return () => this.services.delete(port);
  }

  /** Sends a datagram out of the interface its destination was last heard on (the first one before that). */
  send(s: SendUdp): void {
    const out = (s.dstMac && this.byMac.get(s.dstMac)) || this.byIp.get(s.dstIp) || this.interfaces[0];
    try {
      out?.sendUdp(s);
    } catch (err) {
      // a service built a reply the stack refuses (a 7-byte chaddr as the MAC, say): never the caller's crash
      this.drop('tx-refused', `${s.srcPort} > ${s.dstIp}:${s.dstPort}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Counts and traces a drop of the router's own. */
  drop(reason: RouterDropReason, detail?: string): void {
    this.counters.drops[reason]++;
    this.counters.dropped++;
    this.opts.tracer?.record({ kind: 'drop', reason });
    if (detail !== undefined && reason !== 'no-service') this.opts.tracer?.record({ kind: 'error', message: `router ${reason}: ${detail}` });
  }

  /** A service (or a task it scheduled) threw: counted and traced, and the router goes on. */
  handlerError(where: string, err: unknown): void {
    this.drop('handler-error', `${where} threw: ${err instanceof Error ? err.message : String(err)}`);
  }

  private dispatch(d: Datagram): void {
    const service = this.services.get(d.dstPort);
    if (!service) return this.drop('no-service');
    this.counters.dispatched++;
    const reply: Reply = (payload) =>
      this.send({
        srcIp: d.dstIp === '255.255.255.255' ? this.ip : d.dstIp,
        srcPort: d.dstPort,
        dstIp: d.srcIp,
        dstPort: d.srcPort,
        payload,
        dstMac: d.srcMac,
      });
    try {
      service(d, reply);
    } catch (err) {
      this.handlerError(`the service on UDP port ${d.dstPort}`, err);
    }
  }

  /** Frames dropped by every interface, by reason. */
  get dropped(): number {
    return this.interfaces.reduce((n, s) => n + s.counters.dropped, 0);
  }

  close(): void {
    for (const stack of this.interfaces) stack.close();
  }
}

/**
 * The clock the services behind a router schedule on: a task that throws is caught, counted as the
 * router's 'handler-error' and traced, instead of escaping from the clock (which ends the process).
 */
export function guardClock(clock: Clock, router: () => Router | undefined): Clock {
  return {
    now: () => clock.now(),
    setTimeout: (fn: () => void, ms: number): TimerId =>
      clock.setTimeout(() => {
        try {
          fn();
        } catch (err) {
          const r = router();
          if (!r) throw err;
          r.handlerError('a clock task', err);
        }
      }, ms),
    clearTimeout: (id: TimerId | undefined) => clock.clearTimeout(id),
  };
}

/** UDP echo (RFC 862): a link check any phone can run. */
export const ECHO_PORT = 7;
export const echoService: Service = (d, reply) => reply(d.payload);
