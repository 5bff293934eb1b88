// The controller's DHCP server engine (RFC 2131 section 4.3): pure logic behind `receive()` and a
// `send` callback, so the lead can put it behind the mock wire, a UDP socket or a relay. A default
// scope (192.168.10.100-199/24) and an optional voice-VLAN scope (chosen for requests that arrive
// tagged with the voice VLAN id, or relayed from a giaddr inside it); leases keyed by chaddr; OFFER,
// ACK and NAK as the RFC says; options 1, 3, 6, 51, 54, 58, 59 and the Mitel string in 125 or 43.
import { formatIpv4, parseIpv4 } from '../../../firmware/link/addr.ts';
import {
  BOOTREPLY,
  BOOTREQUEST,
  FLAG_BROADCAST,
  HTYPE_ETHERNET,
  clientMac,
  decodeDhcpMessage,
  emptyDhcpMessage,
  encodeDhcpMessage,
  getMessageType,
  getRequestedIp,
  getServerId,
  isZeroIp,
} from '../../../firmware/boot/dhcp-message.ts';
import type { DhcpMessage } from '../../../firmware/boot/dhcp-message.ts';
import { DhcpMessageType, DhcpOptionCode, findOption, messageTypeName, opt } from '../../../firmware/boot/dhcp-options.ts';
import type { DhcpMessageTypeValue, DhcpOption } from '../../../firmware/boot/dhcp-options.ts';
import { mitelOption } from '../../../firmware/boot/dhcp-mitel-carrier.ts';
import type { MitelCarry } from '../../../firmware/boot/dhcp-mitel-carrier.ts';

export interface MitelCarrierConfig {
  mitelString: string;
  carry: MitelCarry;
}

export interface DhcpPoolConfig {
  /** First and last address handed out (inclusive). */
  start: string;
  end: string;
  mask: string;
  router?: string;
  dns?: string[];
  /** This scope's Mitel string; defaults to the server's. */
  mitel?: MitelCarrierConfig;
}

export interface DhcpServerConfig {
  /** The server's own address: option 54 and siaddr. */
  serverId: string;
  pool?: DhcpPoolConfig;
  /** A second scope for requests tagged with this VLAN id (the phone's re-DHCP in the voice VLAN). */
  voice?: { vlan: number; pool: DhcpPoolConfig };
  leaseSeconds?: number;
  t1Seconds?: number;
  t2Seconds?: number;
  /** The Mitel string for every scope that does not set its own; none: no option 43/125 at all. */
  mitel?: MitelCarrierConfig;
  /** How long an offered address stays reserved for the client it was offered to. */
  offerHoldSeconds?: number;
  /** How long a declined address stays out of the pool. */
  declineHoldSeconds?: number;
}

export const DEFAULT_POOL: DhcpPoolConfig = {
  start: '192.168.10.100',
  end: '192.168.10.199',
  mask: '255.255.255.0',
  router: '192.168.10.1',
  dns: ['192.168.10.1'],
};

/** Where a reply goes (RFC 2131 4.1): a relay's giaddr, the client's address, or broadcast. */
export type DhcpReplyDestination =
  | { kind: 'relay'; ip: string; port: 67 }
  | { kind: 'unicast'; ip: string; mac: string; port: 68 }
  | { kind: 'broadcast'; mac: string; port: 68 };

export interface DhcpServerDeps {
  /** Milliseconds, from the simulation clock: leases expire lazily against it. */
  now: () => number;
  send: (reply: Uint8Array, to: DhcpReplyDestination) => void;
  /** A request was dropped (counted in `counters.drops` already): the controller traces it. */
  onDrop?: (reason: DhcpDropReason, detail: string) => void;
}

