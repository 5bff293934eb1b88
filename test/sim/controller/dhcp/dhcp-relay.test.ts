import { describe, expect, it } from 'vitest';
import { buildDiscover } from '../../../../firmware/boot/dhcp-client-messages.ts';
import { decodeDhcpMessage, encodeDhcpMessage, getMessageType, getRelayAgentInfo } from '../../../../firmware/boot/dhcp-message.ts';
import type { DhcpMessage } from '../../../../firmware/boot/dhcp-message.ts';
import { DhcpMessageType, DhcpOptionCode } from '../../../../firmware/boot/dhcp-options.ts';
import { extractMitelString } from '../../../../firmware/boot/mitel-option.ts';
import { DhcpServer } from '../../../../sim/controller/dhcp/dhcp-server.ts';
import type { DhcpReplyDestination } from '../../../../sim/controller/dhcp/dhcp-server.ts';
import { relayReply, relayRequest } from '../../../../sim/controller/dhcp/relay.ts';

const MAC = Uint8Array.of(0x08, 0x00, 0x0f, 1, 2, 3);
const agent = { relayIp: '10.20.0.1', circuitId: 'ge-0/0/7', remoteId: 'edge-switch' };
const discover = (broadcastFlag = true) => buildDiscover({ mac: MAC, vendorClass: 'ipphone.mitel.com' }, { xid: 0x1234, secs: 0, broadcastFlag });

function decoded(bytes: Uint8Array): DhcpMessage {
  const d = decodeDhcpMessage(bytes);
  if (!d.ok) throw new Error(d.reason);
  return d.msg;
}

describe('DHCP relay building blocks', () => {
  it('relays a client broadcast: giaddr set, hops counted, option 82 added', () => {
    const r = relayRequest(discover(), agent);
    if (!r.ok) throw new Error(r.reason);
    const msg = decoded(r.msg);
    expect(msg.giaddr).toBe('10.20.0.1');
    expect(msg.hops).toBe(1);
    expect(getRelayAgentInfo(msg)?.map((s) => [s.code, Buffer.from(s.data).toString()])).toEqual([
      [1, 'ge-0/0/7'],
      [2, 'edge-switch'],
    ]);
    expect(msg.options.at(-1)?.code).toBe(DhcpOptionCode.RelayAgentInfo); // RFC 3046: the last option
  });

  it('keeps an earlier relay\'s giaddr and option 82, and drops loops', () => {
    const first = relayRequest(discover(), agent);
    if (!first.ok) throw new Error(first.reason);
    const second = relayRequest(first.msg, { relayIp: '10.99.0.1', circuitId: 'other' });
    if (!second.ok) throw new Error(second.reason);
    const msg = decoded(second.msg);
    expect(msg.giaddr).toBe('10.20.0.1');
    expect(msg.hops).toBe(2);
    expect(Buffer.from(getRelayAgentInfo(msg)![0].data).toString()).toBe('ge-0/0/7');
    const looped = encodeDhcpMessage({ ...decoded(discover()), hops: 16 });
    expect(relayRequest(looped, agent)).toEqual({ ok: false, reason: 'hops 16: too many relays' });
    expect(relayRequest(Uint8Array.of(1, 2, 3), agent).ok).toBe(false);
  });

  it('serves a relayed request from the scope that holds giaddr, and relays the reply back', () => {
    const toRelay: { bytes: Uint8Array; to: DhcpReplyDestination }[] = [];
    const server = new DhcpServer(
      {
        serverId: '192.168.10.1',
        mitel: { mitelString: 'id:ipphone.mitel.com;vlan=20', carry: '125' },
        voice: { vlan: 20, pool: { start: '10.20.0.100', end: '10.20.0.110', mask: '255.255.255.0', mitel: { mitelString: 'id:ipphone.mitel.com;sw_tftp=10.20.0.5', carry: '43' } } },
      },
      { now: () => 0, send: (bytes, to) => toRelay.push({ bytes, to }) },
    );
    for (const broadcastFlag of [true, false]) {
      const up = relayRequest(discover(broadcastFlag), agent);
      if (!up.ok) throw new Error(up.reason);
      expect(server.receive(up.msg)).toMatchObject({ action: 'offer', scope: 'voice', ip: '10.20.0.100' });
      const { bytes, to } = toRelay.at(-1)!;
      expect(to).toEqual({ kind: 'relay', ip: '10.20.0.1', port: 67 });
      expect(getRelayAgentInfo(decoded(bytes))).toBeDefined(); // echoed by the server (RFC 3046 2.2)
      const down = relayReply(bytes, agent);
      if (!down.ok) throw new Error(down.reason);
      const offer = decoded(down.msg);
      expect(getMessageType(offer)).toBe(DhcpMessageType.Offer);
      expect(getRelayAgentInfo(offer)).toBeUndefined(); // stripped before the client sees it
      expect(extractMitelString(offer)).toMatchObject({ option: 43, text: 'id:ipphone.mitel.com;sw_tftp=10.20.0.5' });
      expect(down.to).toEqual(broadcastFlag ? { broadcast: true, mac: '08:00:0f:01:02:03' } : { broadcast: false, ip: '10.20.0.100', mac: '08:00:0f:01:02:03' });
    }
  });

  it('refuses replies for another relay and requests going the wrong way', () => {
    const up = relayRequest(discover(), agent);
    if (!up.ok) throw new Error(up.reason);
    expect(relayReply(up.msg, agent)).toEqual({ ok: false, reason: 'not a reply' });
    const reply = encodeDhcpMessage({ ...decoded(up.msg), op: 2, giaddr: '10.30.0.1' });
    expect(relayReply(reply, agent)).toEqual({ ok: false, reason: 'giaddr 10.30.0.1 is not this relay' });
  });
});
