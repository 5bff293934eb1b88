// `npm run fuzz`: seeded random and mutated input at every layer into both ends, in process (and with
// --pty into a real controller process), reported SIPp-style. See README.md "Fuzzing".
import { readFileSync } from 'node:fs';
import { parseArgs, USAGE } from './args.ts';
import { captureCorpus } from './capture.ts';
import { fuzzEnd, replayFinding, type EndStats, type Finding } from './harness.ts';
import { fuzzPty } from './pty.ts';
import { formatReport, progressLine, writeReproducer, type RunReport } from './report.ts';

async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    console.error(`${args}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const corpus = await captureCorpus(1);
  if (args.replay) return replay(args.replay, corpus, args.json);

  const tty = process.stderr.isTTY && !args.json;
  const progress = (name: string, total: number) => (s: EndStats) => {
    if (tty) process.stderr.write(`\r${progressLine(name, s, total)}\x1b[K`);
  };
  const report: RunReport = { seed: args.seed, ends: [], reproducers: [] };
  for (const target of args.targets) {
    const s = await fuzzEnd({ target, seed: args.seed, frames: args.frames, corpus, layer: args.layer, onProgress: progress(target, args.frames) });
    if (tty) process.stderr.write(`\r${progressLine(target, s, args.frames)}\x1b[K\n`);
    report.ends.push({ ...s, name: target });
  }
  if (args.pty) {
    const frames = args.ptyFrames ?? Math.min(args.frames, 20_000);
    const s = await fuzzPty({ seed: args.seed, frames, corpus, onProgress: progress('controller (pty)', frames) });
    if (tty) process.stderr.write(`\r${progressLine('controller (pty)', s, frames)}\x1b[K\n`);
    report.ends.push({ ...s, name: 'controller (pty)' });
  }
  for (const e of report.ends) for (const f of e.findings) report.reproducers.push(writeReproducer(args.out, e.name.replace(/[^a-z]+/g, '-').replace(/-$/, ''), f));
  if (args.json) {
    const ends = report.ends.map((e) => ({ ...e, framesPerSecond: Math.round(e.frames / (e.wallMs / 1000)), findings: e.findings.map(({ before, ...f }) => ({ ...f, before: before?.length ?? 0 })) }));
    console.log(JSON.stringify({ seed: report.seed, ends, reproducers: report.reproducers }, null, 2));
  } else console.log(formatReport(report));
  return report.ends.some((e) => e.crashes + e.hangs > 0) ? 1 : 0;
}

async function replay(file: string, corpus: Awaited<ReturnType<typeof captureCorpus>>, json: boolean): Promise<number> {
  let f: Finding;
  try {
    f = JSON.parse(readFileSync(file, 'utf8')) as Finding;
    if (typeof f.frame !== 'string' || (f.target !== 'phone' && f.target !== 'controller')) throw new Error('not a reproducer (no frame or target)');
  } catch (err) {
    console.error(`fuzz: cannot read ${file}: ${(err as Error).message}`);
    return 2;
  }
  const r = await replayFinding(f, corpus);
  if (json) console.log(JSON.stringify({ file, target: f.target, reproduced: r.reproduced, errors: r.errors }, null, 2));
  else {
    console.log(`replay ${file}: ${1 + (f.before?.length ?? 0)} frame(s) into a fresh ${f.target} (seed ${f.seed}, frame ${f.index})`);
    console.log(r.reproduced ? `reproduced:\n${r.errors.map((e) => `  ${e.where}: ${e.message}`).join('\n')}` : 'did not reproduce: the end took the frame(s) cleanly');
  }
  return r.reproduced ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