/** Why the server answered a datagram with nothing. Each is counted (DhcpServer.counters.drops). */
export const DHCP_DROP_REASONS = [
  'malformed', //        not a DHCP message: short, bad op, hlen > 16, bad cookie, options running past the end
  'not-a-request', //    a BOOTREPLY on the server port
  'bad-htype', //        hardware type other than 1 (Ethernet)
  'bad-hlen', //         hardware address length other than 6
  'no-message-type', //  BOOTP, or option 53 of the wrong length or value
  'bad-option', //       option 50 (requested address) or 54 (server id) not 4 bytes
  'no-scope', //         no pool for the VLAN or giaddr it came from
  'pool-exhausted', //   nothing left to offer
  'other-server', //     a REQUEST, DECLINE or RELEASE for another server
  'not-for-server', //   a message type a client never sends (OFFER, ACK, NAK)
  'no-lease', //         RELEASE or RENEW of a lease we do not hold, or a REQUEST with nothing to go on
  'handler-error', //    the engine threw anyway (a bug): caught, counted, and the server keeps serving
] as const;
export type DhcpDropReason = (typeof DHCP_DROP_REASONS)[number];

export interface DhcpServerCounters {
  /** Datagrams given to receive(). */
  received: number;
  offers: number;
  /** ACKs to REQUESTs and INFORMs. */
  acks: number;
  naks: number;
  declines: number;
  releases: number;
  drops: Record<DhcpDropReason, number>;
  /** The sum of `drops`: received = offers + acks + naks + declines + releases + dropped. */
  dropped: number;
}

/** What the datagram's arrival looked like: the 802.1Q VLAN id it carried (absent: untagged). */
export interface DhcpArrival {
  vlan?: number;
}

/** What `receive` did, for traces and tests. */
export type DhcpServerOutcome =
  | { action: 'offer' | 'ack' | 'nak'; ip?: string; scope: ScopeName; mac: string; reason?: string }
  | { action: 'declined' | 'released'; ip: string; scope: ScopeName; mac: string }
  | { action: 'ignored'; reason: string };

export type ScopeName = 'data' | 'voice';

export interface LeaseView {
  scope: ScopeName;
  mac: string;
  ip: string;
  state: LeaseState;
  expiresAt: number;
}

type LeaseState = 'offered' | 'bound' | 'released' | 'declined';

interface LeaseRecord {
  mac: string;
  ip: number;
  state: LeaseState;
  expiresAt: number;
}

interface Scope {
  name: ScopeName;
  first: number;
  last: number;
  mask: number;
  config: DhcpPoolConfig;
  mitel?: DhcpOption;
  byIp: Map<number, LeaseRecord>;
  byMac: Map<string, LeaseRecord>;
  /**
   * Every address below this one was held by a live lease when last looked at, so the search for the
   * lowest free address starts here: a fleet's thousands of DISCOVERs each find theirs at once instead
   * of walking every lease before it. Moved back when a lease below it ends (release, decline, a lease
   * taken over), and back to `first` once the earliest of those leases may have run out.
   */
  scanFrom: number;
  /** The earliest expiry among the leases below scanFrom (Infinity: none). */
  expiresFirst: number;
}

function ip(text: string, what: string): number {
  const v = parseIpv4(text);
  if (v === undefined) throw new Error(`DHCP server config: ${what} ${JSON.stringify(text)} is not an IPv4 address`);
  return v;
}

function sameSubnet(a: number, b: number, mask: number): boolean {
  return ((a & mask) >>> 0) === ((b & mask) >>> 0);
}

export class DhcpServer {
  readonly counters: DhcpServerCounters = {
    received: 0,
    offers: 0,
    acks: 0,
    naks: 0,
    declines: 0,
    releases: 0,
    drops: Object.fromEntries(DHCP_DROP_REASONS.map((r) => [r, 0])) as Record<DhcpDropReason, number>,
    dropped: 0,
  };
  private readonly scopes: Scope[] = [];
  private readonly voiceVlan?: number;
  private readonly leaseSeconds: number;
  private readonly t1: number;
  private readonly t2: number;
  private readonly serverIp: number;

