// The controller relaying the phone's TFTP to a real TFTP server on a UDP socket. One session per phone
// transfer (its ip:port): a socket of its own towards the server, so the server's transfer ID (the port
// it answers from, RFC 1350) maps to one phone. On the wire the phone sees a relay port of ours as the
// server's TID; what it sends there goes to the server's TID. Sessions end when quiet for a while.
import { createSocket, type Socket } from 'node:dgram';
import type { Clock, TimerId, Tracer } from '../../../firmware/hal.ts';
import type { Datagram } from '../../../firmware/link/stack.ts';
import type { UdpEndpoint } from './endpoint.ts';
import type { Router } from '../router.ts';

export interface TftpRelayOptions {
  router: Router;
  clock: Clock;
  tracer: Tracer;
  server: UdpEndpoint;
  /** The wire ports phones send read requests to (the phone tries 20001, then 69). */
  listenPorts: readonly number[];
  /** Local address for the sockets towards the server. */
  bindIp?: string;
  /** A session with no datagram either way for this long is closed (a TFTP client gives up sooner). */
  idleMs?: number;
  /** The first relay port shown to phones as the server's TID. */
  firstTidPort?: number;
}

interface Session {
  key: string;
  phone: { ip: string; port: number };
  /** The address the phone sent its request to: replies come from it. */
  serverIpOnWire: string;
  socket: Socket;
  /** Our port on the wire, standing for the server's TID. */
  wirePort: number;
  /** The server's TID, once it answered. */
  serverTid?: number;
  unserve: () => void;
  idle?: TimerId;
}

export class TftpRelay {
  private readonly sessions = new Map<string, Session>();
  private readonly unserve: (() => void)[] = [];
  private nextWirePort: number;
  private closed = false;

  constructor(private readonly o: TftpRelayOptions) {
    this.nextWirePort = o.firstTidPort ?? 40000;
    for (const port of o.listenPorts) this.unserve.push(o.router.serve(port, (d) => this.request(d)));
  }

  get activeSessions(): number {
    return this.sessions.size;
  }

  /** A read request (or its retransmission) from a phone. */
  private request(d: Datagram): void {
    if (this.closed) return;
    const key = `${d.srcIp}:${d.srcPort}`;
    const session = this.sessions.get(key) ?? this.open(key, d);
    this.touch(session);
    session.socket.send(d.payload, this.o.server.port, this.o.server.host);
  }

  private open(key: string, d: Datagram): Session {
    const socket = createSocket('udp4');
    const session: Session = {
      key,
      phone: { ip: d.srcIp, port: d.srcPort },
      serverIpOnWire: d.dstIp,
      socket,
      wirePort: 0,
      unserve: () => undefined,
    };
    const fromPhone = (w: Datagram) => {
      if (w.srcIp !== session.phone.ip || w.srcPort !== session.phone.port) return; // not this transfer
      this.touch(session);
      socket.send(w.payload, session.serverTid ?? this.o.server.port, this.o.server.host);
    };
    // the next free wire port: one the router gives no other service (its own TIDs, DHCP, echo)
    for (;;) {
      const port = this.nextWirePort;
      this.nextWirePort = port >= 60000 ? (this.o.firstTidPort ?? 40000) : port + 1;
      try {
        session.unserve = this.o.router.serve(port, fromPhone);
        session.wirePort = port;
        break;
      } catch {
        // taken: try the next one
      }
    }
    const wirePort = session.wirePort;
    socket.on('message', (msg, from) => {
      if (this.closed) return;
      session.serverTid ??= from.port;
      if (from.port !== session.serverTid) return; // another TID: not the transfer this phone runs
      this.touch(session);
      this.o.router.send({
        srcIp: session.serverIpOnWire,
        srcPort: session.wirePort,
        dstIp: session.phone.ip,
        dstPort: session.phone.port,
        payload: new Uint8Array(msg),
      });
    });
    socket.on('error', (err) => {
      this.o.tracer.record({ kind: 'error', message: `tftp relay socket: ${err.message}` });
      this.end(session);
    });
    socket.bind({ address: this.o.bindIp ?? '0.0.0.0', port: 0 });
    this.sessions.set(key, session);
    this.o.tracer.record({ kind: 'info', message: `tftp relay ${key} -> ${this.o.server.host}:${this.o.server.port} as wire port ${wirePort}` });
    return session;
  }

  private touch(session: Session): void {
    this.o.clock.clearTimeout(session.idle);
    session.idle = this.o.clock.setTimeout(() => this.end(session), this.o.idleMs ?? 30_000);
  }

  private end(session: Session): void {
    if (this.sessions.get(session.key) !== session) return;
    this.sessions.delete(session.key);
    this.o.clock.clearTimeout(session.idle);
    session.unserve();
    try {
      session.socket.close();
    } catch {
      // already closed by an error: nothing left to release
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of [...this.sessions.values()]) this.end(s);
    for (const u of this.unserve) u();
  }
}
