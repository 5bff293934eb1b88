// One-line summaries of signalling messages for the trace's `frame` records. The link stack traces
// every frame and asks higher layers to name their datagrams (DescribeUdp): describeSignalling is
// that hook for this protocol. Summaries are generic over the fields, so a new message type needs
// nothing here; byte fields (nonce, HMAC, layout blocks) show only their length. No message carries a
// PIN, and the HMAC derived from one is never printed.
import type { DescribeUdp } from '../link/datagram.ts';
import { FLAG_ACK_NEEDED, FLAG_REQUEST, FLAG_RESPONSE, FLAG_RETRANSMIT, decodeMessage } from './messages.ts';
import type { Message } from './messages.ts';
import { isSealed, parseSealed } from './secure/sealed.ts';

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
export const describeSignalling: DescribeUdp = (d) => describeSealedWith(undefined)(d);

/**
 * The same, reading inside sealed datagrams with the session keys a node itself holds (its own trace
 * may say what it sent and received; a capture without the key log shows only session, order and size).
 */
export function describeSealedWith(keys: { open(bytes: Uint8Array): Uint8Array | undefined } | undefined): DescribeUdp {
  return (d) => {
    if (!isSealed(d.payload)) return describeClear(d);
    const p = parseSealed(d.payload);
    if (!p.ok) return undefined;
    // the session id and sequence number stay out of the trace: digit runs there would look like PINs
    // to the PIN audit, and a capture has them for whoever needs them
    const sealed = `${d.srcIp}:${d.srcPort} > ${d.dstIp}:${d.dstPort} sealed`;
    const plain = keys?.open(d.payload);
    const inner = plain ? describeClear({ ...d, payload: plain }) : undefined;
    if (!inner) return { proto: 'sig', summary: `${sealed} <${p.body.length} bytes>` };
    return { proto: 'sig', summary: `${sealed}: ${inner.summary.slice(inner.summary.indexOf(' ', inner.summary.indexOf('>') + 2) + 1)}` };
  };
}

const describeClear: DescribeUdp = (d) => {
  const r = decodeMessage(d.payload);
  if (!r.ok) return undefined;
  return {
    proto: 'sig',
    summary: `${d.srcIp}:${d.srcPort} > ${d.dstIp}:${d.dstPort} ${describeFlags(r.envelope.flags)} #${r.envelope.txid} ${summarizeMessage(r.msg)}`,
  };
};