  constructor(
    private readonly config: DhcpServerConfig,
    private readonly deps: DhcpServerDeps,
  ) {
    this.serverIp = ip(config.serverId, 'serverId');
    this.leaseSeconds = config.leaseSeconds ?? 86_400;
    this.t1 = config.t1Seconds ?? Math.floor(this.leaseSeconds / 2);
    this.t2 = config.t2Seconds ?? Math.floor(this.leaseSeconds * 0.875);
    this.scopes.push(this.makeScope('data', config.pool ?? DEFAULT_POOL));
    if (config.voice) {
      this.voiceVlan = config.voice.vlan;
      this.scopes.push(this.makeScope('voice', config.voice.pool));
    }
  }

  private makeScope(name: ScopeName, pool: DhcpPoolConfig): Scope {
    const first = ip(pool.start, `${name} pool start`);
    const last = ip(pool.end, `${name} pool end`);
    const mask = ip(pool.mask, `${name} pool mask`);
    if (last < first || !sameSubnet(first, last, mask)) throw new Error(`DHCP server config: ${name} pool ${pool.start}-${pool.end}/${pool.mask} is not one subnet`);
    const carrier = pool.mitel ?? this.config.mitel;
    let mitel: DhcpOption | undefined;
    if (carrier) {
      const built = mitelOption(carrier.mitelString, carrier.carry);
      if (!built.ok) throw new Error(`DHCP server config: ${name} scope: ${built.reason}`);
      mitel = built.option;
    }
    return { name, first, last, mask, config: pool, mitel, byIp: new Map(), byMac: new Map(), scanFrom: first, expiresFirst: Infinity };
  }

  /** Every lease record, for the controller's status and tests. */
  leases(): LeaseView[] {
    return this.scopes.flatMap((s) =>
      [...s.byIp.values()].map((r) => ({ scope: s.name, mac: r.mac, ip: formatIpv4(r.ip), state: r.state, expiresAt: r.expiresAt })),
    );
  }

  /** Total: whatever the bytes, an outcome comes back and is counted; nothing is thrown. */
  receive(datagram: Uint8Array, arrival: DhcpArrival = {}): DhcpServerOutcome {
    this.counters.received++;
    let outcome: DhcpServerOutcome;
    this.dropReason = 'handler-error';
    try {
      outcome = this.handle(datagram, arrival);
    } catch (err) {
      outcome = this.ignored('handler-error', `handler threw: ${err instanceof Error ? err.message : String(err)}`);
    }
    const c = this.counters;
    switch (outcome.action) {
      case 'offer':
        c.offers++;
        break;
      case 'ack':
        c.acks++;
        break;
      case 'nak':
        c.naks++;
        break;
      case 'declined':
        c.declines++;
        break;
      case 'released':
        c.releases++;
        break;
      case 'ignored': {
        const reason = this.dropReason;
        c.drops[reason]++;
        c.dropped++;
        this.deps.onDrop?.(reason, outcome.reason);
        break;
      }
    }
    return outcome;
  }

  /** Why the datagram in hand is being ignored: set with the outcome by ignored(). */
  private dropReason: DhcpDropReason = 'handler-error';

  private ignored(drop: DhcpDropReason, reason: string): DhcpServerOutcome {
    this.dropReason = drop;
    return { action: 'ignored', reason };
  }

  private handle(datagram: Uint8Array, arrival: DhcpArrival): DhcpServerOutcome {
    const decoded = decodeDhcpMessage(datagram);
    if (!decoded.ok) return this.ignored('malformed', decoded.reason);
    const msg = decoded.msg;
    if (msg.op !== BOOTREQUEST) return this.ignored('not-a-request', 'not a request');
    // Ethernet only: the reply goes to chaddr, which must be a 6-byte MAC (RFC 2131 2, RFC 1700).
    if (msg.htype !== HTYPE_ETHERNET) return this.ignored('bad-htype', `htype ${msg.htype} is not Ethernet`);
    if (msg.hlen !== 6) return this.ignored('bad-hlen', `hlen ${msg.hlen} is not 6`);
    const type = getMessageType(msg);
    if (type === undefined) return this.ignored('no-message-type', 'BOOTP without a DHCP message type');
    for (const [code, name] of [[DhcpOptionCode.RequestedIp, 'requested address'], [DhcpOptionCode.ServerId, 'server id']] as const) {
      const data = findOption(msg.options, code);
      if (data !== undefined && data.length !== 4) return this.ignored('bad-option', `option ${code} (${name}) of ${data.length} bytes`);
    }
    const scope = this.scopeFor(msg, arrival);
    if (!scope) return this.ignored('no-scope', `no scope for vlan ${arrival.vlan ?? '-'} giaddr ${msg.giaddr}`);
    const mac = clientMac(msg);
    switch (type) {
      case DhcpMessageType.Discover:
        return this.discover(scope, msg, mac);
      case DhcpMessageType.Request:
        return this.request(scope, msg, mac);
      case DhcpMessageType.Decline:
        return this.decline(scope, msg, mac);
      case DhcpMessageType.Release:
        return this.release(scope, msg, mac);
      case DhcpMessageType.Inform:
        return this.inform(scope, msg, mac);
      default:
        return this.ignored('not-for-server', `${messageTypeName(type)} is not for a server`);
    }
  }

