// The messages a Mitel phone's DHCP client sends, field by field as RFC 2131 table 5 asks: what
// goes in ciaddr, which of options 50/54/55/60/61 each message carries, and what it must not.
import { BOOTREQUEST, FLAG_BROADCAST, emptyDhcpMessage, encodeDhcpMessage } from './dhcp-message.ts';
import type { DhcpMessage } from './dhcp-message.ts';
import { DhcpMessageType, DhcpOptionCode, opt } from './dhcp-options.ts';
import type { DhcpMessageTypeValue, DhcpOption } from './dhcp-options.ts';

/**
 * What the phone asks for in option 55: mask, router, DNS, domain name, broadcast address, NTP,
 * vendor-specific (43), lease/T1/T2, and V-I vendor-specific (125).
 */
export const PHONE_PARAMETER_REQUEST_LIST = [1, 3, 6, 15, 28, 42, 43, 51, 58, 59, 125] as const;

export interface ClientIdentity {
  mac: Uint8Array;
  /** Option 60; Mitel sets send "ipphone.mitel.com". */
  vendorClass: string;
}

interface Common {
  xid: number;
  /** Seconds since the client began acquiring or renewing (RFC 2131 `secs`). */
  secs: number;
}

function base(id: ClientIdentity, c: Common, type: DhcpMessageTypeValue, extra: DhcpOption[]): DhcpMessage {
  const msg = emptyDhcpMessage(BOOTREQUEST, c.xid, id.mac);
  msg.secs = Math.max(0, Math.min(0xffff, Math.floor(c.secs)));
  msg.options = [
    opt.messageType(type),
    ...extra,
    // Option 61: hardware type 1 (Ethernet) and the MAC, so servers key leases the same way we do.
    opt.bytes(DhcpOptionCode.ClientId, Uint8Array.from([1, ...id.mac])),
  ];
  return msg;
}

function asking(id: ClientIdentity): DhcpOption[] {
  return [opt.parameterRequestList(PHONE_PARAMETER_REQUEST_LIST), opt.text(DhcpOptionCode.VendorClassId, id.vendorClass)];
}

/** DISCOVER: broadcast, optionally suggesting the address held last (option 50). */
export function buildDiscover(id: ClientIdentity, c: Common & { broadcastFlag: boolean; requestedIp?: string }): Uint8Array {
  const extra = c.requestedIp ? [opt.ip(DhcpOptionCode.RequestedIp, c.requestedIp)] : [];
  const msg = base(id, c, DhcpMessageType.Discover, [...extra, ...asking(id)]);
  if (c.broadcastFlag) msg.flags = FLAG_BROADCAST;
  return encodeDhcpMessage(msg);
}

/** REQUEST in SELECTING: ciaddr 0, the offered address in 50, the chosen server in 54. */
export function buildSelectingRequest(
  id: ClientIdentity,
  c: Common & { broadcastFlag: boolean; requestedIp: string; serverId: string },
): Uint8Array {
  const msg = base(id, c, DhcpMessageType.Request, [
    opt.ip(DhcpOptionCode.RequestedIp, c.requestedIp),
    opt.ip(DhcpOptionCode.ServerId, c.serverId),
    ...asking(id),
  ]);
  if (c.broadcastFlag) msg.flags = FLAG_BROADCAST;
  return encodeDhcpMessage(msg);
}

/** REQUEST in RENEWING (unicast) or REBINDING (broadcast): ciaddr set, no 50 and no 54. */
export function buildRenewRequest(id: ClientIdentity, c: Common & { ciaddr: string }): Uint8Array {
  const msg = base(id, c, DhcpMessageType.Request, asking(id));
  msg.ciaddr = c.ciaddr;
  return encodeDhcpMessage(msg);
}

/** DECLINE: the address is in use (ARP answered); 50 and 54 name the lease, no 55 and no 60. */
export function buildDecline(id: ClientIdentity, c: Common & { requestedIp: string; serverId: string; message?: string }): Uint8Array {
  const extra = [opt.ip(DhcpOptionCode.RequestedIp, c.requestedIp), opt.ip(DhcpOptionCode.ServerId, c.serverId)];
  if (c.message) extra.push(opt.text(DhcpOptionCode.Message, c.message));
  return encodeDhcpMessage({ ...base(id, c, DhcpMessageType.Decline, extra), secs: 0 });
}

/** RELEASE: unicast to the server, ciaddr = the address given back, 54 names the server. */
export function buildRelease(id: ClientIdentity, c: Common & { ciaddr: string; serverId: string }): Uint8Array {
  const msg = base(id, c, DhcpMessageType.Release, [opt.ip(DhcpOptionCode.ServerId, c.serverId)]);
  msg.ciaddr = c.ciaddr;
  msg.secs = 0;
  return encodeDhcpMessage(msg);
}
