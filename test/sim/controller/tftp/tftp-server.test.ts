// The server against a scripted client: each test plays the phone's packets by hand.
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../../firmware/clock.ts';
import { SeededRandom } from '../../../../firmware/random.ts';
import { decodeTftp, encodeTftp, type TftpPacket } from '../../../../firmware/boot/tftp-packet.ts';
import { TftpServer, type TftpPeer, type TftpServerConfig } from '../../../../sim/controller/tftp/tftp-server.ts';

interface Sent {
  t: number;
  from: number;
  to: TftpPeer;
  p: TftpPacket;
}

const PHONE: TftpPeer = { ip: '10.0.1.2', port: 50123 };
const FILE = Uint8Array.from({ length: 5000 }, (_, i) => i & 0xff);

function setup(cfg: Partial<TftpServerConfig> = {}) {
  const clock = new VirtualClock();
  const sent: Sent[] = [];
  const tids: Array<[number, boolean]> = [];
  const ends: string[] = [];
  const server = new TftpServer({
    clock,
    random: new SeededRandom(9),
    ports: [20001, 69],
    timeoutMs: 1000,
    lookup: (name) => (name === 'fw.bin' ? FILE : undefined),
    send: (from, to, bytes) => {
      const d = decodeTftp(bytes);
      if (!d.ok) throw new Error(d.reason);
      sent.push({ t: clock.now(), from, to, p: d.packet });
    },
    onTid: (port, open) => tids.push([port, open]),
    onTransferEnd: (e) => ends.push(`${e.file} ${e.outcome} ${e.bytesAcked}`),
    ...cfg,
  });
  const to = (port: number, p: TftpPacket, peer = PHONE) => server.receive(peer, port, encodeTftp(p));
  const rrq = (options = {}, peer = PHONE, file = 'fw.bin', port = 69) =>
    to(port, { op: 'RRQ', file, mode: 'octet', options, others: [] }, peer);
  const ack = (tid: number, block: number, peer = PHONE) => to(tid, { op: 'ACK', block }, peer);
  const blocks = (since = 0) =>
    sent.slice(since).filter((s) => s.p.op === 'DATA').map((s) => (s.p as { block: number }).block);
  return { clock, server, sent, tids, ends, to, rrq, ack, blocks };
}

describe('TFTP server: requests', () => {
  it('answers an RRQ with an OACK from a new TID, then a window of W blocks after ACK 0', () => {
    const s = setup();
    s.rrq({ blksize: 1428, windowsize: 4, tsize: 0, timeout: 3 });
    const [oack] = s.sent;
    expect(oack.p).toEqual({ op: 'OACK', options: { blksize: 1428, windowsize: 4, tsize: 5000, timeout: 3 }, others: [] });
    expect(oack.to).toEqual(PHONE);
    expect([69, 20001]).not.toContain(oack.from);
    expect(s.tids).toEqual([[oack.from, true]]);
    s.ack(oack.from, 0);
    expect(s.blocks()).toEqual([1, 2, 3, 4]);
    s.ack(oack.from, 4);
    expect(s.blocks()).toEqual([1, 2, 3, 4]); // 5000 bytes = 3 full blocks + 716: block 4 was the last
    expect(s.ends).toEqual(['fw.bin done 5000']);
    expect(s.tids.at(-1)).toEqual([oack.from, false]);
    expect(s.server.activeTransfers).toBe(0);
    expect(s.clock.pending).toBe(0);
  });

  it('serves plain RFC 1350 (DATA 1, 512 bytes, stop-and-wait) with options switched off', () => {
    const s = setup({ negotiate: false });
    s.rrq({ blksize: 1428, windowsize: 4 });
    expect(s.sent).toHaveLength(1);
    expect(s.sent[0].p).toMatchObject({ op: 'DATA', block: 1 });
    expect((s.sent[0].p as { data: Uint8Array }).data).toHaveLength(512);
    s.ack(s.sent[0].from, 1);
    expect(s.blocks()).toEqual([1, 2]);
  });

  it('leaves out of its OACK the options it does not know (an older server without windowsize)', () => {
    const s = setup({ negotiate: ['blksize', 'tsize', 'timeout'] });
    s.rrq({ blksize: 1428, windowsize: 4 });
    expect(s.sent[0].p).toEqual({ op: 'OACK', options: { blksize: 1428 }, others: [] });
  });

  it('caps blksize and windowsize at its limits', () => {
    const s = setup({ maxBlksize: 1024, maxWindowsize: 2 });
    s.rrq({ blksize: 1428, windowsize: 16 });
    expect(s.sent[0].p).toEqual({ op: 'OACK', options: { blksize: 1024, windowsize: 2 }, others: [] });
  });

  it('refuses: unknown file -> ERROR 1, WRQ -> ERROR 2, netascii -> ERROR 4; no transfer kept', () => {
    const s = setup();
    s.rrq({}, PHONE, 'nope.bin');
    s.to(69, { op: 'WRQ', file: 'fw.bin', mode: 'octet', options: {}, others: [] });
    s.to(69, { op: 'RRQ', file: 'fw.bin', mode: 'netascii', options: {}, others: [] });
    expect(s.sent.map((x) => [x.p.op, (x.p as { code: number }).code])).toEqual([['ERROR', 1], ['ERROR', 2], ['ERROR', 4]]);
    expect(s.server.activeTransfers).toBe(0);
    expect(s.clock.pending).toBe(0);
  });

  it('ignores a repeated RRQ from a phone it is already serving (its own timer covers losses)', () => {
    const s = setup();
    s.rrq({ blksize: 512 });
    s.rrq({ blksize: 512 });
    expect(s.sent).toHaveLength(1);
    expect(s.server.activeTransfers).toBe(1);
  });

  it('serves many phones at once, each on its own TID', () => {
    const s = setup();
    const phones = Array.from({ length: 20 }, (_, i) => ({ ip: `10.0.1.${i + 2}`, port: 50000 + i }));
    phones.forEach((p, i) => s.rrq({}, p, 'fw.bin', i % 2 ? 69 : 20001));
    const tids = new Set(s.sent.map((x) => x.from));
    expect(tids.size).toBe(20);
    expect(s.server.activeTransfers).toBe(20);
    for (const x of [...s.sent]) s.ack(x.from, 1, x.to);
    expect(s.blocks(20)).toEqual(Array(20).fill(2));
  });

  it('says nothing at all when down', () => {
    const s = setup();
    s.server.down = true;
    s.rrq();
    expect(s.sent).toEqual([]);
  });
});