  private scopeFor(msg: DhcpMessage, arrival: DhcpArrival): Scope | undefined {
    if (!isZeroIp(msg.giaddr)) {
      const gi = parseIpv4(msg.giaddr)!;
      return this.scopes.find((s) => sameSubnet(gi, s.first, s.mask));
    }
    // VLAN 0 is a priority tag only (802.1p), which belongs to the untagged scope.
    if (arrival.vlan === undefined || arrival.vlan === 0) return this.scopes[0];
    return arrival.vlan === this.voiceVlan ? this.scopes.find((s) => s.name === 'voice') : undefined;
  }

  private isLive(r: LeaseRecord): boolean {
    return (r.state === 'bound' || r.state === 'offered' || r.state === 'declined') && r.expiresAt > this.deps.now();
  }

  /** Can `mac` have `addr` in `scope`: in range, not the server's, and not held by anyone else? */
  private available(scope: Scope, addr: number, mac: string): boolean {
    if (addr < scope.first || addr > scope.last || addr === this.serverIp) return false;
    const r = scope.byIp.get(addr);
    return !r || (r.mac === mac && r.state !== 'declined') || !this.isLive(r);
  }

  private hold(scope: Scope, mac: string, addr: number, state: LeaseState, seconds: number): void {
    const previous = scope.byMac.get(mac);
    if (previous && previous.ip !== addr && scope.byIp.get(previous.ip) === previous) {
      scope.byIp.delete(previous.ip);
      this.freed(scope, previous.ip);
    }
    const taken = scope.byIp.get(addr);
    if (taken && taken.mac !== mac) scope.byMac.delete(taken.mac);
    const record: LeaseRecord = { mac, ip: addr, state, expiresAt: this.deps.now() + seconds * 1000 };
    if (addr < scope.scanFrom) scope.expiresFirst = Math.min(scope.expiresFirst, record.expiresAt);
    scope.byIp.set(addr, record);
    scope.byMac.set(mac, record);
  }

  /** The lowest address `mac` can have, searching from the scope's low-water mark (see Scope.scanFrom). */
  private lowestFree(scope: Scope, mac: string): number | undefined {
    if (this.deps.now() >= scope.expiresFirst) {
      scope.scanFrom = scope.first; // a lease below the mark may have run out: look again from the start
      scope.expiresFirst = Infinity;
    }
    for (let a = scope.scanFrom; a <= scope.last; a++) {
      if (this.available(scope, a, mac)) return a;
      // held by a live lease (its holder gets it back through its own record), or the server's own
      if (a === scope.scanFrom) {
        scope.scanFrom = a + 1;
        const r = scope.byIp.get(a);
        if (r) scope.expiresFirst = Math.min(scope.expiresFirst, r.expiresAt);
      }
    }
    return undefined;
  }

  /** A lease on `addr` ended or moved: the address may be free again. */
  private freed(scope: Scope, addr: number): void {
    if (addr < scope.scanFrom) scope.scanFrom = Math.max(scope.first, addr);
  }

