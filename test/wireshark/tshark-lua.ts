// tshark with the generated dissector loaded, as a user runs it (`-X lua_script:wireshark/hotdesk.lua`),
// and the small pcap helpers the dissector tests share.
import { DISSECTOR_PATH } from '../../wireshark/generate.ts';
import { encodeEthernet, ETHERTYPE_IPV4 } from '../../firmware/link/ethernet.ts';
import { encodeIpv4, IPPROTO_UDP } from '../../firmware/link/ipv4.ts';
import { encodeUdp } from '../../firmware/link/udp.ts';
import { pcapHeader, pcapRecord } from '../../sim/pcap.ts';
import { runCommand } from '../peers/daemons.ts';

/** tshark -n with the dissector on `pcap`; its stdout. A failing tshark (or any Lua error on load) throws. */
export async function tsharkLua(pcap: string, ...args: string[]): Promise<string> {
  const r = await runCommand('tshark', ['-n', '-X', `lua_script:${DISSECTOR_PATH}`, '-r', pcap, ...args], 60_000);
  if (r.code !== 0) throw new Error(`tshark ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  // a script that does not load is only a line on stderr, and every packet would go undissected
  if (/\bLua: /.test(r.stderr)) throw new Error(`the dissector did not load: ${r.stderr}`);
  return r.stdout;
}

export const lines = (s: string): string[] => s.split('\n').filter((l) => l.trim() !== '');

export interface UdpSpec {
  payload: Uint8Array;
  srcPort?: number;
  dstPort?: number;
}

/** A classic pcap of one Ethernet/IPv4/UDP frame per datagram, phone 10.0.0.2 to controller 10.0.0.1. */
export function pcapOf(datagrams: readonly UdpSpec[]): Buffer {
  const records = datagrams.map((d, i) => {
    const udp = encodeUdp('10.0.0.2', '10.0.0.1', { srcPort: d.srcPort ?? 6800, dstPort: d.dstPort ?? 6800, payload: d.payload });
    const ip = encodeIpv4({ src: '10.0.0.2', dst: '10.0.0.1', protocol: IPPROTO_UDP, payload: udp });
    const frame = encodeEthernet({ dst: '02:00:00:00:00:01', src: '00:08:5d:00:00:02', etherType: ETHERTYPE_IPV4, payload: ip });
    return pcapRecord(i * 10, frame);
  });
  return Buffer.concat([pcapHeader(), ...records]);
}

export interface UdpRecord {
  /** 1-based, as tshark numbers frames. */
  frame: number;
  /** Where the UDP payload starts in the pcap file. */
  fileOffset: number;
  srcPort: number;
  dstPort: number;
  payload: Uint8Array;
}

/** Every IPv4/UDP payload of a classic pcap (LINKTYPE_ETHERNET, optional 802.1Q tag). */
export function udpRecords(pcap: Buffer): UdpRecord[] {
  const out: UdpRecord[] = [];
  let frameNo = 0;
  for (let at = 24; at + 16 <= pcap.length; ) {
    const len = pcap.readUInt32LE(at + 8);
    const start = at + 16;
    const frame = pcap.subarray(start, start + len);
    at = start + len;
    frameNo++;
    let eth = 14;
    if (frame.readUInt16BE(12) === 0x8100) eth += 4;
    if (frame.readUInt16BE(eth - 2) !== 0x0800 || frame[eth + 9] !== 17) continue;
    const udp = eth + (frame[eth] & 0x0f) * 4;
    out.push({
      frame: frameNo,
      fileOffset: start + udp + 8,
      srcPort: frame.readUInt16BE(udp),
      dstPort: frame.readUInt16BE(udp + 2),
      payload: new Uint8Array(frame.subarray(udp + 8, udp + frame.readUInt16BE(udp + 4))),
    });
  }
  return out;
}
