// A DHCP relay agent's two halves (RFC 1542 section 4, RFC 2131 4.1, RFC 3046), without sockets:
// a client's broadcast becomes a message for the server (giaddr set, hops counted, option 82
// added), and the server's reply becomes what the relay puts back on the client's link (option 82
// stripped, broadcast or unicast as the flags and message type say). The lead wires the sockets.
import {
  BOOTREPLY,
  BOOTREQUEST,
  FLAG_BROADCAST,
  clientMac,
  decodeDhcpMessage,
  encodeDhcpMessage,
  getMessageType,
  isZeroIp,
  withOption,
} from '../../../firmware/boot/dhcp-message.ts';
import { DhcpMessageType, DhcpOptionCode, findOption, opt } from '../../../firmware/boot/dhcp-options.ts';
import type { DhcpOption } from '../../../firmware/boot/dhcp-options.ts';

export interface RelayAgentConfig {
  /** The relay's address on the client's link: goes in giaddr, and picks the server's scope. */
  relayIp: string;
  /** Option 82 sub-option 1 (the port the request came in on), and 2 (the relay's identity). */
  circuitId?: string;
  remoteId?: string;
  /** RFC 1542 4.1.1: drop requests that have crossed this many relays. */
  maxHops?: number;
}

export type RelayResult<T> = ({ ok: true; msg: Uint8Array } & T) | { ok: false; reason: string };

/** Client -> server: the relayed request, to be unicast to the server's port 67. */
export function relayRequest(datagram: Uint8Array, agent: RelayAgentConfig): RelayResult<object> {
  const decoded = decodeDhcpMessage(datagram);
  if (!decoded.ok) return decoded;
  let msg = decoded.msg;
  if (msg.op !== BOOTREQUEST) return { ok: false, reason: 'not a request' };
  if (msg.hops >= (agent.maxHops ?? 16)) return { ok: false, reason: `hops ${msg.hops}: too many relays` };
  msg = { ...msg, hops: msg.hops + 1 };
  // A giaddr set by an earlier relay stays: the server answers that relay (RFC 1542 4.1.1).
  if (isZeroIp(msg.giaddr)) msg.giaddr = agent.relayIp;
  const subs: DhcpOption[] = [];
  if (agent.circuitId) subs.push(opt.text(1, agent.circuitId));
  if (agent.remoteId) subs.push(opt.text(2, agent.remoteId));
  // RFC 3046 2.1: add option 82 only when the client's message does not already have one.
  if (subs.length > 0 && !findOption(msg.options, DhcpOptionCode.RelayAgentInfo)) {
    msg = withOption(msg, DhcpOptionCode.RelayAgentInfo, opt.subOptions(DhcpOptionCode.RelayAgentInfo, subs));
  }
  return { ok: true, msg: encodeDhcpMessage(msg) };
}

/** Where the relay puts a reply on the client's link (port 68). */
export type RelayDelivery = { broadcast: true; mac: string } | { broadcast: false; ip: string; mac: string };

/** Server -> client: the reply with option 82 removed, and where it goes. */
export function relayReply(datagram: Uint8Array, agent: RelayAgentConfig): RelayResult<{ to: RelayDelivery }> {
  const decoded = decodeDhcpMessage(datagram);
  if (!decoded.ok) return decoded;
  const reply = decoded.msg;
  if (reply.op !== BOOTREPLY) return { ok: false, reason: 'not a reply' };
  if (reply.giaddr !== agent.relayIp) return { ok: false, reason: `giaddr ${reply.giaddr} is not this relay` };
  const msg = withOption(reply, DhcpOptionCode.RelayAgentInfo);
  const mac = clientMac(msg);
  const broadcast = (msg.flags & FLAG_BROADCAST) !== 0 || getMessageType(msg) === DhcpMessageType.Nak || isZeroIp(msg.yiaddr);
  const to: RelayDelivery = broadcast ? { broadcast: true, mac } : { broadcast: false, ip: isZeroIp(msg.ciaddr) ? msg.yiaddr : msg.ciaddr, mac };
  return { ok: true, msg: encodeDhcpMessage(msg), to };
}
