import { describe, expect, it } from 'vitest';
import { FLAG_ACK_NEEDED, FLAG_REQUEST, FLAG_RESPONSE, FLAG_RETRANSMIT, encodeMessage } from '../../../firmware/signalling/messages.ts';
import { describeFlags, describeSignalling, summarizeMessage } from '../../../firmware/signalling/summary.ts';

const datagram = (payload: Uint8Array) => ({ srcIp: '10.0.0.50', srcPort: 6800, dstIp: '10.0.0.1', dstPort: 6800, payload, srcMac: '00:08:5d:12:34:56' });

describe('signalling summaries for the trace', () => {
  it('names every field, quoting strings that need it, and shows byte fields only by length', () => {
    expect(summarizeMessage({ type: 'login', ext: '5123', hmac: new Uint8Array(32).fill(0x31) })).toBe('login ext=5123 hmac=<32 bytes>');
    expect(summarizeMessage({ type: 'health-ack', controllerId: 'icp 1', inService: true })).toBe('health-ack controllerId="icp 1" inService=true');
    expect(summarizeMessage({ type: 'blf-subscribe', dns: ['5123', ''] })).toBe('blf-subscribe dns=[5123,""]');
  });

  it('shows the transaction role of each flag combination', () => {
    expect(describeFlags(0)).toBe('ntf');
    expect(describeFlags(FLAG_REQUEST)).toBe('req');
    expect(describeFlags(FLAG_REQUEST | FLAG_ACK_NEEDED | FLAG_RETRANSMIT)).toBe('req+ack retx');
    expect(describeFlags(FLAG_RESPONSE)).toBe('rsp');
  });

  it('names signalling datagrams for the link stack and leaves anything else to it', () => {
    const bytes = encodeMessage({ type: 'heartbeat', hotdeskExt: '' }, { txid: 42, flags: FLAG_REQUEST });
    expect(describeSignalling(datagram(bytes))).toEqual({ proto: 'sig', summary: '10.0.0.50:6800 > 10.0.0.1:6800 req #42 heartbeat hotdeskExt=""' });
    expect(describeSignalling(datagram(Uint8Array.of(1, 2, 3)))).toBeUndefined();
  });
});
