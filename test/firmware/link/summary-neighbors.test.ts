import { describe, expect, it } from 'vitest';
import { ARP_REPLY, encodeArp } from '../../../firmware/link/arp.ts';
import { ETHERTYPE_ARP } from '../../../firmware/link/ethernet.ts';
import { NEIGHBOR_LIMIT, NeighborCache } from '../../../firmware/link/neighbors.ts';
import { summarizeFrame } from '../../../firmware/link/summary.ts';
import { ethFrame, fixIpChecksum, PHONE_MAC, ROUTER_MAC, udpPacket } from './frames.ts';

describe('summarizeFrame', () => {
  it('summarizes ARP, UDP (named through the hook), tagged, other and broken frames', () => {
    const arp = encodeArp({ op: ARP_REPLY, senderMac: ROUTER_MAC, senderIp: '10.0.0.1', targetMac: PHONE_MAC, targetIp: '10.0.0.2' });
    expect(summarizeFrame(ethFrame(arp, {}, ETHERTYPE_ARP))).toEqual({ proto: 'arp', summary: `10.0.0.1 is-at ${ROUTER_MAC}` });
    const dhcp = udpPacket({ srcIp: '10.0.0.2', srcPort: 68, dstIp: '255.255.255.255', dstPort: 67, payload: new Uint8Array(300) });
    expect(summarizeFrame(ethFrame(dhcp))).toEqual({ proto: 'udp', summary: '10.0.0.2:68 > 255.255.255.255:67 len 300' });
    expect(summarizeFrame(ethFrame(dhcp, { vlan: { id: 7, pcp: 3 } }))).toEqual({ proto: 'udp', summary: '10.0.0.2:68 > 255.255.255.255:67 len 300 (vlan 7 pcp 3)' });
    expect(summarizeFrame(ethFrame(dhcp), (d) => (d.dstPort === 67 ? { proto: 'dhcp', summary: 'DISCOVER' } : undefined))).toEqual({ proto: 'dhcp', summary: 'DISCOVER' });
    const tcp = Buffer.from(dhcp);
    tcp[9] = 6;
    expect(summarizeFrame(ethFrame(fixIpChecksum(Buffer.from(tcp))))).toEqual({ proto: 'ipv4', summary: '10.0.0.2 > 255.255.255.255 proto 6 len 308' });
    expect(summarizeFrame(ethFrame(tcp))).toEqual({ proto: 'ipv4', summary: 'ip-checksum' });
    expect(summarizeFrame(ethFrame(new Uint8Array(4), {}, 0x86dd)).summary).toBe(`${ROUTER_MAC} > ${PHONE_MAC} type 0x86dd len 4`);
    expect(summarizeFrame(new Uint8Array(3))).toEqual({ proto: 'eth', summary: 'short-frame (3 bytes)' });
  });
});

describe('NeighborCache', () => {
  it('keeps at most NEIGHBOR_LIMIT addresses, evicting the least recently learned', () => {
    const cache = new NeighborCache();
    for (let i = 0; i < NEIGHBOR_LIMIT + 10; i++) cache.set(`10.0.${i >> 8}.${i & 0xff}`, PHONE_MAC);
    expect(cache.size).toBe(NEIGHBOR_LIMIT);
    expect(cache.get('10.0.0.0')).toBeUndefined();
    expect(cache.get(`10.0.0.${NEIGHBOR_LIMIT + 9}`)).toBe(PHONE_MAC);
    cache.set('10.0.0.10', ROUTER_MAC); // refreshed: survives the next eviction
    cache.set('10.9.9.9', PHONE_MAC);
    expect(cache.get('10.0.0.10')).toBe(ROUTER_MAC);
    expect(cache.get('10.0.0.11')).toBeUndefined();
  });

  it('remembers the last tag each station used, untagged included', () => {
    const cache = new NeighborCache();
    cache.noteVlan(PHONE_MAC, { id: 5, pcp: 1 });
    expect(cache.vlanOf(PHONE_MAC)).toEqual({ id: 5, pcp: 1 });
    cache.noteVlan(PHONE_MAC, undefined);
    expect(cache.vlanOf(PHONE_MAC)).toBeUndefined();
  });
});
