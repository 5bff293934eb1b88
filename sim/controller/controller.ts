// The embedded controller: the far end of the phones' wires. A router with the services a phone boots
// and lives from: DHCP (with the Mitel option string), TFTP with the firmware store, echo, and one call
// server per controller of the cluster (hot desking, BLF, fail-over), plus relay mode to real servers.
import { ClusterBus } from './cluster-bus.ts';
import type { DescribeUdp } from '../../firmware/link/stack.ts';
import { keyLogFromEnv } from '../keylog.ts';
import type { ByteLink, Clock, FrameTap, Tracer } from '../../firmware/hal.ts';
import { describeProtocols } from '../../firmware/describe.ts';
import { SeededRandom } from '../../firmware/random.ts';
import { loadProfiles } from '../profiles.ts';
import type { ControllerConfig } from './config.ts';
import { DhcpServer, type DhcpPoolConfig, type DhcpReplyDestination } from './dhcp/dhcp-server.ts';
import { poolConfig } from './dhcp/pool-range.ts';
import { buildFirmwareStore } from './firmware-store/firmware-images.ts';
import { expectedFirmware, memberFirmwareStore, servingStore } from './firmware-store/cluster-firmware.ts';
import type { FirmwareVersion } from '../../firmware/boot/image-version.ts';
import type { FirmwareStore } from './firmware-store/firmware-store.ts';
import { ECHO_PORT, echoService, guardClock, Router, ROUTER_IP, type RouterCounters } from './router.ts';
import type { NetCounters } from '../../firmware/link/stack.ts';
import type { DhcpServerCounters } from './dhcp/dhcp-server.ts';
import type { TftpServerStats } from './tftp/tftp-server.ts';
import { TftpServer } from './tftp/tftp-server.ts';
import { CALL_SERVER_PORT, CallServer } from './call-server/call-server.ts';
import { Relay } from './relay/relay.ts';
import { udpEndpoint } from './relay/endpoint.ts';
import { ExposedTftp } from './tftp/udp-expose.ts';
import { DHCP_SERVER_PORT } from '../../firmware/boot/dhcp-message.ts';

export interface ControllerOptions {
  link: ByteLink;
  clock: Clock;
  random: SeededRandom;
  config: ControllerConfig;
  tracer: Tracer;
  tap?: FrameTap;
  /** Where the call servers write their signalling session keys (default: HOTDESK_KEYLOG). */
  keyLog?: (line: string) => void;
  /** Entropy for the session keys (default the OS's); a seeded one only where a run must replay byte for byte. */
  entropy?: (n: number) => Uint8Array;
  /** Names the datagrams in the trace (default: without reading inside sealed ones). */
  describeUdp?: DescribeUdp;
}

const FOREIGN_DHCP_IP = '192.168.10.2';
/** The voice VLAN's scope, used for requests that arrive tagged with the configured VLAN. */
const VOICE_POOL: DhcpPoolConfig = { start: '192.168.11.100', end: '192.168.11.199', mask: '255.255.255.0', router: '192.168.11.1', dns: ['192.168.11.1'] };

/** The option string the controller hands out, unless the config gives it whole. */
export function mitelString(config: ControllerConfig, self = ROUTER_IP): string {
  if (config.dhcp.string !== undefined) return config.dhcp.string;
  const d = config.dhcp;
  // call_srv lists the primary (this controller) first, then the cluster's other members as secondaries
  const callSrv = d.callSrv ?? [self, ...config.cluster.map((p) => p.ip).filter((ip) => ip !== self)];
  const parts = ['id:ipphone.mitel.com', `sw_tftp=${d.swTftp ?? self}`, `call_srv=${callSrv.join(',')}`];
  if (d.vlan !== undefined) parts.push(`vlan=${d.vlan}`);
  if (d.l2p !== undefined) parts.push(`l2p=${d.l2p}`);
  if (d.dscp !== undefined) parts.push(`dscp=${d.dscp}`);
  return parts.join(';') + ';';
}


/** Every counter of the controller, live: what a test or a fuzzer reads after throwing frames at it. */
export interface ControllerCounters {
  /** The router's interfaces (link-level drops by reason: FCS, ARP, IPv4, UDP, ...). */
  links: NetCounters[];
  /** The router's own: no service, handler errors (services and their clock tasks), refused sends. */
  router: RouterCounters;
  dhcp: DhcpServerCounters;
  tftp: TftpServerStats;
}

export class Controller {
  readonly router: Router;
  /**
   * The clock every service here schedules on: a task that throws is caught and counted as the router's
   * 'handler-error' (guardClock), so nothing from the wire ends the process through a timer.
   */
  readonly clock: Clock;
  /** The call servers behind this router, by address: this controller's own, then its cluster peers'. */
  readonly callServers = new Map<string, CallServer>();
  private cluster?: ClusterBus;
  /** Call servers that were killed: they hear nothing until revived. */
  private readonly dead = new Set<string>();
  /** The cluster in call_srv order, and the images of members that expect another version (cluster-firmware.ts). */
  private members: { ip: string }[] = [];
  private readonly memberFirmware = new Map<string, FirmwareStore>();
  readonly dhcp: DhcpServer;
  readonly tftp: TftpServer;
  readonly firmware: FirmwareStore;
  private foreignDhcp?: DhcpServer;
  private dhcpDown = false;
  private bareOffersLeft: number;
  /** Relay mode's sockets to real DHCP/TFTP servers, and the firmware store on a real UDP port. */
  relay?: Relay;
  exposedTftp?: ExposedTftp;
  /** Resolves once the real sockets (relay, exposed TFTP) are bound; at once when there are none. */
  readonly ready: Promise<void>;
  private closed = false;

