// Client and server together, through a datagram pipe in virtual time: exact files, lossy pipes, and
// the traffic bounds that rule out the Sorcerer's Apprentice.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TftpNet, pattern, type Faults } from './tftp-harness.ts';
import type { TftpClientOptions } from '../../../firmware/boot/tftp-client.ts';

const FULL: TftpClientOptions = { blksize: 1428, windowsize: 4, timeout: 1, tsize: true };

function fetch(size: number, options: TftpClientOptions, net?: { seed?: number; faults?: Faults }, maxRetries = 5) {
  const file = pattern(size);
  const n = new TftpNet({ 'fw.bin': file }, { maxRetries }, net);
  const d = n.download('fw.bin', { options, maxRetries });
  d.client.start();
  n.settle();
  return { n, d, file };
}

describe('TFTP download, clean pipe', () => {
  const sizes = (b: number) => [0, 1, b - 1, b, 3 * b, 17 * b + 5, 40_000];
  for (const blksize of [512, 1428]) {
    for (const windowsize of [1, 4, 8]) {
      it(`blksize ${blksize}, windowsize ${windowsize}: every size arrives exact, in order`, () => {
        for (const size of sizes(blksize)) {
          const { n, d, file } = fetch(size, { blksize, windowsize, tsize: true });
          expect(d.error).toBeUndefined();
          expect(Buffer.from(d.file).equals(Buffer.from(file))).toBe(true);
          expect(d.misplacedWrites).toBe(0);
          const blocks = Math.floor(size / blksize) + 1; // a multiple of blksize ends with an empty block
          expect(d.done).toEqual({ bytes: size, blocks, blksize, windowsize, negotiated: true, port: d.client.getSnapshot().context.serverTid });
          expect(n.count('server', 'DATA')).toBe(blocks);
          // one ACK per window, plus ACK 0 for the OACK
          expect(n.count('client', 'ACK')).toBe(1 + Math.ceil(blocks / windowsize));
          expect(n.server.stats.completed).toBe(1);
          if (size > 0) expect(d.progress.at(-1)).toEqual([size, size]);
        }
      });
    }
  }

  it('rolls block numbers over past 65535 (blksize 8, 70,000 blocks)', () => {
    const size = 8 * 70_000 + 3;
    const { n, d, file } = fetch(size, { blksize: 8, windowsize: 8 });
    expect(d.done).toMatchObject({ bytes: size, blocks: 70_001 });
    expect(Buffer.from(d.file).equals(Buffer.from(file))).toBe(true);
    const wrapped = n.wire.filter((p) => p.from === 'server' && p.op === 'DATA' && p.block === 0);
    expect(wrapped).toHaveLength(1);
  });

  it('talks plain RFC 1350 to a server with options off', () => {
    const file = pattern(3000);
    const n = new TftpNet({ 'fw.bin': file }, { negotiate: false });
    const d = n.download('fw.bin', { options: FULL });
    d.client.start();
    n.settle();
    expect(d.done).toMatchObject({ negotiated: false, blksize: 512, windowsize: 1, blocks: 6 });
    expect(Buffer.from(d.file).equals(Buffer.from(file))).toBe(true);
  });

  it('uses windowsize 1 when the OACK leaves windowsize out', () => {
    const file = pattern(10_000);
    const n = new TftpNet({ 'fw.bin': file }, { negotiate: ['blksize', 'tsize', 'timeout'] });
    const d = n.download('fw.bin', { options: FULL });
    d.client.start();
    n.settle();
    expect(d.done).toMatchObject({ negotiated: true, blksize: 1428, windowsize: 1, blocks: 8 });
    expect(n.count('client', 'ACK')).toBe(9);
    expect(Buffer.from(d.file).equals(Buffer.from(file))).toBe(true);
  });

  it('falls back from a silent 20001 to 69', () => {
    const file = pattern(2000);
    const n = new TftpNet({ 'fw.bin': file }, { ports: [69] });
    const d = n.download('fw.bin', { options: FULL, requestTries: 2 });
    d.client.start();
    n.settle();
    expect(n.wire.filter((p) => p.op === 'RRQ').map((p) => p.port)).toEqual([20001, 20001, 69]);
    expect(Buffer.from(d.file).equals(Buffer.from(file))).toBe(true);
  });

  it('reports no-answer from a down server after a bounded number of RRQs', () => {
    const n = new TftpNet({ 'fw.bin': pattern(10) });
    n.server.down = true;
    const d = n.download('fw.bin', { options: FULL, requestTries: 3 });
    d.client.start();
    n.settle();
    expect(d.error).toMatchObject({ kind: 'no-answer' });
    expect(n.count('client')).toBe(6);
    expect(n.clock.now()).toBe(6000); // 3 tries x 2 ports x the 1 s timeout asked
  });

  it('reports the server\'s ERROR (file not found)', () => {
    const n = new TftpNet({});
    const d = n.download('missing.bin', { options: FULL });
    d.client.start();
    n.settle();
    expect(d.error).toEqual({ kind: 'server-error', code: 1, message: 'File not found' });
  });

  it('onFirstBlock "abort": ERROR sent, only the first window sent, server transfer ended', () => {
    const n = new TftpNet({ 'fw.bin': pattern(100_000) });
    const firsts: number[] = [];
    const d = n.download('fw.bin', { options: FULL, onFirstBlock: (b) => (firsts.push(b.length), 'abort') });
    d.client.start();
    n.settle();
    expect(firsts).toEqual([1428]);
    expect(d.writes).toBe(0);
    expect(n.count('client', 'ERROR')).toBe(1);
    expect(n.count('server', 'DATA')).toBe(4); // the one window already in flight, nothing after
    expect(n.server.stats.failed).toBe(1);
    expect(n.server.activeTransfers).toBe(0);
  });

  it('serves several phones at once', () => {
    const files = { 'a.bin': pattern(30_000, 1), 'b.bin': pattern(7_000, 2) };
    const n = new TftpNet(files);
    const ds = [0, 1, 2, 3].map((i) => n.download(i % 2 ? 'b.bin' : 'a.bin', { options: FULL }));
    ds.forEach((d) => d.client.start());
    n.settle();
    ds.forEach((d, i) => expect(Buffer.from(d.file).equals(Buffer.from(i % 2 ? files['b.bin'] : files['a.bin']))).toBe(true));
    expect(n.server.stats.completed).toBe(4);
  });
});

