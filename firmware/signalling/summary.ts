// One-line summaries of signalling messages for the trace's `frame` records. The link stack traces
// every frame and asks higher layers to name their datagrams (DescribeUdp): describeSignalling is
// that hook for this protocol. Summaries are generic over the fields, so a new message type needs
// nothing here; byte fields (nonce, HMAC, layout blocks) show only their length. No message carries a
// PIN, and the HMAC derived from one is never printed.
import type { DescribeUdp } from '../link/datagram.ts';
import { FLAG_ACK_NEEDED, FLAG_REQUEST, FLAG_RESPONSE, FLAG_RETRANSMIT, decodeMessage } from './messages.ts';
import type { Message } from './messages.ts';

function render(v: unknown): string {
  if (v instanceof Uint8Array) return `<${v.length} bytes>`;
  if (typeof v === 'string') return v === '' || /[\s"=\[\],]/.test(v) ? JSON.stringify(v) : v;
  if (Array.isArray(v)) return `[${v.map(render).join(',')}]`;
  return String(v);
}

export function summarizeMessage(msg: Message): string {
  const parts: string[] = [msg.type];
  for (const [key, value] of Object.entries(msg)) {
    if (key !== 'type') parts.push(`${key}=${render(value)}`);
  }
  return parts.join(' ');
}

/** "req", "req+ack", "req+ack retx", "rsp", "ntf": the transaction role, as in a capture. */
export function describeFlags(flags: number): string {
  if (flags & FLAG_RESPONSE) return 'rsp';
  if (!(flags & FLAG_REQUEST)) return 'ntf';
  return `req${flags & FLAG_ACK_NEEDED ? '+ack' : ''}${flags & FLAG_RETRANSMIT ? ' retx' : ''}`;
}

/**
 * Names a UDP datagram that carries a signalling message, on any port (call_srv can move it);
 * undefined for anything else, so the stack falls back to its plain 'udp' summary.
 */
export const describeSignalling: DescribeUdp = (d) => {
  const r = decodeMessage(d.payload);
  if (!r.ok) return undefined;
  return {
    proto: 'sig',
    summary: `${d.srcIp}:${d.srcPort} > ${d.dstIp}:${d.dstPort} ${describeFlags(r.envelope.flags)} #${r.envelope.txid} ${summarizeMessage(r.msg)}`,
  };
};
