// The far end of the wires: a small router with one interface per phone's link. Each interface answers
// ARP for everything (proxy ARP); every UDP datagram goes to the service registered on its destination
// port, whatever the destination address. Replies and later pushes leave by the interface where the
// phone was last heard (learned by MAC and by address), so one controller serves a fleet of phones.
import type { ByteLink, Clock, FrameTap, Tracer } from '../../firmware/hal.ts';
import { NetStack, type Datagram, type DescribeUdp, type SendUdp } from '../../firmware/link/stack.ts';

/** Sends a reply back to where a datagram came from, from the port (and address) it was sent to. */
export type Reply = (payload: Uint8Array) => void;
export type Service = (d: Datagram, reply: Reply) => void;

export const ROUTER_MAC = '02:48:44:00:00:01';
export const ROUTER_IP = '192.168.10.1';

export interface RouterOptions {
  clock: Clock;
  tracer?: Tracer;
  mac?: string;
  ip?: string;
  describeUdp?: DescribeUdp;
}

export class Router {
  readonly interfaces: NetStack[] = [];
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
    out?.sendUdp(s);
  }

  private dispatch(d: Datagram): void {
    const service = this.services.get(d.dstPort);
    if (!service) return;
    const reply: Reply = (payload) =>
      this.send({
        srcIp: d.dstIp === '255.255.255.255' ? this.ip : d.dstIp,
        srcPort: d.dstPort,
        dstIp: d.srcIp,
        dstPort: d.srcPort,
        payload,
        dstMac: d.srcMac,
      });
    service(d, reply);
  }

  /** Frames dropped by every interface, by reason. */
  get dropped(): number {
    return this.interfaces.reduce((n, s) => n + s.counters.dropped, 0);
  }

  close(): void {
    for (const stack of this.interfaces) stack.close();
  }
}

/** UDP echo (RFC 862): a link check any phone can run. */
export const ECHO_PORT = 7;
export const echoService: Service = (d, reply) => reply(d.payload);