  private discover(scope: Scope, msg: DhcpMessage, mac: string): DhcpServerOutcome {
    const pick = (): number | undefined => {
      const mine = scope.byMac.get(mac);
      if (mine && this.available(scope, mine.ip, mac)) return mine.ip;
      const wanted = getRequestedIp(msg);
      const w = wanted === undefined ? undefined : parseIpv4(wanted);
      if (w !== undefined && this.available(scope, w, mac)) return w;
      return this.lowestFree(scope, mac);
    };
    const addr = pick();
    if (addr === undefined) return this.ignored('pool-exhausted', `${scope.name} pool exhausted`);
    this.hold(scope, mac, addr, 'offered', this.config.offerHoldSeconds ?? 60);
    this.reply(scope, msg, DhcpMessageType.Offer, formatIpv4(addr));
    return { action: 'offer', ip: formatIpv4(addr), scope: scope.name, mac };
  }

  private request(scope: Scope, msg: DhcpMessage, mac: string): DhcpServerOutcome {
    const serverId = getServerId(msg);
    const requested = getRequestedIp(msg);
    const mine = scope.byMac.get(mac);
    if (serverId !== undefined) {
      // SELECTING: the client answers one server's offer; the others free what they offered.
      if (serverId !== this.config.serverId) {
        if (mine && mine.state === 'offered' && scope.byIp.get(mine.ip) === mine) {
          scope.byIp.delete(mine.ip);
          scope.byMac.delete(mac);
          this.freed(scope, mine.ip);
        }
        return this.ignored('other-server', `client chose server ${serverId}`);
      }
      const want = requested ?? msg.ciaddr;
      if (mine && formatIpv4(mine.ip) === want && (mine.state === 'offered' || mine.state === 'bound') && this.available(scope, mine.ip, mac)) {
        return this.ack(scope, msg, mac, mine.ip);
      }
      return this.nak(scope, msg, mac, `${want} was not offered to ${mac}`);
    }
    if (requested !== undefined && isZeroIp(msg.ciaddr)) {
      // INIT-REBOOT: the client asks to keep an address it remembers.
      const r = parseIpv4(requested);
      if (r === undefined || !sameSubnet(r, scope.first, scope.mask)) return this.nak(scope, msg, mac, `${requested} is on the wrong network`);
      if (this.available(scope, r, mac)) return this.ack(scope, msg, mac, r);
      return this.nak(scope, msg, mac, `${requested} belongs to another client`);
    }
    if (!isZeroIp(msg.ciaddr)) {
      // RENEWING (unicast) or REBINDING (broadcast): extend the lease the client holds.
      const c = parseIpv4(msg.ciaddr)!;
      if (mine && mine.ip === c && (mine.state === 'bound' || mine.state === 'offered') && this.available(scope, c, mac)) return this.ack(scope, msg, mac, c);
      if (sameSubnet(c, scope.first, scope.mask)) return this.nak(scope, msg, mac, `no lease of ${msg.ciaddr} for ${mac}`);
      return this.ignored('no-lease', `${msg.ciaddr} is not ours`);
    }
    return this.ignored('no-lease', 'REQUEST with neither server id, requested address nor ciaddr');
  }

  private ack(scope: Scope, msg: DhcpMessage, mac: string, addr: number): DhcpServerOutcome {
    this.hold(scope, mac, addr, 'bound', this.leaseSeconds);
    this.reply(scope, msg, DhcpMessageType.Ack, formatIpv4(addr));
    return { action: 'ack', ip: formatIpv4(addr), scope: scope.name, mac };
  }

  private nak(scope: Scope, msg: DhcpMessage, mac: string, reason: string): DhcpServerOutcome {
    this.reply(scope, msg, DhcpMessageType.Nak, '0.0.0.0', reason);
    return { action: 'nak', scope: scope.name, mac, reason };
  }

  private decline(scope: Scope, msg: DhcpMessage, mac: string): DhcpServerOutcome {
    const serverId = getServerId(msg);
    if (serverId !== undefined && serverId !== this.config.serverId) return this.ignored('other-server', 'DECLINE for another server');
    const requested = getRequestedIp(msg);
    const r = requested === undefined ? undefined : parseIpv4(requested);
    if (r === undefined) return this.ignored('bad-option', 'DECLINE without a requested address');
    // Someone else answers ARP for this address: keep it out of the pool for a while.
    this.hold(scope, mac, r, 'declined', this.config.declineHoldSeconds ?? 3_600);
    scope.byMac.delete(mac);
    return { action: 'declined', ip: requested!, scope: scope.name, mac };
  }

