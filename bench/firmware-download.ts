// Firmware download goodput through the REAL phone and controller (World on the mock wire at 115200
// baud, line rate on, virtual clock): a 2 MiB image from the RRQ to the image verified in flash, as a
// share of the line's byte rate, for blksize 512/1428 x windowsize 1/4/8 side by side in one run. Virtual
// time makes the numbers exact and machine-independent; wall time is printed only as the run's cost.
//
//   node bin/run-ts.js bench/firmware-download.ts [--quick]
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { DEFAULT_DOWNLOAD_OPTIONS } from '../firmware/boot/firmware-download.ts';
import { parseControllerConfig } from '../sim/controller/config.ts';
import { World } from '../sim/world.ts';
import { formatTable, passFail, type BenchOptions, type BenchResult, type Benchmark, type Table } from './harness.ts';

const BAUD = 115200;
/** 8N1: a byte costs 10 bit times. */
const LINE_BYTES_PER_S = BAUD / 10;
const TARGET = 0.93;
const COMBOS: readonly { blksize: number; windowsize: number }[] = [512, 1428].flatMap((blksize) => [1, 4, 8].map((windowsize) => ({ blksize, windowsize })));

export interface DownloadRow {
  blksize: number;
  windowsize: number;
  imageBytes: number;
  /** Simulated seconds from the phone entering the firmware step (RRQ) to the image verified (Rebooting). */
  seconds: number;
  /** Image bytes per second over the line's byte rate. */
  goodput: number;
  wallMs: number;
}

/** One upgrade of `payloadBytes` through a whole World, with the phone asking for these TFTP options. */
export async function measureDownload(blksize: number, windowsize: number, payloadBytes: number): Promise<DownloadRow> {
  const started = performance.now();
  const world = await World.build({
    profile: '5340',
    link: { kind: 'mock' },
    baud: BAUD,
    wire: { baud: BAUD, lineRate: true },
    phoneFirmware: '1.0.0.0',
    seed: 1,
    dhcpStartDelayMs: { min: 0, max: 0 },
    tftpOptions: { ...DEFAULT_DOWNLOAD_OPTIONS, blksize, windowsize },
    config: parseControllerConfig({ firmware: [{ family: '53gx', version: '1.0.9.0', size: payloadBytes }] }, 'bench'),
  });
  try {
    const phone = world.phone!;
    if (!(await world.advance(120_000, () => phone.state.startsWith('network.firmware')))) throw new Error('the phone never reached the firmware step');
    const from = world.now();
    if (!(await world.advance(3_600_000, () => phone.state === 'rebooting' || phone.state === 'network.downloadFailed'))) throw new Error('the download did not end');
    if (phone.state !== 'rebooting') throw new Error(`the download failed (${blksize}/${windowsize})`);
    const seconds = (world.now() - from) / 1000;
    const imageBytes = world.controller!.firmware.get(world.profile.firmware!.file)!.length;
    return { blksize, windowsize, imageBytes, seconds, goodput: imageBytes / seconds / LINE_BYTES_PER_S, wallMs: performance.now() - started };
  } finally {
    await world.close();
  }
}

export async function measureAll(quick: boolean): Promise<DownloadRow[]> {
  const size = quick ? 128 * 1024 : 2 * 1024 * 1024;
  const rows: DownloadRow[] = [];
  for (const c of COMBOS) rows.push(await measureDownload(c.blksize, c.windowsize, size));
  return rows;
}

function report(rows: DownloadRow[], quick: boolean): BenchResult {
  const passing = rows.filter((r) => r.blksize === 1428 && r.windowsize >= 4);
  const def = rows.find((r) => r.blksize === DEFAULT_DOWNLOAD_OPTIONS.blksize && r.windowsize === DEFAULT_DOWNLOAD_OPTIONS.windowsize);
  const verdicts = [
    ...passing.map((r) => ({ target: `goodput >= ${TARGET * 100}% of line rate with blksize 1428, windowsize ${r.windowsize}`, pass: r.goodput >= TARGET })),
    { target: `the phone's default (blksize ${DEFAULT_DOWNLOAD_OPTIONS.blksize}, windowsize ${DEFAULT_DOWNLOAD_OPTIONS.windowsize}) reaches ${TARGET * 100}%`, pass: !!def && def.goodput >= TARGET },
  ];
  const table: Table = {
    title: `firmware download through phone + controller, ${(rows[0].imageBytes / 1024).toFixed(0)} KiB image, ${BAUD} baud line rate, virtual time${quick ? ' (quick)' : ''}`,
    columns: ['blksize/window', 'seconds (sim)', 'goodput B/s', 'share of line', 'wall ms'],
    rows: rows.map((r) => [
      `${r.blksize}/${r.windowsize}${def === r ? ' (default)' : ''}`,
      r.seconds.toFixed(2),
      (r.goodput * LINE_BYTES_PER_S).toFixed(0),
      `${(r.goodput * 100).toFixed(1)}%`,
      r.wallMs.toFixed(0),
    ]),
    notes: verdicts.map((v) => `${passFail(v.pass)}  ${v.target}`),
  };
  return { tables: [table], verdicts };
}

export const firmwareDownloadBenchmark: Benchmark = {
  name: 'firmware-download',
  summary: 'firmware download goodput through the real phone and controller on the 115200-baud mock wire, per blksize/windowsize',
  async run(opts: BenchOptions): Promise<BenchResult> {
    return report(await measureAll(opts.quick), opts.quick);
  },
};

/** For bench/index.ts: measures and prints its own table. */
export async function run(opts: { quick?: boolean }): Promise<void> {
  const result = await firmwareDownloadBenchmark.run({ quick: !!opts.quick });
  for (const t of result.tables) console.log(`${formatTable(t)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await run({ quick: process.argv.includes('--quick') });
}