describe('TFTP server: transfer', () => {
  function started(opts = { blksize: 1000, windowsize: 2 }) {
    const s = setup();
    s.rrq(opts);
    const tid = s.sent[0].from;
    s.ack(tid, 0);
    return { ...s, tid };
  }

  it('ignores duplicate ACKs: a doubled ACK does not send the next window twice', () => {
    const s = started();
    s.ack(s.tid, 2);
    s.ack(s.tid, 2);
    s.ack(s.tid, 2);
    expect(s.blocks()).toEqual([1, 2, 3, 4]);
    expect(s.server.stats.duplicateAcks).toBe(2);
  });

  it('restarts the window after a partial ACK (the phone saw a gap)', () => {
    const s = started({ blksize: 1000, windowsize: 4 });
    s.ack(s.tid, 1);
    expect(s.blocks()).toEqual([1, 2, 3, 4, 2, 3, 4, 5]);
  });

  it('ignores ACKs behind or beyond the window', () => {
    const s = started();
    s.ack(s.tid, 2);
    s.ack(s.tid, 1); // late
    s.ack(s.tid, 9); // never sent
    expect(s.blocks()).toEqual([1, 2, 3, 4]);
  });

  it('resends the window on timeout only, then drops the transfer after maxRetries', () => {
    const s = started();
    s.clock.advanceSync(999);
    expect(s.blocks()).toEqual([1, 2]);
    s.clock.advanceSync(1);
    expect(s.blocks()).toEqual([1, 2, 1, 2]);
    s.clock.advanceSync(60_000);
    expect(s.blocks()).toHaveLength(2 * 6); // first send + 5 retries
    expect(s.ends).toEqual(['fw.bin timeout 0']);
    expect(s.clock.pending).toBe(0);
  });

  it('resends a lost OACK on timeout', () => {
    const s = setup();
    s.rrq({ blksize: 1000 });
    s.clock.advanceSync(1000);
    expect(s.sent.map((x) => x.p.op)).toEqual(['OACK', 'OACK']);
  });

  it('uses the timeout the client negotiated', () => {
    const s = setup();
    s.rrq({ timeout: 7 });
    s.ack(s.sent[0].from, 0);
    s.clock.advanceSync(6999);
    expect(s.blocks()).toEqual([1]);
    s.clock.advanceSync(1);
    expect(s.blocks()).toEqual([1, 1]);
  });

  it('answers a stranger on a TID with ERROR 5 and keeps the transfer', () => {
    const s = started();
    s.ack(s.tid, 2, { ip: PHONE.ip, port: 1234 });
    expect(s.sent.at(-1)).toMatchObject({ from: s.tid, to: { port: 1234 }, p: { op: 'ERROR', code: 5 } });
    s.ack(s.tid, 2);
    expect(s.blocks()).toEqual([1, 2, 3, 4]);
  });

  it('ends the transfer on an ERROR from the phone', () => {
    const s = started();
    s.to(s.tid, { op: 'ERROR', code: 0, message: 'not wanted' });
    expect(s.ends).toEqual(['fw.bin client-error 0']);
    s.clock.advanceSync(10_000);
    expect(s.blocks()).toEqual([1, 2]);
  });

  it('rolls block numbers over past 65535', () => {
    const big = new Uint8Array(8 * 65540);
    const s = setup({ lookup: () => big });
    s.rrq({ blksize: 8, windowsize: 16 });
    const tid = s.sent[0].from;
    s.ack(tid, 0);
    for (let acked = 16; acked <= 65536; acked += 16) s.ack(tid, acked & 0xffff);
    const sent = s.blocks();
    expect(sent).toHaveLength(65541);
    // the window holding block 65536 goes out as 65521..65535, 0; the next one as 1..5
    expect(sent.slice(-21, -5)).toEqual([...Array.from({ length: 15 }, (_, i) => 65521 + i), 0]);
    expect(sent.slice(-5)).toEqual([1, 2, 3, 4, 5]);
    s.ack(tid, 5);
    expect(s.ends).toEqual(['fw.bin done 524320']);
  });
});
