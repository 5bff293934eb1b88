// The UDP port table: which handler a received datagram goes to, and what happens when that handler
// throws. A throw must never escape into the SLIP decoder, which would lose the rest of the chunk.
import type { Clock, Tracer } from '../hal.ts';
import { after } from '../clock-interface.ts';
import type { Datagram } from './datagram.ts';
import type { NetAccounting } from './net-accounting.ts';
import { isValidPort } from './udp.ts';

export type DatagramHandler = (d: Datagram) => void;

export interface UdpPortsOptions {
  clock: Clock;
  tracer: Tracer | undefined;
  /** NetStackOptions.onHandlerError: undefined raises the error again from a fresh clock task. */
  onHandlerError: ((error: unknown) => void) | undefined;
  accounting: NetAccounting;
}

export class UdpPorts {
  private readonly ports = new Map<number, DatagramHandler>();
  private anyHandler: DatagramHandler | undefined;

  constructor(private readonly opts: UdpPortsOptions) {}

  /** Returns unbind. Throws if the port is already bound. */
  bind(port: number, handler: DatagramHandler): () => void {
    if (!isValidPort(port)) throw new RangeError(`NetStack: bad port ${port}`);
    if (this.ports.has(port)) throw new Error(`NetStack: port ${port} is already bound`);
    this.ports.set(port, handler);
    return () => {
      if (this.ports.get(port) === handler) this.ports.delete(port);
    };
  }

  /** Receives datagrams no bound port took (the router's relay). Throws if one is already set. */
  bindAny(handler: DatagramHandler): () => void {
    if (this.anyHandler) throw new Error('NetStack: bindAny is already taken');
    this.anyHandler = handler;
    return () => {
      if (this.anyHandler === handler) this.anyHandler = undefined;
    };
  }

  /** Hands `d` to its port's handler, else to bindAny's, else drops it as 'no-listener'. */
  deliver(d: Datagram): void {
    const { accounting } = this.opts;
    const handler = this.ports.get(d.dstPort) ?? this.anyHandler;
    if (!handler) return accounting.drop('no-listener');
    accounting.counters.delivered++;
    try {
      handler(d);
    } catch (err) {
      // A handler's bug must not cut the SLIP decoder off mid-chunk (the rest of the bytes would be
      // lost): trace it and raise it again from a fresh clock task, where the test or process sees it.
      const message = err instanceof Error ? err.message : String(err);
      this.opts.tracer?.record({ kind: 'error', message: `udp handler for port ${d.dstPort} threw: ${message}` });
      if (this.opts.onHandlerError) return this.opts.onHandlerError(err);
      after(this.opts.clock, 0, () => {
        throw err;
      });
    }
  }
}