describe('TFTP download, faulty pipe', () => {
  it('still yields the exact file with drops, duplicates and reordering (seeded)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.constantFrom(0, 511, 512, 1428 * 20, 50_000),
        fc.constantFrom(512, 1428),
        fc.constantFrom(1, 4, 8),
        (seed, size, blksize, windowsize) => {
          const faults = { drop: 0.1, duplicate: 0.1, reorder: 0.2 };
          const { d, file } = fetch(size, { blksize, windowsize, timeout: 1 }, { seed, faults }, 12);
          expect(d.error).toBeUndefined();
          expect(d.misplacedWrites).toBe(0);
          expect(Buffer.from(d.file).equals(Buffer.from(file))).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  // The Sorcerer's Apprentice: if either side answered a duplicate with a retransmission, a pipe that
  // doubles every packet would double the traffic again at every round. Bounded means: the engines send
  // about what they send on a clean pipe; the pipe alone doubles what arrives.
  for (const windowsize of [1, 4, 8]) {
    it(`a pipe that duplicates every packet does not multiply the traffic (windowsize ${windowsize})`, () => {
      const size = 200 * 512 + 100;
      const options = { blksize: 512, windowsize, timeout: 1 };
      const clean = fetch(size, options);
      const doubled = fetch(size, options, { faults: { duplicate: 1 } });
      expect(Buffer.from(doubled.d.file).equals(Buffer.from(doubled.file))).toBe(true);
      const sent = (r: typeof clean) => ({ server: r.n.count('server'), client: r.n.count('client') });
      const c = sent(clean);
      const x = sent(doubled);
      expect(x.server).toBeLessThanOrEqual(c.server + 2);
      expect(x.client).toBeLessThanOrEqual(c.client + 2);
      expect(doubled.n.server.stats.retransmits).toBe(0);
      expect(doubled.d.client.getSnapshot().context.stats.timeouts).toBe(0);
    });
  }
});
