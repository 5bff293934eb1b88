// Which 802.1Q tag the stack accepts frames on and sends them with. A host lives on one VLAN (its own
// tag, or none); a router serves every VLAN and answers each station on the tag it last spoke with.
import { BROADCAST_MAC } from './addr.ts';
import type { VlanTag } from './ethernet.ts';
import type { NeighborCache } from './neighbors.ts';

export class VlanPolicy {
  /** NetStack.vlan: the tag this station sends with (undefined = untagged). */
  own: VlanTag | undefined;

  constructor(
    private readonly router: boolean,
    /** Where router mode finds the tag each station last spoke with. */
    private readonly neighbors: NeighborCache,
  ) {}

  /** VID 0 is a priority tag, 802.1Q's way of saying "untagged". */
  accepts(vlan: VlanTag | undefined): boolean {
    if (!vlan || vlan.id === 0) return true;
    if (this.own) return vlan.id === this.own.id;
    return this.router;
  }

  /**
   * The VLAN a datagram keeps from sendUdp on (Outgoing.vlan). A host's datagram belongs to the VLAN
   * it was sent in, even if it waits for ARP past a VLAN change (the DHCP release of the untagged lease
   * must not leave tagged); a router's is decided when it leaves.
   */
  pin(requested: VlanTag | null | undefined): VlanTag | null | undefined {
    return requested !== undefined || this.router ? requested : (this.own ?? null);
  }

  /** The tag for a datagram: its own choice, else (router) the station's last tag, else the stack's. */
  forDatagram(pinned: VlanTag | null | undefined, dstMac: string): VlanTag | undefined {
    if (pinned !== undefined) return pinned ?? undefined;
    if (this.router && dstMac !== BROADCAST_MAC) return this.neighbors.vlanOf(dstMac) ?? this.own;
    return this.own;
  }

  /** A router answers on the VLAN the request came from; a host only ever speaks on its own. */
  forArpReply(rxVlan: VlanTag | undefined): VlanTag | undefined {
    return this.router ? (rxVlan ?? this.own) : this.own;
  }
}
