// Names the phone's own protocols in the trace: which datagram is DHCP, TFTP or signalling, with a
// one-line summary. Summaries never include payload contents (a PIN never reaches the trace).
import { decodeDhcpMessage, DHCP_CLIENT_PORT, DHCP_SERVER_PORT, getMessageType } from './boot/dhcp-message.ts';
import { messageTypeName } from './boot/dhcp-options.ts';
import { decodeTftp, describeTftp } from './boot/tftp-packet.ts';
import type { DescribeUdp } from './link/stack.ts';
import { describeSealedWith, describeSignalling } from './signalling/summary.ts';

const TFTP_PORTS = new Set([69, 20001]);

export const describeProtocols: DescribeUdp = (d) => describeBoot(d) ?? describeSignalling(d);

/** The same, naming what sealed signalling datagrams carry, with the session keys the node holds. */
export function describeProtocolsWith(keys: { open(bytes: Uint8Array): Uint8Array | undefined }): DescribeUdp {
  const sig = describeSealedWith(keys);
  return (d) => describeBoot(d) ?? sig(d);
}

const describeBoot: DescribeUdp = (d) => {
  const route = `${d.srcIp}:${d.srcPort} > ${d.dstIp}:${d.dstPort}`;
  if ([d.srcPort, d.dstPort].some((p) => p === DHCP_SERVER_PORT || p === DHCP_CLIENT_PORT)) {
    const m = decodeDhcpMessage(d.payload);
    return { proto: 'dhcp', summary: `${route} ${m.ok ? messageTypeName(getMessageType(m.msg)) : 'malformed'}` };
  }
  if (TFTP_PORTS.has(d.srcPort) || TFTP_PORTS.has(d.dstPort) || (d.srcPort >= 49152 && d.dstPort >= 49152)) {
    const p = decodeTftp(d.payload);
    if (p.ok) return { proto: 'tftp', summary: `${route} ${describeTftp(p.packet)}` };
  }
  return undefined;
};