  constructor(private readonly o: ControllerOptions) {
    const { config } = o;
    // eslint-disable-next-line prefer-const
    let router: Router | undefined;
    const clock = guardClock(o.clock, () => router);
    this.clock = clock;
    router = new Router({ clock, tracer: o.tracer, describeUdp: o.describeUdp ?? describeProtocols });
    this.router = router;
    this.router.attach(o.link, o.tap);
    this.router.serve(ECHO_PORT, echoService);
    this.firmware = buildFirmwareStore(config.firmware, loadProfiles().values());

    const carry = config.dhcp.carry === 'none' ? undefined : { mitelString: mitelString(config), carry: config.dhcp.carry };
    this.dhcp = new DhcpServer(
      {
        serverId: ROUTER_IP,
        mitel: carry,
        pool: config.dhcp.pool && poolConfig(config.dhcp.pool),
        voice: config.dhcp.vlan !== undefined ? { vlan: config.dhcp.vlan, pool: VOICE_POOL } : undefined,
      },
      {
        now: () => clock.now(),
        send: (reply, to) => this.sendDhcp(ROUTER_IP, reply, to),
        onDrop: (reason, detail) => {
          o.tracer.record({ kind: 'drop', reason: `dhcp-${reason}` });
          if (reason === 'handler-error') o.tracer.record({ kind: 'error', message: `dhcp server: ${detail}` });
        },
      },
    );
    this.bareOffersLeft = config.dhcp.bareOffers;
    if (this.bareOffersLeft > 0) {
      // Another DHCP server on the segment that knows nothing of Mitel phones: its offers carry no string.
      this.foreignDhcp = new DhcpServer(
        { serverId: FOREIGN_DHCP_IP, pool: { start: '192.168.10.200', end: '192.168.10.250', mask: '255.255.255.0' } },
        { now: () => clock.now(), send: (reply, to) => this.sendDhcp(FOREIGN_DHCP_IP, reply, to) },
      );
    }
    this.dhcpDown = config.dhcp.down;
    // relay mode hands port 67 to the relay agent (relay-dhcp.ts)
    if (!config.relay?.dhcp) this.router.serve(DHCP_SERVER_PORT, (d) => {
      if (this.dhcpDown) return;
      const arrival = { vlan: d.vlan?.id };
      if (this.foreignDhcp && this.bareOffersLeft > 0) {
        const outcome = this.foreignDhcp.receive(d.payload, arrival);
        if (outcome.action === 'offer') {
          this.bareOffersLeft--;
          return; // the Mitel-aware server is slower this time: only the bare offer goes out
        }
      }
      const outcome = this.dhcp.receive(d.payload, arrival);
      if (outcome.action !== 'ignored') o.tracer.record({ kind: 'info', message: `dhcp ${outcome.action}${'ip' in outcome && outcome.ip ? ` ${outcome.ip}` : ''}` });
    });

    const ports = config.tftp.port20001 ? [20001, 69] : [69];
    this.tftp = new TftpServer({
      clock,
      random: o.random.fork(),
      ports,
      negotiate: config.tftp.options,
      lookup: (name) => this.servingFirmware().get(name),
      send: (fromPort, to, bytes) => this.router.send({ srcIp: ROUTER_IP, srcPort: fromPort, dstIp: to.ip, dstPort: to.port, payload: bytes }),
      onTid: (port, open) => {
        if (open) this.serveTftp(port);
        else this.unserve.get(port)?.();
      },
      onDrop: (reason, detail) => {
        o.tracer.record({ kind: 'drop', reason: `tftp-${reason}` });
        if (reason === 'handler-error') o.tracer.record({ kind: 'error', message: `tftp server: ${detail}` });
      },
      onTransferEnd: (info) => o.tracer.record({ kind: 'info', message: `tftp ${info.file} to ${info.peer.ip}: ${info.outcome}, ${info.bytesAcked} bytes` }),
    });
    this.tftp.down = config.tftp.down;
    if (!config.relay?.tftp) for (const port of ports) this.serveTftp(port);
    this.startCallServers();
    this.ready = this.openSockets(ports);
    this.ready.catch((err) => o.tracer.record({ kind: 'error', message: `controller sockets: ${err instanceof Error ? err.message : err}` }));
  }

  /** Every counter, live (the same objects the router, the interfaces and the servers update). */
  get counters(): ControllerCounters {
    return { links: this.router.interfaces.map((s) => s.counters), router: this.router.counters, dhcp: this.dhcp.counters, tftp: this.tftp.stats };
  }

