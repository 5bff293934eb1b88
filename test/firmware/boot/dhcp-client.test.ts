import { describe, expect, it } from 'vitest';
import { assign, createActor, createMachine, sendParent, sendTo } from 'xstate';
import { VirtualClock } from '../../../firmware/clock.ts';
import { dhcpClientMachine } from '../../../firmware/boot/dhcp-client.ts';
import type { DhcpClientEmitted, DhcpClientInput, DhcpDestination } from '../../../firmware/boot/dhcp-client.ts';
import {
  BOOTREPLY,
  decodeDhcpMessage,
  emptyDhcpMessage,
  encodeDhcpMessage,
  getMessageType,
  getParameterRequestList,
  getRequestedIp,
  getServerId,
  getVendorClassId,
} from '../../../firmware/boot/dhcp-message.ts';
import type { DhcpMessage } from '../../../firmware/boot/dhcp-message.ts';
import { DhcpMessageType, DhcpOptionCode, opt } from '../../../firmware/boot/dhcp-options.ts';
import { DhcpServer } from '../../../sim/controller/dhcp/dhcp-server.ts';
import type { DhcpServerConfig } from '../../../sim/controller/dhcp/dhcp-server.ts';

const MAC = Uint8Array.of(0x08, 0x00, 0x0f, 0xaa, 0xbb, 0xcc);
const MITEL = 'id:ipphone.mitel.com;sw_tftp=192.168.10.1;call_srv=192.168.10.1,192.168.10.2;dscp=46';

interface Sent {
  t: number;
  msg: DhcpMessage;
  type: number | undefined;
  to: DhcpDestination;
}

/** One phone, some servers, the VirtualClock between them: 1 ms to a server, `latency` ms back. */
function world(opts: { servers?: { config: DhcpServerConfig; latency?: number }[]; seed?: number; input?: Partial<DhcpClientInput> } = {}) {
  const clock = new VirtualClock();
  const statuses: { t: number; text: string }[] = [];
  const events: DhcpClientEmitted[] = [];
  const sent: Sent[] = [];
  const servers = (opts.servers ?? [{ config: { serverId: '192.168.10.1', mitel: { mitelString: MITEL, carry: '125' } } }]).map((s) => {
    const entry = { down: false, latency: s.latency ?? 1, engine: undefined as unknown as DhcpServer, id: s.config.serverId };
    entry.engine = new DhcpServer(s.config, {
      now: () => clock.now(),
      send: (reply) => clock.setTimeout(() => actor.send({ type: 'dhcp.rx', msg: reply }), entry.latency),
    });
    return entry;
  });
  // The client's one door out, bound here: datagrams to every server that is up and addressed.
  const wired = dhcpClientMachine.provide({
    actions: {
      transmit: (_, { bytes, to }) => {
        const decoded = decodeDhcpMessage(bytes);
        if (!decoded.ok) throw new Error(decoded.reason);
        sent.push({ t: clock.now(), msg: decoded.msg, type: getMessageType(decoded.msg), to });
        for (const s of servers) {
          if (s.down || (!to.broadcast && to.ip !== s.id)) continue;
          clock.setTimeout(() => s.engine.receive(bytes), 1);
        }
      },
    },
  });
  const actor = createActor(wired, {
    clock,
    input: { mac: MAC, seed: opts.seed ?? 7, startDelayMs: { min: 2000, max: 2000 }, ...opts.input },
  });
  // What it reports is emitted (the default `report`): every event, and the display lines among them.
  actor.on('*', (e) => {
    events.push(e);
    if (e.type === 'dhcp.status') statuses.push({ t: clock.now(), text: e.text });
  });
  actor.start();
  const state = () => actor.getSnapshot().value;
  const sentOf = (type: number) => sent.filter((s) => s.type === type);
  return { clock, actor, statuses, events, sent, sentOf, servers, state, texts: () => statuses.map((s) => s.text) };
}

const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]);

