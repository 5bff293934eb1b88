// The TFTP server is total: whatever reaches its ports, receive() never throws, and every datagram it
// does not act on is counted by a named reason.
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../../firmware/clock.ts';
import { SeededRandom } from '../../../../firmware/random.ts';
import { decodeTftp, encodeTftp, type TftpPacket } from '../../../../firmware/boot/tftp-packet.ts';
import { TftpServer, type TftpPeer } from '../../../../sim/controller/tftp/tftp-server.ts';

const PHONE: TftpPeer = { ip: '10.0.1.2', port: 50123 };
const FILE = Uint8Array.from({ length: 5000 }, (_, i) => i & 0xff);
const bytes = (...parts: (string | number[])[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'latin1')] : p)));

function setup() {
  const clock = new VirtualClock();
  const sent: { from: number; to: TftpPeer; p: TftpPacket }[] = [];
  const dropped: string[] = [];
  const looked: string[] = [];
  const server = new TftpServer({
    clock,
    random: new SeededRandom(9),
    ports: [69],
    timeoutMs: 1000,
    lookup: (name) => {
      looked.push(name);
      return name === 'fw.bin' ? FILE : undefined;
    },
    send: (from, to, b) => {
      const d = decodeTftp(b);
      if (!d.ok) throw new Error(d.reason);
      sent.push({ from, to, p: d.packet });
    },
    onDrop: (reason) => dropped.push(reason),
  });
  return { clock, server, sent, dropped, looked };
}

describe('TFTP server: bad datagrams are dropped with a counted reason, never thrown', () => {
  it.each([
    ['no opcode', bytes([0]), 'malformed'],
    ['bad opcode 9', bytes([0, 9], 'fw.bin', [0], 'octet', [0]), 'malformed'],
    ['RRQ without NUL terminators', bytes([0, 1], 'fw.bin'), 'malformed'],
    ['RRQ with the mode not terminated', bytes([0, 1], 'fw.bin', [0], 'octet'), 'malformed'],
    ['RRQ with an option without a value', bytes([0, 1], 'fw.bin', [0], 'octet', [0], 'blksize', [0]), 'malformed'],
    ['ACK on the listening port', bytes([0, 4, 0, 1]), 'no-transfer'],
    ['DATA on the listening port', bytes([0, 3, 0, 1], 'x'), 'no-transfer'],
  ])('%s', (_name, datagram, reason) => {
    const h = setup();
    expect(() => h.server.receive(PHONE, 69, datagram)).not.toThrow();
    expect(h.sent).toHaveLength(0);
    expect(h.server.stats.drops[reason as keyof typeof h.server.stats.drops]).toBe(1);
    expect(h.server.stats.dropped).toBe(1);
    expect(h.dropped).toEqual([reason]);
  });

  it.each([
    ['netascii', 'fw.bin', 'netascii', 'bad-mode', 4],
    ['mail', 'fw.bin', 'mail', 'bad-mode', 4],
    ['a made-up mode', 'fw.bin', 'zzz', 'bad-mode', 4],
    ['.. in the name', '../../etc/passwd', 'octet', 'bad-name', 2],
    ['.. in the middle', 'fw/../../secret', 'octet', 'bad-name', 2],
    ['an absolute name', '/etc/passwd', 'octet', 'bad-name', 2],
    ['a backslash', '..\\boot.ini', 'octet', 'bad-name', 2],
    ['a control character', 'fw\u0001.bin', 'octet', 'bad-name', 2],
    ['a 600-byte name', 'a'.repeat(600), 'octet', 'bad-name', 2],
    ['an unknown file', 'nothing.bin', 'octet', 'not-found', 1],
  ])('RRQ with %s is refused with an ERROR and a counted reason', (_name, file, mode, reason, code) => {
    const h = setup();
    h.server.receive(PHONE, 69, bytes([0, 1], file, [0], mode, [0]));
    expect(h.sent.map((s) => s.p)).toMatchObject([{ op: 'ERROR', code }]);
    expect(h.server.stats.drops[reason as keyof typeof h.server.stats.drops]).toBe(1);
    if (reason === 'bad-name') expect(h.looked).toEqual([]);
  });

  it('absurd option values are dropped (counted) and the file is served without them', () => {
    const h = setup();
    h.server.receive(PHONE, 69, bytes([0, 1], 'fw.bin', [0], 'octet', [0], 'blksize', [0], '99999999999', [0], 'windowsize', [0], '0', [0]));
    expect(h.sent.map((s) => s.p.op)).toEqual(['DATA']);
    expect(h.server.stats.drops['bad-option']).toBe(2);
  });

  it('ACKs for blocks never sent, and stray packets on a transfer, are counted; the transfer goes on', () => {
    const h = setup();
    h.server.receive(PHONE, 69, bytes([0, 1], 'fw.bin', [0], 'octet', [0]));
    const tid = h.sent[0].from;
    expect(h.sent[0].p).toMatchObject({ op: 'DATA', block: 1 });
    for (const block of [2, 9, 0xffff, 0x8000]) h.server.receive(PHONE, tid, encodeTftp({ op: 'ACK', block }));
    expect(h.server.stats.drops['ack-out-of-window']).toBe(4);
    h.server.receive(PHONE, tid, encodeTftp({ op: 'DATA', block: 1, data: new Uint8Array(3) }));
    h.server.receive(PHONE, tid, bytes([0, 4, 0]));
    expect(h.server.stats.drops['unexpected-op']).toBe(1);
    expect(h.server.stats.drops.malformed).toBe(1);
    h.server.receive({ ip: '10.0.1.3', port: 1000 }, tid, encodeTftp({ op: 'ACK', block: 1 }));
    expect(h.server.stats.drops['unknown-tid']).toBe(1);
    expect(h.sent.length).toBe(2); // DATA 1, ERROR 5 to the stranger
    h.server.receive(PHONE, tid, encodeTftp({ op: 'ACK', block: 1 }));
    expect(h.sent.at(-1)!.p).toMatchObject({ op: 'DATA', block: 2 });
  });

  it('a lookup that throws is caught, counted as handler-error, and the server keeps serving', () => {
    let fail = true;
    const sent: TftpPacket[] = [];
    const server = new TftpServer({
      clock: new VirtualClock(),
      random: new SeededRandom(1),
      lookup: () => {
        if (fail) throw new Error('disk on fire');
        return FILE;
      },
      send: (_f, _t, b) => {
        const d = decodeTftp(b);
        if (d.ok) sent.push(d.packet);
      },
    });
    const rrq = encodeTftp({ op: 'RRQ', file: 'fw.bin', mode: 'octet', options: {}, others: [] });
    expect(() => server.receive(PHONE, 69, rrq)).not.toThrow();
    expect(server.stats.drops['handler-error']).toBe(1);
    fail = false;
    server.receive(PHONE, 69, rrq);
    expect(sent.at(-1)).toMatchObject({ op: 'DATA', block: 1 });
  });

  it('random bytes on the listening port never throw', () => {
    const h = setup();
    const rnd = new SeededRandom(3);
    for (let i = 0; i < 3000; i++) {
      const b = rnd.bytes(rnd.int(0, 40));
      if (b.length > 1 && rnd.int(0, 1)) b[1] = rnd.int(0, 7);
      if (b.length > 0) b[0] = 0;
      expect(() => h.server.receive(PHONE, 69, b)).not.toThrow();
    }
  });
});
