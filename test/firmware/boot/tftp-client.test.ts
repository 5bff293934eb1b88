// The client against a scripted server: each test plays the server's packets by hand and checks what
// the client sends back, and when (virtual time).
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { VirtualClock } from '../../../firmware/clock.ts';
import { decodeTftp, encodeTftp, type TftpPacket, type TftpOptions } from '../../../firmware/boot/tftp-packet.ts';
import { tftpClientMachine, type TftpClientEmitted, type TftpClientInput, type TftpDone, type TftpFailure } from '../../../firmware/boot/tftp-client.ts';

interface Sent {
  t: number;
  port: number;
  p: TftpPacket;
}

function setup(input: Partial<TftpClientInput> = {}) {
  const clock = new VirtualClock();
  const sent: Sent[] = [];
  const writes: Array<[number, number[]]> = [];
  const reports: TftpClientEmitted[] = [];
  const out: { done?: TftpDone; error?: TftpFailure } = {};
  const wired = tftpClientMachine.provide({
    actions: {
      transmit: (_, { dstPort, srcPort, bytes }) => {
        const d = decodeTftp(bytes);
        if (!d.ok) throw new Error(d.reason);
        if (srcPort !== client.getSnapshot().context.localPort) throw new Error(`sent from port ${srcPort}`);
        sent.push({ t: clock.now(), port: dstPort, p: d.packet });
      },
    },
  });
  const client = createActor(wired, { clock, input: { serverIp: '10.0.0.1', file: 'fw.bin', seed: 3, timeoutMs: 1000, ...input } });
  client.on('*', (e) => {
    reports.push(e);
    if (e.type === 'tftp.data') writes.push([e.offset, [...e.bytes]]);
    if (e.type === 'tftp.done') out.done = e.done;
    if (e.type === 'tftp.failed') out.error = e.failure;
  });
  /** A datagram for the client's port; once the client has ended its port is closed, and nothing arrives. */
  const rx = (port: number, bytes: Uint8Array) => {
    if (client.getSnapshot().status === 'active') client.send({ type: 'tftp.rx', srcPort: port, bytes });
  };
  const from = (port: number, p: TftpPacket) => rx(port, encodeTftp(p));
  const data = (port: number, block: number, len: number, fill = block) =>
    from(port, { op: 'DATA', block, data: new Uint8Array(len).fill(fill & 0xff) });
  const oack = (port: number, options: TftpOptions) => from(port, { op: 'OACK', options, others: [] });
  const acks = () => sent.filter((s) => s.p.op === 'ACK').map((s) => (s.p as { block: number }).block);
  /** The top-level state: requesting, transferring, done, closed (after the dally), failed or aborted. */
  const state = () => {
    const v = client.getSnapshot().value;
    return typeof v === 'string' ? v : Object.keys(v)[0];
  };
  const ctx = () => client.getSnapshot().context;
  const progress = () => reports.flatMap((e) => (e.type === 'tftp.progress' ? [[e.received, e.total] as [number, number | undefined]] : []));
  return { clock, client, sent, writes, reports, out, rx, from, data, oack, acks, state, ctx, progress };
}

const SERVER_TID = 50000;
const OPTS = { blksize: 1428, windowsize: 4, timeout: 2, tsize: true };

