// What the phone makes of an OFFER and an ACK: whether an offer is acceptable (an address, a server
// id, and a valid Mitel string - without one the phone rejects the offer and waits for another),
// and the lease an ACK grants, with RFC 2131's default T1 = 0.5 and T2 = 0.875 of the lease.
import { getDnsServers, getLeaseTime, getRebindingTime, getRenewalTime, getRouters, getServerId, getSubnetMask, isZeroIp } from './dhcp-message.ts';
import type { DhcpMessage } from './dhcp-message.ts';
import { extractMitelString, parseMitelOptionString } from './mitel-option.ts';
import type { MitelCarry, MitelConfig } from './mitel-option.ts';

/** The Mitel string found in a reply, parsed. */
export interface MitelFound {
  option: 125 | 43;
  carry: MitelCarry;
  text: string;
  config: MitelConfig;
  warnings: string[];
}

export interface DhcpLease {
  ip: string;
  mask?: string;
  /** The first router of option 3 (the default gateway). */
  router?: string;
  routers: string[];
  dns: string[];
  serverId: string;
  /** 0xffffffff means infinite (RFC 2132 9.2). */
  leaseSeconds: number;
  t1Seconds: number;
  t2Seconds: number;
  mitel: MitelFound;
}

export type OfferVerdict =
  | { ok: true; yiaddr: string; serverId: string; leaseSeconds?: number; mitel: MitelFound }
  /** `usingOption` is set when a Mitel string was found (the display still says which option). */
  | { ok: false; reason: string; usingOption?: 125 | 43 };

/** Finds and parses the Mitel string of a reply. */
export function mitelFrom(msg: DhcpMessage): { ok: true; mitel: MitelFound } | { ok: false; reason: string; usingOption?: 125 | 43 } {
  const found = extractMitelString(msg);
  if (!found.found) return { ok: false, reason: found.reason };
  const parsed = parseMitelOptionString(found.text);
  if (!parsed.ok) return { ok: false, reason: `option ${found.option}: ${parsed.error}`, usingOption: found.option };
  return {
    ok: true,
    mitel: { option: found.option, carry: found.carry, text: found.text, config: parsed.config, warnings: parsed.warnings },
  };
}

export function judgeOffer(offer: DhcpMessage): OfferVerdict {
  const mitel = mitelFrom(offer);
  if (!mitel.ok) return mitel;
  const usingOption = mitel.mitel.option;
  if (isZeroIp(offer.yiaddr)) return { ok: false, reason: 'offer without an address', usingOption };
  const serverId = getServerId(offer);
  if (!serverId) return { ok: false, reason: 'offer without a server identifier (54)', usingOption };
  return { ok: true, yiaddr: offer.yiaddr, serverId, leaseSeconds: getLeaseTime(offer), mitel: mitel.mitel };
}

export const INFINITE_LEASE = 0xffffffff;

/**
 * The lease an ACK grants. The ACK's own Mitel string wins when it parses; otherwise the offer's
 * (`fallback`) stands, since servers may leave vendor options out of ACKs to renewals.
 */
export function leaseFromAck(
  ack: DhcpMessage,
  fallback: { serverId?: string; leaseSeconds?: number; mitel?: MitelFound },
): { ok: true; lease: DhcpLease } | { ok: false; reason: string } {
  if (isZeroIp(ack.yiaddr)) return { ok: false, reason: 'ACK without an address' };
  const serverId = getServerId(ack) ?? fallback.serverId;
  if (!serverId) return { ok: false, reason: 'ACK without a server identifier' };
  const leaseSeconds = getLeaseTime(ack) ?? fallback.leaseSeconds;
  if (leaseSeconds === undefined) return { ok: false, reason: 'ACK without a lease time' };
  const own = mitelFrom(ack);
  const mitel = own.ok ? own.mitel : fallback.mitel;
  if (!mitel) return { ok: false, reason: `ACK without a Mitel string (${own.ok ? '' : own.reason})` };
  let t1 = getRenewalTime(ack);
  let t2 = getRebindingTime(ack);
  // Defaults, and a server's inconsistent times replaced by them (RFC 2131 4.4.5).
  if (t2 === undefined || t2 > leaseSeconds) t2 = Math.floor(leaseSeconds * 0.875);
  if (t1 === undefined || t1 > t2) t1 = Math.floor(Math.min(leaseSeconds * 0.5, t2));
  const routers = getRouters(ack) ?? [];
  return {
    ok: true,
    lease: {
      ip: ack.yiaddr,
      mask: getSubnetMask(ack),
      router: routers[0],
      routers,
      dns: getDnsServers(ack) ?? [],
      serverId,
      leaseSeconds,
      t1Seconds: t1,
      t2Seconds: t2,
      mitel,
    },
  };
}
