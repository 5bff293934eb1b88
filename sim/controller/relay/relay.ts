// Relay mode: the controller keeps its router on the phone's wire but hands DHCP and/or TFTP to real
// servers over UDP sockets (`relay: { dhcp: "127.0.0.1:1067", tftp: "127.0.0.1:1069" }`), so a simulated
// phone boots from dnsmasq, tftpd-hpa or a site's own servers. Whatever is not relayed stays local.
import type { Clock, Tracer } from '../../../firmware/hal.ts';
import { DhcpRelay } from './dhcp.ts';
import { udpEndpoint } from './endpoint.ts';
import { TftpRelay } from './tftp.ts';
import type { Router } from '../router.ts';

export interface RelayConfig {
  /** The DHCP server, HOST:PORT. Its replies come back to agent:PORT. */
  dhcp?: string;
  /** The TFTP server, HOST:PORT. */
  tftp?: string;
  /** The relay agent's address (giaddr, and where it hears the DHCP server): default 127.0.0.2. */
  agent?: string;
}

export const DEFAULT_RELAY_AGENT = '127.0.0.2';

export interface RelayOptions {
  router: Router;
  clock: Clock;
  tracer: Tracer;
  config: RelayConfig;
  /** Where phones send TFTP read requests on the wire. */
  tftpPorts: readonly number[];
}

export class Relay {
  private constructor(
    readonly dhcp: DhcpRelay | undefined,
    readonly tftp: TftpRelay | undefined,
  ) {}

  static async open(o: RelayOptions): Promise<Relay> {
    const agentIp = o.config.agent ?? DEFAULT_RELAY_AGENT;
    const dhcp = o.config.dhcp
      ? await DhcpRelay.open({ router: o.router, tracer: o.tracer, server: udpEndpoint(o.config.dhcp, 'relay.dhcp'), agentIp })
      : undefined;
    const tftp = o.config.tftp
      ? new TftpRelay({ router: o.router, clock: o.clock, tracer: o.tracer, server: udpEndpoint(o.config.tftp, 'relay.tftp'), listenPorts: o.tftpPorts })
      : undefined;
    return new Relay(dhcp, tftp);
  }

  close(): void {
    this.dhcp?.close();
    this.tftp?.close();
  }
}