describe('TFTP client: request', () => {
  it('asks for the file in octet mode with the options, from a port in the dynamic range', () => {
    const s = setup({ options: OPTS });
    s.client.start();
    expect(s.sent).toEqual([
      {
        t: 0,
        port: 20001,
        p: { op: 'RRQ', file: 'fw.bin', mode: 'octet', options: { blksize: 1428, windowsize: 4, timeout: 2, tsize: 0 }, others: [] },
      },
    ]);
    expect(s.ctx().localPort).toBeGreaterThanOrEqual(49152);
    expect(s.ctx().localPort).toBeLessThanOrEqual(65535);
  });

  it('falls back from a silent port 20001 to 69 after its RRQ tries, then gives up with no-answer', () => {
    const s = setup({ requestTries: 3, timeoutMs: 1000 });
    s.client.start();
    s.clock.advanceSync(60_000);
    expect(s.sent.map((x) => [x.t, x.port])).toEqual([
      [0, 20001], [1000, 20001], [2000, 20001],
      [3000, 69], [4000, 69], [5000, 69],
    ]);
    expect(s.out.error).toMatchObject({ kind: 'no-answer' });
    expect(s.out.error?.message).toMatch(/10\.0\.0\.1.*20001, 69/);
    expect(s.state()).toBe('failed');
    expect(s.client.getSnapshot().output).toEqual({ result: 'failed', failure: s.out.error });
    expect(s.clock.pending).toBe(0);
  });

  it('skips a port at once on ICMP port unreachable', () => {
    const s = setup();
    s.client.start();
    s.client.send({ type: 'tftp.unreachable', port: 20001 });
    expect(s.sent.map((x) => x.port)).toEqual([20001, 69]);
    s.client.send({ type: 'tftp.unreachable', port: 20001 }); // stale ICMP for a port already left: no effect
    expect(s.sent).toHaveLength(2);
  });

  it('accepts the answer to the first RRQ even after moving on to 69 (same TID throughout)', () => {
    const s = setup({ requestTries: 1 });
    s.client.start();
    s.clock.advanceSync(1000); // now asking 69
    s.data(SERVER_TID, 1, 100);
    expect(s.out.done).toMatchObject({ bytes: 100, port: SERVER_TID, negotiated: false });
  });

  it('reports an ERROR answer with its code and message', () => {
    const s = setup();
    s.client.start();
    s.from(SERVER_TID, { op: 'ERROR', code: 1, message: 'File not found' });
    expect(s.out.error).toEqual({ kind: 'server-error', code: 1, message: 'File not found' });
    expect(s.sent).toHaveLength(1); // an ERROR is never answered
  });
});

describe('TFTP client: option negotiation', () => {
  it('uses the OACK values and ACKs block 0', () => {
    const s = setup({ options: OPTS });
    s.client.start();
    s.oack(SERVER_TID, { blksize: 1000, windowsize: 2, timeout: 2, tsize: 2500 });
    expect(s.sent.at(-1)).toEqual({ t: 0, port: SERVER_TID, p: { op: 'ACK', block: 0 } });
    s.data(SERVER_TID, 1, 1000);
    s.data(SERVER_TID, 2, 1000);
    s.data(SERVER_TID, 3, 500);
    expect(s.acks()).toEqual([0, 2, 3]);
    expect(s.progress()).toEqual([[1000, 2500], [2000, 2500], [2500, 2500]]);
    expect(s.out.done).toEqual({ bytes: 2500, blocks: 3, blksize: 1000, windowsize: 2, negotiated: true, port: SERVER_TID });
  });

  it('treats options missing from the OACK as declined: no windowsize means ACK every block', () => {
    const s = setup({ options: OPTS });
    s.client.start();
    s.oack(SERVER_TID, { blksize: 1428 });
    for (let b = 1; b <= 3; b++) s.data(SERVER_TID, b, 1428);
    s.data(SERVER_TID, 4, 0);
    expect(s.acks()).toEqual([0, 1, 2, 3, 4]);
    expect(s.out.done).toMatchObject({ windowsize: 1, blksize: 1428, bytes: 3 * 1428 });
  });

  it('uses its own timeout when the OACK leaves timeout out', () => {
    const s = setup({ options: OPTS, timeoutMs: 700 });
    s.client.start();
    s.oack(SERVER_TID, { blksize: 512 });
    s.clock.advanceSync(700);
    expect(s.acks()).toEqual([0, 0]);
  });

  it('falls back to RFC 1350 (512-byte blocks, stop-and-wait) when the server answers with DATA 1', () => {
    const s = setup({ options: OPTS });
    s.client.start();
    s.data(SERVER_TID, 1, 512);
    s.data(SERVER_TID, 2, 10);
    expect(s.acks()).toEqual([1, 2]);
    expect(s.out.done).toMatchObject({ blksize: 512, windowsize: 1, negotiated: false, bytes: 522 });
  });

  it('refuses an OACK that grants more than asked, or options never asked, with ERROR 8', () => {
    for (const bad of [{ blksize: 2000 }, { windowsize: 8 }, { timeout: 5 }] as TftpOptions[]) {
      const s = setup({ options: { blksize: 1428, windowsize: 4, timeout: 2 } });
      s.client.start();
      s.oack(SERVER_TID, bad);
      expect(s.sent.at(-1)).toMatchObject({ port: SERVER_TID, p: { op: 'ERROR', code: 8 } });
      expect(s.out.error).toMatchObject({ kind: 'bad-oack' });
    }
    const s = setup({ options: { blksize: 1428 } });
    s.client.start();
    s.from(SERVER_TID, { op: 'OACK', options: {}, others: [{ name: 'multicast', value: '' }] });
    expect(s.out.error?.message).toMatch(/multicast/);
  });

  it('refuses a file whose tsize exceeds maxBytes before any data (ERROR 3)', () => {
    const s = setup({ options: OPTS, maxBytes: 4096 });
    s.client.start();
    s.oack(SERVER_TID, { blksize: 1428, tsize: 5000, timeout: 2 });
    expect(s.sent.at(-1)).toMatchObject({ p: { op: 'ERROR', code: 3 } });
    expect(s.out.error).toMatchObject({ kind: 'too-large', size: 5000 });
  });
});

