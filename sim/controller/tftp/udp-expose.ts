// The controller's TFTP server on a real UDP port, so tools on the host (curl, tftp, a real phone on a
// LAN) download from the same firmware store the simulated phone boots from. A TftpServer engine of its
// own (the wire's engine keeps the wire's TIDs), on wall time whatever the world's clock is: its peers
// live in real time. Each transfer ID the engine opens gets a real socket on a free port, because a
// TFTP client locks onto the port that answered it (RFC 1350).
import { createSocket, type Socket } from 'node:dgram';
import type { Tracer } from '../../../firmware/hal.ts';
import { SeededRandom } from '../../../firmware/random.ts';
import { RealClock } from '../../real-clock.ts';
import type { UdpEndpoint } from '../relay/endpoint.ts';
import { TftpServer } from './tftp-server.ts';

export interface ExposeTftpOptions {
  /** Where to listen; port 0 picks a free one (read it back from `port`). */
  listen: UdpEndpoint;
  lookup: (name: string) => Uint8Array | undefined;
  negotiate?: boolean;
  tracer?: Tracer;
  seed?: number;
}

/** The engine's listening port number: a label inside the engine, not a socket. */
const ENGINE_LISTEN_PORT = 69;

export class ExposedTftp {
  readonly server: TftpServer;
  private readonly clock = new RealClock();
  /** The engine's TID -> the socket that carries it. */
  private readonly tids = new Map<number, Socket>();
  private closed = false;

  private constructor(
    private readonly listenSocket: Socket,
    readonly host: string,
    readonly port: number,
    o: ExposeTftpOptions,
  ) {
    this.server = new TftpServer({
      clock: this.clock,
      random: new SeededRandom(o.seed ?? 1),
      ports: [ENGINE_LISTEN_PORT],
      negotiate: o.negotiate ?? true,
      lookup: o.lookup,
      send: (fromPort, to, bytes) => {
        if (this.closed) return;
        const socket = fromPort === ENGINE_LISTEN_PORT ? this.listenSocket : this.tids.get(fromPort);
        if (socket) socket.send(bytes, to.port, to.ip);
        else this.sendOnce(bytes, to.ip, to.port);
      },
      onTid: (tid, open) => (open ? this.openTid(tid) : this.closeTid(tid)),
      onTransferEnd: (info) =>
        o.tracer?.record({ kind: 'info', message: `tftp (exposed) ${info.file} to ${info.peer.ip}:${info.peer.port}: ${info.outcome}, ${info.bytesAcked} bytes` }),
    });
    listenSocket.on('message', (msg, from) => this.server.receive({ ip: from.address, port: from.port }, ENGINE_LISTEN_PORT, new Uint8Array(msg)));
  }

  static async open(o: ExposeTftpOptions): Promise<ExposedTftp> {
    const socket = createSocket('udp4');
    await bind(socket, o.listen.host, o.listen.port);
    return new ExposedTftp(socket, o.listen.host, socket.address().port, o);
  }

  private openTid(tid: number): void {
    const socket = createSocket('udp4');
    this.tids.set(tid, socket);
    socket.on('message', (msg, from) => this.server.receive({ ip: from.address, port: from.port }, tid, new Uint8Array(msg)));
    socket.on('error', () => this.closeTid(tid));
    // sends made before the bind completes wait for it (node queues them)
    socket.bind({ address: this.host, port: 0 });
  }

  /** A refusal comes from a one-off TID the engine never opens (RFC 1350): a socket for one datagram. */
  private sendOnce(bytes: Uint8Array, ip: string, port: number): void {
    const socket = createSocket('udp4');
    socket.on('error', () => socket.close());
    socket.bind({ address: this.host, port: 0 }, () => socket.send(bytes, port, ip, () => socket.close()));
  }

  private closeTid(tid: number): void {
    const socket = this.tids.get(tid);
    this.tids.delete(tid);
    try {
      socket?.close();
    } catch {
      // already closed
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.server.close();
    for (const tid of [...this.tids.keys()]) this.closeTid(tid);
    this.listenSocket.close();
    this.clock.stopAll();
  }
}

function bind(socket: Socket, address: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ address, port }, () => {
      socket.off('error', reject);
      resolve();
    });
  });
}
