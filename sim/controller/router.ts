// The far end of the wire: a small router that answers ARP for everything (proxy ARP) and hands each
// UDP datagram to the service registered on its destination port, whatever the destination address.
// The controller's services (echo now; DHCP, TFTP and the call server) hang off it.
import type { ByteLink, Clock, FrameTap, Tracer } from '../../firmware/hal.ts';
import { NetStack, type Datagram } from '../../firmware/link/stack.ts';

/** Sends a reply back to where a datagram came from, from the port (and address) it was sent to. */
export type Reply = (payload: Uint8Array) => void;
export type Service = (d: Datagram, reply: Reply) => void;

export const ROUTER_MAC = '02:48:44:00:00:01';
export const ROUTER_IP = '192.168.10.1';

export interface RouterOptions {
  link: ByteLink;
  clock: Clock;
  tracer?: Tracer;
  tap?: FrameTap;
  mac?: string;
  ip?: string;
  describeUdp?: ConstructorParameters<typeof NetStack>[0]['describeUdp'];
}

export class Router {
  readonly stack: NetStack;
  private readonly services = new Map<number, Service>();

  constructor(opts: RouterOptions) {
    this.stack = new NetStack({
      mac: opts.mac ?? ROUTER_MAC,
      ip: opts.ip ?? ROUTER_IP,
      link: opts.link,
      clock: opts.clock,
      tracer: opts.tracer,
      tap: opts.tap,
      mode: 'router',
      describeUdp: opts.describeUdp,
    });
    this.stack.bindAny((d) => this.dispatch(d));
  }

  /** Registers a service on a UDP port; returns a function that removes it. */
  serve(port: number, service: Service): () => void {
    if (this.services.has(port)) throw new Error(`UDP port ${port} already has a service`);
    this.services.set(port, service);
    return () => this.services.delete(port);
  }

  private dispatch(d: Datagram): void {
    const service = this.services.get(d.dstPort);
    if (!service) return;
    const reply: Reply = (payload) =>
      this.stack.sendUdp({
        srcIp: d.dstIp === '255.255.255.255' ? this.stack.ip : d.dstIp,
        srcPort: d.dstPort,
        dstIp: d.srcIp,
        dstPort: d.srcPort,
        payload,
        dstMac: d.srcMac,
      });
    service(d, reply);
  }

  close(): void {
    this.stack.close();
  }
}

/** UDP echo (RFC 862): the spine's first service, and a link check any phone can run. */
export const ECHO_PORT = 7;
export const echoService: Service = (d, reply) => reply(d.payload);
