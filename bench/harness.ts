// What every benchmark shares: how it is described to bench/index.ts, how rates are sampled, and how
// a result is printed. Absolute speed depends on the machine and its load; a benchmark's verdict rests
// on RATIOS to a baseline measured in the same process, interleaved with the subject, so both see the
// same machine. Targets stated in absolute units are printed with PASS/FAIL but never fail the run.
import { performance } from 'node:perf_hooks';

export interface BenchOptions {
  /** Short runs: a smoke test proves the benchmark works, not how fast. */
  quick: boolean;
}

export interface Table {
  title: string;
  columns: string[];
  rows: (string | number)[][];
  /** Lines printed under the table: targets with PASS/FAIL, explanations. */
  notes?: string[];
}

export interface Verdict {
  target: string;
  pass: boolean;
}

export interface BenchResult {
  tables: Table[];
  verdicts: Verdict[];
}

export interface Benchmark {
  name: string;
  summary: string;
  run(opts: BenchOptions): Promise<BenchResult>;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Rates of several subjects, sampled in rounds: each round runs every subject once, in turn, so a
 * burst of load from a neighbour hits them all alike. A subject returns how many operations it did;
 * the result per subject is the median rate over rounds, in operations per second.
 */
export async function interleavedRates(
  subjects: ReadonlyArray<{ name: string; run: () => number | Promise<number> }>,
  rounds: number,
): Promise<Map<string, number[]>> {
  const samples = new Map<string, number[]>(subjects.map((s) => [s.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const s of subjects) {
      const start = performance.now();
      const ops = await s.run();
      const ms = performance.now() - start;
      samples.get(s.name)!.push((ops * 1000) / ms);
    }
  }
  return samples;
}

/** 12345.6 -> "12,346"; small numbers keep a few significant digits. */
export function fmt(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x);
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString('en-US');
  return Number(x.toPrecision(digits)).toString();
}

export function passFail(pass: boolean): string {
  return pass ? 'PASS' : 'FAIL';
}

export function formatTable(t: Table): string {
  const cells = [t.columns, ...t.rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)))];
  const widths = t.columns.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  const line = (r: (string | number)[]) =>
    r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [t.title, line(cells[0]), rule, ...cells.slice(1).map(line), ...(t.notes ?? []).map((n) => `  ${n}`)].join('\n');
}