describe('DHCP client against the server engine', () => {
  it('completes DORA with the displays in order and reports the lease', () => {
    const w = world();
    w.clock.advanceSync(10_000);
    expect(w.texts()).toEqual(['DHCP: Discovery', 'Using option 125', 'DHCP: Offer 1 Acc', 'DHCP: Ack']);
    expect(w.state()).toBe('bound');
    const bound = w.events.find((e) => e.type === 'dhcp.bound');
    expect(bound && bound.type === 'dhcp.bound' && bound.lease).toMatchObject({
      ip: '192.168.10.100',
      mask: '255.255.255.0',
      router: '192.168.10.1',
      dns: ['192.168.10.1'],
      serverId: '192.168.10.1',
      leaseSeconds: 86400,
      t1Seconds: 43200,
      t2Seconds: 75600,
      mitel: { option: 125, carry: '125', config: { sw_tftp: { ip: '192.168.10.1' }, dscp: 46 } },
    });
    expect(w.servers[0].engine.leases()).toMatchObject([{ ip: '192.168.10.100', state: 'bound', mac: '08:00:0f:aa:bb:cc' }]);
  });

  it('waits the INIT delay, then sends what a Mitel phone sends', () => {
    const w = world();
    w.clock.advanceSync(1999);
    expect(w.sent).toHaveLength(0);
    w.clock.advanceSync(1);
    const discover = w.sent[0];
    expect(discover.t).toBe(2000);
    expect(discover.type).toBe(DhcpMessageType.Discover);
    expect(discover.to).toEqual({ broadcast: true });
    expect(getVendorClassId(discover.msg)).toBe('ipphone.mitel.com');
    expect(getParameterRequestList(discover.msg)).toEqual(expect.arrayContaining([1, 3, 6, 43, 125]));
    w.clock.advanceSync(100);
    const request = w.sentOf(DhcpMessageType.Request)[0];
    expect(request.msg.xid).toBe(discover.msg.xid);
    expect(getRequestedIp(request.msg)).toBe('192.168.10.100');
    expect(getServerId(request.msg)).toBe('192.168.10.1');
    expect(request.msg.ciaddr).toBe('0.0.0.0');
  });

  it('draws the INIT delay between 1 and 10 s by default, and may be told 0', () => {
    const firsts = [1, 2, 3, 4, 5, 6, 7, 8].map((seed) => {
      const w = world({ seed, input: { startDelayMs: undefined } });
      w.clock.advanceSync(10_000);
      return w.sent[0].t;
    });
    for (const t of firsts) expect(t).toBeGreaterThanOrEqual(1000), expect(t).toBeLessThanOrEqual(10_000);
    expect(new Set(firsts).size).toBeGreaterThan(1);
    const now = world({ input: { startDelayMs: { min: 0, max: 0 } } });
    now.clock.advanceSync(0);
    expect(now.sent[0]?.t).toBe(0);
  });

  it('rejects an offer without the Mitel string and accepts the next good one', () => {
    const w = world({
      servers: [
        { config: { serverId: '192.168.10.5', pool: { start: '192.168.10.50', end: '192.168.10.59', mask: '255.255.255.0' } }, latency: 1 },
        { config: { serverId: '192.168.10.1', mitel: { mitelString: MITEL, carry: '43' } }, latency: 5 },
      ],
    });
    w.clock.advanceSync(10_000);
    expect(w.texts()).toEqual(['DHCP: Discovery', 'DHCP: Offer 1 Rej', 'Using option 43', 'DHCP: Offer 2 Acc', 'DHCP: Ack']);
    expect(w.state()).toBe('bound');
    expect(w.events).toContainEqual({ type: 'dhcp.ignored', reason: expect.stringContaining('offer 1 rejected') });
    // The server whose offer lost frees the address it held (it saw the REQUEST name the other one).
    expect(w.servers[0].engine.leases()).toEqual([]);
  });

  it('rejects an offer whose Mitel string is invalid and keeps waiting', () => {
    const w = world({ servers: [{ config: { serverId: '192.168.10.1', mitel: { mitelString: 'id:ipphone.mitel.com;vlan=5000', carry: '125' } } }] });
    w.clock.advanceSync(2000 + 5000 + 100);
    expect(w.texts()).toEqual(['DHCP: Discovery', 'Using option 125', 'DHCP: Offer 1 Rej', 'Using option 125', 'DHCP: Offer 2 Rej']);
    expect(w.state()).toBe('selecting');
    expect(w.sentOf(DhcpMessageType.Request)).toHaveLength(0);
  });

  it('retransmits DISCOVER at 4, 8, 16, 32, 64, 64 s (each +-1 s) when no server answers', () => {
    const spreads: number[] = [];
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) {
      const w = world({ seed, servers: [] });
      w.clock.advanceSync(2000 + 4000 + 8000 + 16000 + 32000 + 64000 + 64000 + 7000); // + cumulative jitter
      const discovers = w.sentOf(DhcpMessageType.Discover);
      expect(discovers).toHaveLength(7);
      const g = gaps(discovers.map((d) => d.t));
      [4000, 8000, 16000, 32000, 64000, 64000].forEach((base, i) => {
        expect(g[i]).toBeGreaterThanOrEqual(base - 1000);
        expect(g[i]).toBeLessThanOrEqual(base + 1000);
        spreads.push(g[i] - base);
      });
      expect(new Set(discovers.map((d) => d.msg.xid)).size).toBe(1); // one transaction
      expect(discovers.at(-1)!.msg.secs).toBeGreaterThan(100); // secs counts since the first one
      expect(w.texts()).toEqual(['DHCP: Discovery']); // the display does not flicker on retries
    }
    expect(Math.min(...spreads)).toBeLessThan(-300); // randomised both ways, not a fixed offset
    expect(Math.max(...spreads)).toBeGreaterThan(300);
  });

  it('retransmits REQUEST with the same backoff, then starts over with a new transaction', () => {
    const w = world();
    w.servers[0].engine.receive = ((orig) => (bytes: Uint8Array) => {
      const d = decodeDhcpMessage(bytes);
      return d.ok && getMessageType(d.msg) === DhcpMessageType.Request ? { action: 'ignored' as const, reason: 'deaf' } : orig(bytes);
    })(w.servers[0].engine.receive.bind(w.servers[0].engine));
    w.clock.advanceSync(2000 + 4000 + 8000 + 16000 + 32000 + 64000 + 6000);
    const firstXid = w.sent[0].msg.xid;
    const requests = w.sentOf(DhcpMessageType.Request).filter((r) => r.msg.xid === firstXid);
    expect(requests).toHaveLength(5);
    gaps(requests.map((r) => r.t)).forEach((g, i) => expect(Math.abs(g - [4000, 8000, 16000, 32000][i])).toBeLessThanOrEqual(1000));
    // 64 s (+-1) after the fifth REQUEST: back to INIT, its 2 s wait, and a new DISCOVER
    const again = w.sentOf(DhcpMessageType.Discover).filter((d) => d.msg.xid !== firstXid);
    expect(again).toHaveLength(1);
    expect(Math.abs(again[0].t - requests[4].t - 66_000)).toBeLessThanOrEqual(1000);
    expect(w.texts().filter((t) => t === 'DHCP: Discovery')).toHaveLength(2);
  });

  it('renews at T1 (unicast) and stays bound when the server answers', () => {
    const w = world({ servers: [{ config: { serverId: '192.168.10.1', leaseSeconds: 100, mitel: { mitelString: MITEL, carry: '125' } } }] });
    w.clock.advanceSync(3000);
    const boundAt = w.statuses.find((s) => s.text === 'DHCP: Ack')!.t;
    w.clock.advanceSync(boundAt + 50_000 - w.clock.now() - 1);
    expect(w.sentOf(DhcpMessageType.Request)).toHaveLength(1);
    w.clock.advanceSync(10);
    const renew = w.sentOf(DhcpMessageType.Request)[1];
    expect(renew.t).toBe(boundAt + 50_000);
    expect(renew.to).toEqual({ broadcast: false, ip: '192.168.10.1' });
    expect(renew.msg.ciaddr).toBe('192.168.10.100');
    expect(getRequestedIp(renew.msg)).toBeUndefined(); // RFC 2131 table 5: no 50 or 54 when renewing
    expect(getServerId(renew.msg)).toBeUndefined();
    expect(w.state()).toBe('bound');
    expect(w.events.filter((e) => e.type === 'dhcp.renewed')).toHaveLength(1);
    expect(w.texts()).toEqual(['DHCP: Discovery', 'Using option 125', 'DHCP: Offer 1 Acc', 'DHCP: Ack']); // renewal is silent
    w.clock.advanceSync(50_000); // the next T1 counts from the renewal
    expect(w.events.filter((e) => e.type === 'dhcp.renewed')).toHaveLength(2);
  });

  it('rebinds at T2 (broadcast) when the server is silent, and loses the lease at its end', () => {
    const w = world({ servers: [{ config: { serverId: '192.168.10.1', leaseSeconds: 100, mitel: { mitelString: MITEL, carry: '125' } } }] });
    w.clock.advanceSync(3000);
    const boundAt = w.statuses.find((s) => s.text === 'DHCP: Ack')!.t;
    w.servers[0].down = true;
    w.clock.advanceSync(boundAt + 100_000 - w.clock.now() - 1);
    const after = w.sent.filter((s) => s.t > boundAt);
    expect(after.map((s) => [s.t - boundAt, s.to.broadcast])).toEqual([
      [50_000, false], // RENEWING at T1, unicast; 37 s to T2 is under a minute: no retry
      [87_000, true], // REBINDING at T2 (0.875 x 100 s, floored), broadcast
    ]);
    expect(w.actor.getSnapshot().matches('rebinding')).toBe(true);
    w.clock.advanceSync(1);
    expect(w.events).toContainEqual({ type: 'dhcp.expired', reason: 'lease ended without an ACK' });
    expect(w.state()).toBe('init');
    w.servers[0].down = false;
    w.clock.advanceSync(3000);
    expect(w.state()).toBe('bound');
  });

  it('renewing retransmits at half the time to T2, never more often than once a minute', () => {
    const w = world({ servers: [{ config: { serverId: '192.168.10.1', leaseSeconds: 3600, mitel: { mitelString: MITEL, carry: '125' } } }] });
    w.clock.advanceSync(3000);
    const boundAt = w.statuses.find((s) => s.text === 'DHCP: Ack')!.t;
    w.servers[0].down = true;
    w.clock.advanceSync(3200_000);
    const unicast = w.sent.filter((s) => s.t > boundAt && !s.to.broadcast).map((s) => (s.t - boundAt) / 1000);
    expect(unicast).toEqual([1800, 2475, 2812.5, 2981.25, 3065.625, 3125.625]);
    expect(w.sent.find((s) => s.t > boundAt && s.to.broadcast)!.t - boundAt).toBe(3150_000);
  });

  it('a server that comes back while rebinding renews the lease', () => {
    const w = world({ servers: [{ config: { serverId: '192.168.10.1', leaseSeconds: 100, mitel: { mitelString: MITEL, carry: '125' } } }] });
    w.clock.advanceSync(3000);
    w.servers[0].down = true;
    w.clock.advanceSync(80_000);
    w.servers[0].down = false;
    w.clock.advanceSync(10_000);
    expect(w.state()).toBe('bound');
    expect(w.events.filter((e) => e.type === 'dhcp.renewed')).toHaveLength(1);
  });

  it('RELEASE: shows "DHCP: Releasing", gives the address back and stops with the lease as output', () => {
    const w = world();
    w.clock.advanceSync(3000);
    w.actor.send({ type: 'release' });
    const release = w.sentOf(DhcpMessageType.Release)[0];
    expect(release.to).toEqual({ broadcast: false, ip: '192.168.10.1' });
    expect(release.msg.ciaddr).toBe('192.168.10.100');
    expect(getServerId(release.msg)).toBe('192.168.10.1');
    expect(w.texts().at(-1)).toBe('DHCP: Releasing');
    w.clock.advanceSync(10);
    expect(w.servers[0].engine.leases()[0].state).toBe('released');
    expect(w.actor.getSnapshot().status).toBe('done');
    expect(w.actor.getSnapshot().output).toMatchObject({ reason: 'released', lease: { ip: '192.168.10.100' } });
    w.clock.advanceSync(200_000);
    expect(w.sent.at(-1)!.type).toBe(DhcpMessageType.Release); // nothing after the release
  });

  it('DECLINE: gives a conflicting address back, waits 10 s and gets another', () => {
    const w = world();
    w.clock.advanceSync(3000);
    w.actor.send({ type: 'decline', reason: 'ARP reply from 00:11:22:33:44:55' });
    const decline = w.sentOf(DhcpMessageType.Decline)[0];
    expect(getRequestedIp(decline.msg)).toBe('192.168.10.100');
    expect(decline.msg.ciaddr).toBe('0.0.0.0');
    w.clock.advanceSync(9_999);
    expect(w.sentOf(DhcpMessageType.Discover)).toHaveLength(1);
    w.clock.advanceSync(10_000);
    expect(w.state()).toBe('bound');
    const second = w.events.filter((e) => e.type === 'dhcp.bound').at(-1);
    expect(second?.type === 'dhcp.bound' && second.lease.ip).toBe('192.168.10.101');
  });

  it('a NAK in REQUESTING shows "DHCP: Nak" and starts over', () => {
    const clock = new VirtualClock();
    const statuses: string[] = [];
    const reply = (req: DhcpMessage, type: 2 | 6) => {
      const m = emptyDhcpMessage(BOOTREPLY, req.xid, MAC);
      m.yiaddr = type === 2 ? '10.0.0.9' : '0.0.0.0';
      m.options = [opt.messageType(type), opt.ip(DhcpOptionCode.ServerId, '10.0.0.1'), opt.text(43, MITEL)];
      return encodeDhcpMessage(m);
    };
    const wired = dhcpClientMachine.provide({
      actions: {
        transmit: (_, { bytes }) => {
          const d = decodeDhcpMessage(bytes);
          if (!d.ok) return;
          const type = getMessageType(d.msg) === DhcpMessageType.Discover ? 2 : 6;
          clock.setTimeout(() => actor.send({ type: 'dhcp.rx', msg: reply(d.msg, type) }), 1);
        },
      },
    });
    const actor = createActor(wired, { clock, input: { mac: MAC, seed: 1, startDelayMs: { min: 1000, max: 1000 } } });
    actor.on('dhcp.status', (e) => statuses.push(e.text));
    actor.start();
    clock.advanceSync(1002);
    expect(statuses).toEqual(['DHCP: Discovery', 'Using option 43', 'DHCP: Offer 1 Acc', 'DHCP: Nak']);
    expect(actor.getSnapshot().value).toBe('init');
  });

  it('ignores replies to other transactions, other MACs, and garbage', () => {
    const w = world({ servers: [] });
    w.clock.advanceSync(2000);
    const xid = w.sent[0].msg.xid;
    const offer = (xidOf: number, mac: Uint8Array) => {
      const m = emptyDhcpMessage(BOOTREPLY, xidOf, mac);
      m.yiaddr = '10.0.0.9';
      m.options = [opt.messageType(DhcpMessageType.Offer), opt.ip(DhcpOptionCode.ServerId, '10.0.0.1'), opt.text(43, MITEL)];
      return encodeDhcpMessage(m);
    };
    w.actor.send({ type: 'dhcp.rx', msg: offer(xid + 1, MAC) });
    w.actor.send({ type: 'dhcp.rx', msg: offer(xid, Uint8Array.of(1, 2, 3, 4, 5, 6)) });
    w.actor.send({ type: 'dhcp.rx', msg: Uint8Array.of(1, 2, 3) });
    expect(w.state()).toBe('selecting');
    expect(w.events.filter((e) => e.type === 'dhcp.ignored').map((e) => e.type === 'dhcp.ignored' && e.reason)).toEqual([
      expect.stringContaining('is not ours'),
      'chaddr is not ours',
      expect.stringContaining('short message'),
    ]);
    w.actor.send({ type: 'dhcp.rx', msg: offer(xid, MAC) });
    expect(w.state()).toBe('requesting');
  });

  it('runs as a child actor: the parent hears the lease and the release through sendParent and onDone', () => {
    const clock = new VirtualClock();
    const server = new DhcpServer(
      { serverId: '192.168.10.1', mitel: { mitelString: `${MITEL};vlan=20;l2p=6`, carry: '125' } },
      { now: () => clock.now(), send: (reply) => clock.setTimeout(() => parent.send({ type: 'net.rx', msg: reply }), 1) },
    );
    const boot = createMachine({
      types: {} as { context: { vlan?: number; log: string[] }; events: { type: 'net.rx'; msg: Uint8Array } | DhcpClientEmitted },
      context: { log: [] },
      initial: 'dhcp',
      states: {
        dhcp: {
          invoke: {
            id: 'dhcp',
            // The parent binds both doors: datagrams to its server, reports to itself.
            src: dhcpClientMachine.provide({
              actions: {
                transmit: (_, { bytes }) => clock.setTimeout(() => server.receive(bytes), 1),
                report: sendParent((_, e) => e),
              },
            }),
            input: { mac: '08:00:0F:AA:BB:CC', seed: 3, startDelayMs: { min: 0, max: 0 } },
            onDone: { target: 'vlan' },
          },
          on: {
            'net.rx': { actions: sendTo('dhcp', ({ event }) => ({ type: 'dhcp.rx' as const, msg: event.msg })) },
            'dhcp.status': { actions: assign({ log: ({ context, event }) => [...context.log, event.text] }) },
            'dhcp.bound': {
              // A voice VLAN in the string: give this lease back, then DHCP again tagged.
              guard: ({ event }) => event.lease.mitel.config.vlan !== undefined,
              actions: [assign({ vlan: ({ event }) => event.lease.mitel.config.vlan }), sendTo('dhcp', { type: 'release' })],
            },
          },
        },
        vlan: { type: 'final' },
      },
    });
    const parent = createActor(boot, { clock }).start();
    clock.advanceSync(100);
    expect(parent.getSnapshot().value).toBe('vlan');
    expect(parent.getSnapshot().context.vlan).toBe(20);
    expect(parent.getSnapshot().context.log).toEqual(['DHCP: Discovery', 'Using option 125', 'DHCP: Offer 1 Acc', 'DHCP: Ack', 'DHCP: Releasing']);
  });
});
