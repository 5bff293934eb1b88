// The controller as a DHCP relay agent (RFC 1542) in front of a real DHCP server on a UDP socket: the
// phone's broadcasts from the wire go to the server with giaddr set to the agent's address; the server's
// replies come back to giaddr at the server's own port (that is where RFC 2131 4.1 sends them) and go
// out on the wire to the phone. The message rewriting is ../dhcp/relay.ts; this file owns sockets.
import { createSocket, type Socket } from 'node:dgram';
import type { Tracer } from '../../../firmware/hal.ts';
import { relayReply, relayRequest, type RelayAgentConfig } from '../dhcp/relay.ts';
import type { UdpEndpoint } from './endpoint.ts';
import type { Router } from '../router.ts';
import { DHCP_SERVER_PORT, DHCP_CLIENT_PORT } from '../../../firmware/boot/dhcp-message.ts';

export interface DhcpRelayOptions {
  router: Router;
  tracer: Tracer;
  server: UdpEndpoint;
  /** The relay's address: giaddr, and where its socket listens (on the server's port) for replies. */
  agentIp: string;
}

export class DhcpRelay {
  private readonly agent: RelayAgentConfig;
  private closed = false;

  private constructor(
    private readonly o: DhcpRelayOptions,
    private readonly socket: Socket,
  ) {
    this.agent = { relayIp: o.agentIp, circuitId: 'hotdesk-wire', maxHops: 4 };
    socket.on('message', (msg) => this.fromServer(new Uint8Array(msg)));
    o.router.serve(DHCP_SERVER_PORT, (d) => this.fromPhone(d.payload));
  }

  /** Binds agentIp:server.port (shared with a server on the same host that binds the wildcard). */
  static async open(o: DhcpRelayOptions): Promise<DhcpRelay> {
    const socket = createSocket({ type: 'udp4', reuseAddr: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ address: o.agentIp, port: o.server.port, exclusive: false }, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.on('error', (err) => o.tracer.record({ kind: 'error', message: `dhcp relay socket: ${err.message}` }));
    return new DhcpRelay(o, socket);
  }

  private fromPhone(payload: Uint8Array): void {
    if (this.closed) return;
    const relayed = relayRequest(payload, this.agent);
    if (!relayed.ok) {
      this.o.tracer.record({ kind: 'drop', reason: `dhcp relay: ${relayed.reason}` });
      return;
    }
    this.socket.send(relayed.msg, this.o.server.port, this.o.server.host);
  }

  private fromServer(datagram: Uint8Array): void {
    if (this.closed) return;
    const reply = relayReply(datagram, this.agent);
    if (!reply.ok) {
      // requests from other agents on the server's port reach us too: not replies, not news
      if (reply.reason !== 'not a reply') this.o.tracer.record({ kind: 'drop', reason: `dhcp relay: ${reply.reason}` });
      return;
    }
    const to = reply.to;
    this.o.router.send({
      srcIp: this.o.agentIp,
      srcPort: DHCP_SERVER_PORT,
      dstIp: to.broadcast ? '255.255.255.255' : to.ip,
      dstPort: DHCP_CLIENT_PORT,
      dstMac: to.mac,
      payload: reply.msg,
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close();
  }
}
