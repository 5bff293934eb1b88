// Which received ARP packets the stack answers and whose senders it learns, and the packets it sends.
// Pure decisions: the stack does the learning and the sending, in that order (learning first flushes
// the datagrams that waited for the sender, before the reply goes out).
import { ANY_IP, ZERO_MAC } from './addr.ts';
import { ARP_REPLY, ARP_REQUEST, type ArpPacket } from './arp.ts';

/** The receiving station, as the ARP rules see it. */
export interface ArpStation {
  mac: string;
  /** ANY_IP until DHCP assigns one. */
  ip: string;
  /** Router mode: proxy ARP for every address but the asker's own, learning from everyone. */
  router: boolean;
  /** An ARP request of ours for `ip` is still waiting for its reply. */
  isPending(ip: string): boolean;
}

export interface ArpReaction {
  /** Cache the sender's IP -> MAC. */
  learn: boolean;
  /** Answer the packet (it is a request) with sendArpReply. */
  reply: boolean;
}

const IGNORE: ArpReaction = { learn: false, reply: false };

export function arpReaction(p: ArpPacket, me: ArpStation): ArpReaction {
  if (me.router) {
    if (p.senderIp === ANY_IP) return IGNORE; // a probe (RFC 5227): not ours to answer, nothing to learn
    return { learn: true, reply: p.op === ARP_REQUEST && p.targetIp !== p.senderIp };
  }
  if (p.op === ARP_REPLY) {
    // only replies we asked for (or addressed to us): a host does not let any station rewrite its cache
    return { learn: p.senderIp !== ANY_IP && (p.targetMac === me.mac || me.isPending(p.senderIp)), reply: false };
  }
  if (me.ip !== ANY_IP && p.targetIp === me.ip) return { learn: p.senderIp !== ANY_IP, reply: true };
  return IGNORE;
}

/** Who has `targetIp`? Sent from `ip`, which is ANY_IP before DHCP. */
export function arpRequest(mac: string, ip: string, targetIp: string): ArpPacket {
  return { op: ARP_REQUEST, senderMac: mac, senderIp: ip, targetMac: ZERO_MAC, targetIp };
}

/** `req.targetIp` is at `mac`: ours, or (router) any address the asker wants. */
export function arpReplyTo(req: ArpPacket, mac: string): ArpPacket {
  return {
    op: ARP_REPLY,
    senderMac: mac,
    senderIp: req.targetIp,
    targetMac: req.senderMac,
    targetIp: req.senderIp,
  };
}
