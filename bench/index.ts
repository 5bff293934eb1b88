// `npm run bench [-- [--quick] [NAME...]]`: every benchmark in one process, a table each. Each reports
// ratios measured side by side in this very run; targets print PASS/FAIL. The exit code is 0 unless a
// benchmark could not run (a FAIL is a finding to read, not a crash: load on a shared machine moves
// absolute numbers), or 1 with `--strict` when any target FAILs.
import { formatTable, passFail, type Benchmark, type Verdict } from './harness.ts';
import { linkBenchmark } from './link.ts';
import { tftpBenchmark } from './tftp.ts';
import { firmwareDownloadBenchmark } from './firmware-download.ts';
import { lampsBenchmark } from './lamps.ts';
import { callsBenchmark } from './calls.ts';
import { fleetBenchmark } from './fleet.ts';

export const BENCHMARKS: readonly Benchmark[] = [linkBenchmark, tftpBenchmark, firmwareDownloadBenchmark, lampsBenchmark, callsBenchmark, fleetBenchmark];

const USAGE = `usage: npm run bench -- [--quick] [--strict] [NAME...]
  --quick   short runs (a smoke test: proves each benchmark works, not how fast)
  --strict  exit 1 when a target FAILs
  NAME      run only the benchmarks whose name contains NAME; one of: ${BENCHMARKS.map((b) => b.name).join(', ')}`;

export interface BenchArgs {
  quick: boolean;
  strict: boolean;
  filters: string[];
}

export function parseArgs(argv: readonly string[]): BenchArgs | string {
  const args: BenchArgs = { quick: false, strict: false, filters: [] };
  for (const a of argv) {
    if (a === '--quick') args.quick = true;
    else if (a === '--strict') args.strict = true;
    else if (a === '--help' || a === '-h') return USAGE;
    else if (a.startsWith('-')) return `bench: unknown option ${a}\n${USAGE}`;
    else args.filters.push(a);
  }
  return args;
}

export function select(filters: readonly string[]): Benchmark[] {
  if (filters.length === 0) return [...BENCHMARKS];
  return BENCHMARKS.filter((b) => filters.some((f) => b.name.includes(f)));
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (typeof args === 'string') {
    const help = args === USAGE;
    (help ? console.log : console.error)(args);
    return help ? 0 : 2;
  }
  const chosen = select(args.filters);
  if (chosen.length === 0) {
    console.error(`bench: no benchmark matches ${args.filters.join(', ')}\n${USAGE}`);
    return 2;
  }
  const verdicts: Verdict[] = [];
  for (const b of chosen) {
    console.log(`== ${b.name}: ${b.summary}${args.quick ? ' (quick)' : ''}`);
    const result = await b.run({ quick: args.quick });
    for (const t of result.tables) console.log(`${formatTable(t)}\n`);
    verdicts.push(...result.verdicts);
  }
  const failed = verdicts.filter((v) => !v.pass);
  console.log(`== targets: ${verdicts.length - failed.length} PASS, ${failed.length} FAIL`);
  for (const v of failed) console.log(`${passFail(false)}  ${v.target}`);
  return args.strict && failed.length > 0 ? 1 : 0;
}

process.exitCode = await main();