  private release(scope: Scope, msg: DhcpMessage, mac: string): DhcpServerOutcome {
    const serverId = getServerId(msg);
    if (serverId !== undefined && serverId !== this.config.serverId) return this.ignored('other-server', 'RELEASE for another server');
    const mine = scope.byMac.get(mac);
    if (!mine || formatIpv4(mine.ip) !== msg.ciaddr) return this.ignored('no-lease', `no lease of ${msg.ciaddr} for ${mac}`);
    // Remembered, so the same client gets the same address back (RFC 2131 4.3.1).
    mine.state = 'released';
    mine.expiresAt = this.deps.now();
    this.freed(scope, mine.ip);
    return { action: 'released', ip: msg.ciaddr, scope: scope.name, mac };
  }

  private inform(scope: Scope, msg: DhcpMessage, mac: string): DhcpServerOutcome {
    this.reply(scope, msg, DhcpMessageType.Ack, '0.0.0.0');
    return { action: 'ack', scope: scope.name, mac };
  }

  private reply(scope: Scope, req: DhcpMessage, type: DhcpMessageTypeValue, yiaddr: string, message?: string): void {
    const msg = emptyDhcpMessage(BOOTREPLY, req.xid, req.chaddr.subarray(0, req.hlen));
    msg.htype = req.htype;
    msg.flags = req.flags;
    msg.giaddr = req.giaddr;
    msg.yiaddr = yiaddr;
    const options: DhcpOption[] = [opt.messageType(type), opt.ip(DhcpOptionCode.ServerId, this.config.serverId)];
    if (type === DhcpMessageType.Nak) {
      if (message) options.push(opt.text(DhcpOptionCode.Message, message));
    } else {
      const inform = getMessageType(req) === DhcpMessageType.Inform;
      msg.siaddr = this.config.serverId;
      if (inform) msg.ciaddr = req.ciaddr;
      else {
        options.push(opt.u32(DhcpOptionCode.LeaseTime, this.leaseSeconds));
        options.push(opt.u32(DhcpOptionCode.RenewalTime, this.t1));
        options.push(opt.u32(DhcpOptionCode.RebindingTime, this.t2));
      }
      options.push(opt.ip(DhcpOptionCode.SubnetMask, scope.config.mask));
      if (scope.config.router) options.push(opt.ips(DhcpOptionCode.Router, [scope.config.router]));
      if (scope.config.dns && scope.config.dns.length > 0) options.push(opt.ips(DhcpOptionCode.DomainNameServer, scope.config.dns));
      if (scope.mitel) options.push(scope.mitel);
    }
    // RFC 3046 2.2: a server echoes the relay agent's option 82 back for the relay to strip.
    const relayInfo = findOption(req.options, DhcpOptionCode.RelayAgentInfo);
    if (relayInfo) options.push(opt.bytes(DhcpOptionCode.RelayAgentInfo, relayInfo));
    msg.options = options;
    this.deps.send(encodeDhcpMessage(msg), this.destination(req, type, yiaddr));
  }

  private destination(req: DhcpMessage, type: DhcpMessageTypeValue, yiaddr: string): DhcpReplyDestination {
    const mac = clientMac(req);
    if (!isZeroIp(req.giaddr)) return { kind: 'relay', ip: req.giaddr, port: 67 };
    if (type === DhcpMessageType.Nak) return { kind: 'broadcast', mac, port: 68 };
    if (!isZeroIp(req.ciaddr)) return { kind: 'unicast', ip: req.ciaddr, mac, port: 68 };
    if (req.flags & FLAG_BROADCAST || isZeroIp(yiaddr)) return { kind: 'broadcast', mac, port: 68 };
    return { kind: 'unicast', ip: yiaddr, mac, port: 68 };
  }
}
