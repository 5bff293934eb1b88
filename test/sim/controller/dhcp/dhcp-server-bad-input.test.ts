// The DHCP server is total: whatever arrives on port 67, receive() returns an outcome, never throws, and
// every request it does not answer is counted by a named reason.
import { describe, expect, it } from 'vitest';
import { buildDiscover } from '../../../../firmware/boot/dhcp-client-messages.ts';
import { decodeDhcpMessage, encodeDhcpMessage, HEADER_SIZE } from '../../../../firmware/boot/dhcp-message.ts';
import { DhcpOptionCode } from '../../../../firmware/boot/dhcp-options.ts';
import { DhcpServer, type DhcpReplyDestination } from '../../../../sim/controller/dhcp/dhcp-server.ts';

const mac = Uint8Array.of(0x00, 0x08, 0x5d, 1, 2, 3);
const discover = () => buildDiscover({ mac, vendorClass: 'ipphone.mitel.com' }, { xid: 7, secs: 0, broadcastFlag: true });

function harness() {
  const sent: DhcpReplyDestination[] = [];
  const dropped: string[] = [];
  const server = new DhcpServer(
    { serverId: '192.168.10.1' },
    { now: () => 0, send: (_bytes, to) => sent.push(to), onDrop: (reason) => dropped.push(reason) },
  );
  return { server, sent, dropped };
}

/** A DISCOVER with its fixed header patched at `offset`. */
function patched(offset: number, value: number): Uint8Array {
  const b = discover().slice();
  b[offset] = value;
  return b;
}

/** A DISCOVER whose option `code` is given `data` instead. */
function withOption(code: number, data: Uint8Array): Uint8Array {
  const d = decodeDhcpMessage(discover());
  if (!d.ok) throw new Error(d.reason);
  d.msg.options = [...d.msg.options.filter((o) => o.code !== code), { code, data }];
  return encodeDhcpMessage(d.msg);
}

describe('DHCP server: bad requests are dropped with a counted reason, never thrown', () => {
  it.each([
    ['hlen 7', () => patched(2, 7), 'bad-hlen'],
    ['hlen 0', () => patched(2, 0), 'bad-hlen'],
    ['hlen 16', () => patched(2, 16), 'bad-hlen'],
    ['hlen 17', () => patched(2, 17), 'malformed'],
    ['htype 6 (IEEE 802)', () => patched(1, 6), 'bad-htype'],
    ['htype 0', () => patched(1, 0), 'bad-htype'],
    ['a reply, not a request', () => patched(0, 2), 'not-a-request'],
    ['bad op', () => patched(0, 9), 'malformed'],
    ['short', () => discover().subarray(0, HEADER_SIZE - 1), 'malformed'],
    ['option runs past the end', () => Uint8Array.from([...discover().subarray(0, HEADER_SIZE), 53, 40, 1]), 'malformed'],
    ['message type of 2 bytes', () => withOption(DhcpOptionCode.MessageType, Uint8Array.of(1, 1)), 'no-message-type'],
    ['requested address of 3 bytes', () => withOption(DhcpOptionCode.RequestedIp, Uint8Array.of(192, 168, 10)), 'bad-option'],
    ['server id of 5 bytes', () => withOption(DhcpOptionCode.ServerId, Uint8Array.of(192, 168, 10, 1, 1)), 'bad-option'],
  ])('%s', (_name, frame, reason) => {
    const h = harness();
    let outcome;
    expect(() => (outcome = h.server.receive(frame()))).not.toThrow();
    expect(outcome).toMatchObject({ action: 'ignored' });
    expect(h.sent).toHaveLength(0);
    expect(h.server.counters.drops[reason as keyof typeof h.server.counters.drops]).toBe(1);
    expect(h.server.counters.dropped).toBe(1);
    expect(h.dropped).toEqual([reason]);
  });

  it('still offers to a good DISCOVER after every bad one', () => {
    const h = harness();
    for (const n of [0, 7, 16, 200]) h.server.receive(patched(2, n));
    const outcome = h.server.receive(discover());
    expect(outcome).toMatchObject({ action: 'offer', mac: '00:08:5d:01:02:03' });
    expect(h.sent).toHaveLength(1);
    expect(h.server.counters.received).toBe(5);
    expect(h.server.counters.offers).toBe(1);
  });

  it('a send that throws is caught, counted as handler-error, and the server keeps serving', () => {
    let fail = true;
    const dropped: string[] = [];
    const server = new DhcpServer(
      { serverId: '192.168.10.1' },
      {
        now: () => 0,
        send: () => {
          if (fail) throw new TypeError('boom');
        },
        onDrop: (reason) => dropped.push(reason),
      },
    );
    expect(() => server.receive(discover())).not.toThrow();
    expect(server.counters.drops['handler-error']).toBe(1);
    expect(dropped).toEqual(['handler-error']);
    fail = false;
    expect(server.receive(discover())).toMatchObject({ action: 'offer' });
  });

  it('random bytes never throw, and every datagram is counted once', () => {
    const h = harness();
    let seed = 1;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    for (let i = 0; i < 2000; i++) {
      const b = discover().slice();
      for (let k = 0; k < 4; k++) b[rnd() % b.length] = rnd();
      expect(() => h.server.receive(b)).not.toThrow();
    }
    const c = h.server.counters;
    expect(c.received).toBe(2000);
    expect(c.offers + c.acks + c.naks + c.declines + c.releases + c.dropped).toBe(2000);
  });
});