  private async openSockets(tftpPorts: readonly number[]): Promise<void> {
    const { config } = this.o;
    if (config.relay) {
      const relay = await Relay.open({ router: this.router, clock: this.clock, tracer: this.o.tracer, config: config.relay, tftpPorts });
      if (this.closed) relay.close();
      else this.relay = relay;
    }
    if (config.tftp.expose) {
      const exposed = await ExposedTftp.open({
        listen: udpEndpoint(config.tftp.expose, 'tftp.expose', true),
        lookup: (name) => this.servingFirmware().get(name),
        negotiate: config.tftp.options,
        tracer: this.o.tracer,
      });
      if (this.closed) exposed.close();
      else this.exposedTftp = exposed;
    }
  }

  /**
   * One call server per controller of the cluster, all behind this router: the phone's call_srv list
   * names them, and a killed one simply stops answering, as a controller that lost power does.
   */
  private startCallServers(): void {
    const { config } = this.o;
    const clock = this.clock;
    const selfIp = config.identity.ip ?? ROUTER_IP;
    const members: { id: string; ip: string; firmware?: FirmwareVersion }[] = [{ id: config.identity.id, ip: selfIp }, ...config.cluster.filter((p) => p.ip !== selfIp)];
    this.members = members;
    // one element per phone and per user at a time: each tells the others (cluster-bus.ts)
    const bus = new ClusterBus((ip) => !this.dead.has(ip));
    this.cluster = bus;
    for (const member of members) {
      if (member.firmware) this.memberFirmware.set(member.ip, memberFirmwareStore(config, member.firmware, loadProfiles().values()));
      const cs = new CallServer({
        clock,
        random: this.o.random.fork(),
        world: { ...config, identity: { id: member.id, ip: member.ip } },
        selfIp: member.ip,
        expectedFirmware: expectedFirmware(member.firmware),
        tracer: this.o.tracer,
        keyLog: this.o.keyLog ?? keyLogFromEnv(),
        cluster: bus,
        entropy: this.o.entropy,
        send: (ip, port, bytes) => this.router.send({ srcIp: member.ip, srcPort: CALL_SERVER_PORT, dstIp: ip, dstPort: port, payload: bytes }),
      });
      this.callServers.set(member.ip, cs);
      bus.join(member.ip, cs);
    }
    this.router.serve(CALL_SERVER_PORT, (d) => {
      if (this.dead.has(d.dstIp)) return;
      this.callServers.get(d.dstIp)?.receive(d.srcIp, d.srcPort, d.payload);
    });
  }

  /** This controller's own call server (the first of the cluster). */
  get callServer(): CallServer {
    return this.callServers.values().next().value!;
  }

  /** Finds a call server by its id (`icp-1`) or address. */
  callServerBy(idOrIp: string): CallServer | undefined {
    return this.callServers.get(idOrIp) ?? [...this.callServers.values()].find((cs) => cs.id === idOrIp);
  }

  /** The images TFTP serves now: those of the cluster's first live member. */
  servingFirmware(): FirmwareStore {
    return servingStore(this.members, (ip) => this.dead.has(ip), this.firmware, this.memberFirmware);
  }

  /** Whether this call server of the cluster is answering (not killed). */
  alive(cs: CallServer): boolean {
    return !this.dead.has(cs.selfIp);
  }

  /** A controller that dies (true) or comes back (false): while dead it answers nothing. */
  setDead(idOrIp: string, dead: boolean): void {
    const cs = this.callServerBy(idOrIp);
    if (!cs) throw new Error(`no call server "${idOrIp}" (known: ${[...this.callServers.values()].map((c) => `${c.id} ${c.selfIp}`).join(', ')})`);
    if (dead) this.dead.add(cs.selfIp);
    else if (this.dead.delete(cs.selfIp)) this.cluster?.revived(cs.selfIp);
  }

  /** A DHCP server that stops (and starts) answering. */
  setDhcpDown(down: boolean): void {
    this.dhcpDown = down;
  }

  private readonly unserve = new Map<number, () => void>();

  private serveTftp(port: number): void {
    const remove = this.router.serve(port, (d) => this.tftp.receive({ ip: d.srcIp, port: d.srcPort }, d.dstPort, d.payload));
    this.unserve.set(port, () => {
      remove();
      this.unserve.delete(port);
    });
  }

  private sendDhcp(serverIp: string, reply: Uint8Array, to: DhcpReplyDestination): void {
    this.router.send({
      srcIp: serverIp,
      srcPort: DHCP_SERVER_PORT,
      dstIp: to.kind === 'broadcast' ? '255.255.255.255' : to.ip,
      dstPort: to.port,
      dstMac: to.kind === 'relay' ? undefined : to.mac,
      payload: reply,
    });
  }

  close(): void {
    this.closed = true;
    for (const cs of this.callServers.values()) cs.close();
    this.relay?.close();
    this.exposedTftp?.close();
    this.tftp.close();
    this.router.close();
  }
}
