// TFTP over the phone's serial link: bytes on the wire per payload byte, and the time a download takes,
// for blksize 512 vs 1428 and windowsize 1/4/8. Runs the real client and server engines through a
// full-duplex line model in virtual time, so the numbers include every RRQ, OACK, ACK and empty block.
//
//   node bin/run-ts.js bench/tftp-goodput.ts [--size BYTES] [--baud N] [--latency MS]
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { VirtualClock } from '../firmware/clock.ts';
import { SeededRandom } from '../firmware/random.ts';
import { createActor } from 'xstate';
import { tftpClientMachine, type TftpFailure } from '../firmware/boot/tftp-client.ts';
import { TftpServer } from '../sim/controller/tftp/tftp-server.ts';

/** Ethernet II header 14 + IPv4 20 + UDP 8 + FCS 4 (no 802.1Q tag, no padding to 60: SLIP needs none). */
export const FRAME_OVERHEAD = 46;
/** SLIP: an END before and after every frame (docs/design.md: the sender flushes noise with a leading END). */
export const SLIP_ENDS = 2;

export interface GoodputRow {
  blksize: number;
  windowsize: number;
  payload: number;
  packetsDown: number;
  packetsUp: number;
  /** Serial bytes server -> phone, per payload byte. */
  downPerByte: number;
  /** Serial bytes phone -> server (ACKs, RRQ), per payload byte. */
  upPerByte: number;
  /** Both directions together, per payload byte. */
  totalPerByte: number;
  /** Virtual seconds for the whole download, RRQ to last ACK. */
  seconds: number;
  /** Payload rate as a share of the line's byte rate (one direction). */
  efficiency: number;
}

export interface GoodputOptions {
  size?: number;
  baud?: number;
  /** One-way latency of the far end (router + controller), ms. */
  latencyMs?: number;
  configs?: ReadonlyArray<readonly [blksize: number, windowsize: number]>;
}

const CONFIGS = [512, 1428].flatMap((b) => [1, 4, 8].map((w) => [b, w] as const));

/** Serial bytes one TFTP datagram costs: headers, FCS, SLIP ENDs, and SLIP escapes of END/ESC bytes. */
export function serialBytes(tftp: Uint8Array): number {
  let escapes = 0;
  for (const b of tftp) if (b === 0xc0 || b === 0xdb) escapes++;
  return FRAME_OVERHEAD + SLIP_ENDS + tftp.length + escapes;
}

export function measureTftpGoodput(opts: GoodputOptions = {}): GoodputRow[] {
  const size = opts.size ?? 256 * 1024;
  const bytesPerSecond = (opts.baud ?? 115200) / 10; // 8N1: a byte is 10 bit times
  const latency = opts.latencyMs ?? 1;
  // Compressed firmware looks random: random bytes give a realistic SLIP escape rate (2 in 256).
  const file = new SeededRandom(42).bytes(size);
  return (opts.configs ?? CONFIGS).map(([blksize, windowsize]) => {
    const clock = new VirtualClock();
    const seeds = new SeededRandom(7);
    let down = 0;
    let up = 0;
    let packetsDown = 0;
    let packetsUp = 0;
    // one transmitter per direction: a frame waits for the line to be free, then takes its bytes' time
    const busy = { down: 0, up: 0 };
    const line = (dir: 'down' | 'up', bytes: number, deliver: () => void) => {
      const start = Math.max(clock.now(), busy[dir]);
      busy[dir] = start + (bytes / bytesPerSecond) * 1000;
      clock.setTimeout(deliver, busy[dir] + latency - clock.now());
    };
    let end = 0;
    const server = new TftpServer({
      clock,
      random: seeds.fork(),
      ports: [20001, 69],
      lookup: () => file,
      send: (fromPort, _to, bytes) => {
        const n = serialBytes(bytes);
        down += n;
        packetsDown++;
        line('down', n, () => client.getSnapshot().status === 'active' && client.send({ type: 'tftp.rx', srcPort: fromPort, bytes }));
      },
    });
    const wired = tftpClientMachine.provide({
      actions: {
        transmit: (_, { dstPort, srcPort, bytes }) => {
          const n = serialBytes(bytes);
          up += n;
          packetsUp++;
          line('up', n, () => server.receive({ ip: '192.168.10.2', port: srcPort }, dstPort, bytes));
        },
      },
    });
    const client = createActor(wired, {
      clock,
      input: { serverIp: '192.168.10.1', file: 'fw.bin', seed: seeds.int(0, 0xffffffff), options: { blksize, windowsize, timeout: 2, tsize: true } },
    });
    let failure: TftpFailure | undefined;
    client.on('tftp.done', () => (end = clock.now()));
    client.on('tftp.failed', (e) => (failure = e.failure));
    client.start();
    for (let next = clock.nextAlarm(); next !== undefined; next = clock.nextAlarm()) {
      clock.advanceSync(next - clock.now());
    }
    if (failure) throw new Error(`bench download failed: ${failure.message}`);
    const seconds = end / 1000;
    return {
      blksize,
      windowsize,
      payload: size,
      packetsDown,
      packetsUp,
      downPerByte: down / size,
      upPerByte: up / size,
      totalPerByte: (down + up) / size,
      seconds,
      efficiency: size / seconds / bytesPerSecond,
    };
  });
}

export function formatGoodput(rows: readonly GoodputRow[], baud = 115200): string {
  const head = `TFTP over SLIP at ${baud} baud, ${rows[0]?.payload ?? 0} byte file (${FRAME_OVERHEAD}+${SLIP_ENDS} bytes/frame + escapes)`;
  const cols = 'blksize  window  pkts down/up  wire/payload down  up      total   time s   payload/line';
  const lines = rows.map(
    (r) =>
      `${String(r.blksize).padStart(7)}  ${String(r.windowsize).padStart(6)}  ${`${r.packetsDown}/${r.packetsUp}`.padStart(12)}` +
      `  ${r.downPerByte.toFixed(4).padStart(17)}  ${r.upPerByte.toFixed(4)}  ${r.totalPerByte.toFixed(4)}` +
      `  ${r.seconds.toFixed(2).padStart(6)}   ${(r.efficiency * 100).toFixed(1)}%`,
  );
  return [head, cols, ...lines].join('\n');
}

function arg(name: string): number | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : undefined;
}

/** Prints the table (bench/index.ts may call this). */
export function run(): void {
  const baud = arg('--baud') ?? 115200;
  console.log(formatGoodput(measureTftpGoodput({ size: arg('--size'), baud, latencyMs: arg('--latency') }), baud));
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) run();
