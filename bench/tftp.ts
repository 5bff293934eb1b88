// bench/tftp-goodput.ts as one of `npm run bench`'s benchmarks: TFTP download cost on the serial line
// per blksize and windowsize, in virtual time (so the numbers are exact, not machine-dependent).
import { FRAME_OVERHEAD, measureTftpGoodput, SLIP_ENDS } from './tftp-goodput.ts';
import { fmt, type BenchOptions, type BenchResult, type Benchmark } from './harness.ts';

const BAUD = 115200;

export const tftpBenchmark: Benchmark = {
  name: 'tftp',
  summary: 'TFTP download over SLIP at 115200 baud: wire bytes per payload byte and share of the line, per blksize/windowsize',
  async run(opts: BenchOptions): Promise<BenchResult> {
    const size = opts.quick ? 32 * 1024 : 256 * 1024;
    const rows = measureTftpGoodput({ size, baud: BAUD });
    const slowest = rows.reduce((a, b) => (b.seconds > a.seconds ? b : a));
    const fastest = rows.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    return {
      tables: [
        {
          title: `TFTP over SLIP at ${BAUD} baud, ${fmt(size)}-byte file, virtual time (${FRAME_OVERHEAD}+${SLIP_ENDS} bytes/frame + escapes)`,
          columns: ['blksize/window', 'packets down/up', 'wire/payload down', 'up', 'total', 'seconds', 'payload/line'],
          rows: rows.map((r) => [
            `${r.blksize}/${r.windowsize}`,
            `${r.packetsDown}/${r.packetsUp}`,
            r.downPerByte.toFixed(4),
            r.upPerByte.toFixed(4),
            r.totalPerByte.toFixed(4),
            r.seconds.toFixed(2),
            `${(r.efficiency * 100).toFixed(1)}%`,
          ]),
          notes: [
            `fastest ${fastest.blksize}/${fastest.windowsize} is ${fmt(slowest.seconds / fastest.seconds)}x the slowest ${slowest.blksize}/${slowest.windowsize}`,
          ],
        },
      ],
      verdicts: [],
    };
  },
};
