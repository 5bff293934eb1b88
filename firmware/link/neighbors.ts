// The ARP cache: IPv4 address -> MAC; and, for router mode, MAC -> the VLAN tag the station last spoke
// with, so replies go back on the same VLAN. Both bounded, oldest entry out first, so a chatty or
// hostile wire cannot grow a phone's memory; entries never expire because a serial link has one
// neighbour.
import type { VlanTag } from './ethernet.ts';

export const NEIGHBOR_LIMIT = 64;

export class NeighborCache {
  private readonly entries = new Map<string, string>();
  /** Router mode: the tag each station last spoke with (undefined = untagged), by MAC. */
  private readonly vlans = new Map<string, VlanTag | undefined>();

  constructor(private readonly limit = NEIGHBOR_LIMIT) {}

  /** The MAC of `ip`, if known. */
  get(ip: string): string | undefined {
    return this.entries.get(ip);
  }

  set(ip: string, mac: string): void {
    remember(this.entries, ip, mac, this.limit);
  }

  /**
   * Remembers the tag a station spoke with, even before it has an address (a DHCP client sends from
   * 0.0.0.0), so an answer sent by MAC goes back on the same VLAN.
   */
  noteVlan(mac: string, vlan: VlanTag | undefined): void {
    remember(this.vlans, mac, vlan, this.limit);
  }

  vlanOf(mac: string): VlanTag | undefined {
    return this.vlans.get(mac);
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Sets `key`, moving it to the young end of the Map's insertion order, and evicts the oldest. */
function remember<K, V>(map: Map<K, V>, key: K, value: V, limit: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > limit) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
}
