// The DHCP client's types: its input (plain data), the events it takes, what it reports, and its context.
// The machine is in dhcp-client.ts; these live apart only to keep that file readable.
import type { RandomState } from '../random.ts';
import type { DhcpLease, MitelFound } from './dhcp-client-lease.ts';
import type { DhcpMessage } from './dhcp-message.ts';

/** Where a datagram goes: broadcast (255.255.255.255) or unicast to a server. Ports are 68 -> 67. */
export type DhcpDestination = { broadcast: true } | { broadcast: false; ip: string };

/** The params of the `transmit` action: one datagram for UDP 68 -> 67. */
export interface DhcpTransmit {
  bytes: Uint8Array;
  to: DhcpDestination;
}

/** Plain data only: what the client is, not what it talks through. */
export interface DhcpClientInput {
  /** The phone's MAC, as 6 bytes or 'aa:bb:cc:dd:ee:ff'. */
  mac: Uint8Array | string;
  /** Seeds the client's own xoshiro128** stream: start delay, transaction ids, retransmission jitter. */
  seed: number;
  /** INIT's random wait before the first DISCOVER, in ms (RFC 2131 4.4.1: 1 to 10 s). May be 0. */
  startDelayMs?: { min: number; max: number };
  vendorClass?: string;
  /** Ask servers to broadcast replies (we have no address to unicast to yet). Default true. */
  broadcastFlag?: boolean;
  /** REQUEST transmissions in REQUESTING before giving up and starting over. Default 5. */
  maxRequestAttempts?: number;
  /** Wait after a DECLINE before starting over (RFC 2131 3.1.5: at least 10 s). */
  declineWaitMs?: number;
}

export type DhcpClientEvent =
  | { type: 'dhcp.rx'; msg: Uint8Array }
  /** Give the lease back (RELEASE) and stop: the VLAN re-DHCP path. */
  | { type: 'release' }
  /** The address answered an ARP probe: DECLINE it and start over. */
  | { type: 'decline'; reason?: string };

export type DhcpClientEmitted =
  /** Display lines: 'DHCP: Discovery', 'Using option 125', 'DHCP: Offer 1 Acc', 'DHCP: Ack', ... */
  | { type: 'dhcp.status'; text: string }
  | { type: 'dhcp.bound'; lease: DhcpLease }
  | { type: 'dhcp.renewed'; lease: DhcpLease }
  | { type: 'dhcp.expired'; reason: string }
  | { type: 'dhcp.released'; lease: DhcpLease }
  | { type: 'dhcp.ignored'; reason: string };

export interface DhcpClientOutput {
  reason: 'released';
  lease: DhcpLease;
}

export type InternalEvent =
  | { type: 'dhcp.reply'; msg: DhcpMessage; kind: number }
  | { type: 'offer.accepted'; yiaddr: string; serverId: string; leaseSeconds?: number; mitel: MitelFound }
  | { type: 'lease.granted' };

export interface Offer {
  yiaddr: string;
  serverId: string;
  leaseSeconds?: number;
  mitel: MitelFound;
}

export interface Context {
  /** 'aa:bb:cc:dd:ee:ff': what replies' chaddr is compared with. */
  mac: string;
  vendorClass: string;
  broadcastFlag: boolean;
  startDelayMs: { min: number; max: number };
  maxRequestAttempts: number;
  declineWaitMs: number;
  rng: RandomState;
  xid: number;
  /**
   * The `secs` field (RFC 2131: seconds since the client began acquiring or renewing), counted without a
   * clock: the sum of the timers this machine has waited out since the transaction began (each
   * retransmission timeout, each renewal retry, T2 - T1 on entering REBINDING). A reply that arrives
   * before its timer fires is not counted, so `secs` can run behind the wall clock by up to one
   * timeout; servers only compare it with thresholds, and it never runs ahead.
   */
  elapsedMs: number;
  /** The current retransmission base: 4 s doubling to 64 s. */
  backoffMs: number;
  /** The base plus this round's -1..+1 s of jitter. */
  timeoutMs: number;
  attempts: number;
  offersSeen: number;
  initDelayMs: number;
  offer?: Offer;
  lease?: DhcpLease;
  /** RENEWING/REBINDING: time left until T2 (or lease end) and the next retransmission. */
  remainingMs: number;
  retryMs: number;
  renewal: boolean;
}