describe('TFTP client: transfer', () => {
  it('streams blocks at their offsets and ends on a short block', () => {
    const s = setup();
    s.client.start();
    s.data(SERVER_TID, 1, 512, 1);
    s.data(SERVER_TID, 2, 3, 2);
    expect(s.writes).toEqual([[0, Array(512).fill(1)], [512, [2, 2, 2]]]);
    expect(s.state()).toBe('done');
    expect(s.clock.pending).toBe(1); // after the end only the dally timer is left scheduled
    s.clock.advanceSync(6000); // timeout x (maxRetries + 1)
    expect(s.state()).toBe('closed');
    expect(s.client.getSnapshot().status).toBe('done');
    expect(s.client.getSnapshot().output).toEqual({ result: 'done', done: s.out.done });
    expect(s.clock.pending).toBe(0); // nothing left scheduled after the dally
  });

  it('needs an empty last block when the size is a multiple of blksize', () => {
    const s = setup();
    s.client.start();
    s.data(SERVER_TID, 1, 512);
    expect(s.out.done).toBeUndefined();
    s.data(SERVER_TID, 2, 0);
    expect(s.out.done).toMatchObject({ bytes: 512, blocks: 2 });
  });

  it('answers a stranger with ERROR 5 and carries on', () => {
    const s = setup();
    s.client.start();
    s.data(SERVER_TID, 1, 512);
    s.data(40000, 2, 512);
    expect(s.sent.at(-1)).toEqual({ t: 0, port: 40000, p: { op: 'ERROR', code: 5, message: 'Unknown transfer ID' } });
    s.from(40000, { op: 'ERROR', code: 0, message: 'x' }); // an error from a stranger: ignored, not answered
    s.data(SERVER_TID, 2, 1);
    expect(s.out.done).toMatchObject({ bytes: 513 });
    expect(s.ctx().stats.wrongTid).toBe(1);
  });

  it('does not answer duplicate DATA; only its timer resends the ACK (no Sorcerer\'s Apprentice)', () => {
    const s = setup();
    s.client.start();
    s.data(SERVER_TID, 1, 512);
    s.data(SERVER_TID, 1, 512);
    s.data(SERVER_TID, 1, 512);
    expect(s.acks()).toEqual([1]);
    expect(s.writes).toHaveLength(1);
    s.clock.advanceSync(999);
    s.data(SERVER_TID, 1, 512); // a duplicate does not restart the timer either
    s.clock.advanceSync(1);
    expect(s.sent.at(-1)).toEqual({ t: 1000, port: SERVER_TID, p: { op: 'ACK', block: 1 } });
  });

  it('on a gap ACKs the last in-order block once, then takes the window again from there', () => {
    const s = setup({ options: OPTS });
    s.client.start();
    s.oack(SERVER_TID, { blksize: 1428, windowsize: 4, timeout: 2 });
    s.data(SERVER_TID, 1, 1428);
    s.data(SERVER_TID, 3, 1428); // 2 lost
    s.data(SERVER_TID, 4, 1428);
    expect(s.acks()).toEqual([0, 1]);
    for (let b = 2; b <= 5; b++) s.data(SERVER_TID, b, 1428); // the window restarted after 1
    expect(s.acks()).toEqual([0, 1, 5]);
    expect(s.writes.map((w) => w[0])).toEqual([0, 1, 2, 3, 4].map((i) => i * 1428));
  });

  it('rolls block numbers over from 65535 to 0', () => {
    const s = setup({ options: { blksize: 8, windowsize: 8 } });
    s.client.start();
    s.oack(SERVER_TID, { blksize: 8, windowsize: 8 });
    for (let n = 1; n <= 65537; n++) s.data(SERVER_TID, n & 0xffff, 8);
    s.data(SERVER_TID, 65538 & 0xffff, 0);
    expect(s.out.done).toMatchObject({ bytes: 65537 * 8, blocks: 65538 });
    expect(s.writes.at(-1)?.[0]).toBe(65536 * 8);
    expect(s.acks().slice(-3)).toEqual([65528 & 0xffff, 65536 & 0xffff, 2]);
  });

  it('gives up after maxRetries silent timeouts, telling the server', () => {
    const s = setup({ maxRetries: 3, timeoutMs: 1000 });
    s.client.start();
    s.data(SERVER_TID, 1, 512);
    s.clock.advanceSync(60_000);
    expect(s.acks()).toEqual([1, 1, 1, 1]);
    expect(s.sent.at(-1)).toMatchObject({ t: 4000, p: { op: 'ERROR', code: 0 } });
    expect(s.out.error).toMatchObject({ kind: 'timeout', received: 512 });
  });

  it('aborts after the first block when the owner says so: ERROR sent, nothing stored', () => {
    const seen: number[] = [];
    const s = setup({ confirmFirstBlock: true });
    s.client.on('tftp.firstBlock', (e) => {
      seen.push(e.bytes.length);
      s.client.send({ type: 'tftp.abort' });
    });
    s.client.start();
    s.data(SERVER_TID, 1, 512);
    s.data(SERVER_TID, 2, 512);
    expect(seen).toEqual([512]);
    expect(s.writes).toEqual([]);
    expect(s.sent.map((x) => x.p.op)).toEqual(['RRQ', 'ERROR']);
    expect(s.sent.at(-1)).toMatchObject({ port: SERVER_TID, p: { code: 0, message: 'Download not wanted' } });
    expect(s.state()).toBe('aborted');
    expect(s.client.getSnapshot().output).toEqual({ result: 'aborted' });
    expect(s.out).toEqual({});
  });

  it('fails with ERROR 3 when the data outgrows maxBytes (no tsize to warn)', () => {
    const s = setup({ maxBytes: 1000 });
    s.client.start();
    s.data(SERVER_TID, 1, 512);
    s.data(SERVER_TID, 2, 512);
    expect(s.writes).toHaveLength(1);
    expect(s.sent.at(-1)).toMatchObject({ p: { op: 'ERROR', code: 3 } });
    expect(s.out.error).toMatchObject({ kind: 'too-large' });
  });

  it('refuses a block larger than blksize with ERROR 4', () => {
    const s = setup();
    s.client.start();
    s.data(SERVER_TID, 1, 513);
    expect(s.sent.at(-1)).toMatchObject({ p: { op: 'ERROR', code: 4 } });
    expect(s.out.error).toMatchObject({ kind: 'protocol' });
  });

  it('dallies: a repeat of the final block (our last ACK lost) is ACKed again', () => {
    const s = setup();
    s.client.start();
    s.data(SERVER_TID, 1, 20);
    s.clock.advanceSync(1000);
    s.data(SERVER_TID, 1, 20);
    expect(s.acks()).toEqual([1, 1]);
    expect(s.writes).toHaveLength(1);
    // a second transfer (started by a late duplicate RRQ) is told to stop at once
    s.from(40000, { op: 'OACK', options: {}, others: [] });
    expect(s.sent.at(-1)).toEqual({ t: 1000, port: 40000, p: { op: 'ERROR', code: 5, message: 'Unknown transfer ID' } });
    // after the dally nothing is answered
    s.clock.advanceSync(60_000);
    s.data(SERVER_TID, 1, 20);
    expect(s.acks()).toEqual([1, 1]);
  });

  it('tftp.abort sends ERROR to the server and stops all timers', () => {
    const s = setup();
    s.client.start();
    s.data(SERVER_TID, 1, 512);
    s.client.send({ type: 'tftp.abort', message: 'power down' });
    expect(s.sent.at(-1)).toEqual({ t: 0, port: SERVER_TID, p: { op: 'ERROR', code: 0, message: 'power down' } });
    expect(s.clock.pending).toBe(0);
    s.data(SERVER_TID, 2, 1);
    expect(s.writes).toHaveLength(1);
  });

  it('ignores garbage datagrams', () => {
    const s = setup();
    s.client.start();
    s.rx(SERVER_TID, Uint8Array.of(0, 9, 1));
    expect(s.ctx().stats.malformed).toBe(1);
    expect(s.state()).toBe('requesting');
  });
});
