// Smoke test of `npm run bench`: with --quick every benchmark runs end to end in one process and
// prints its tables and target verdicts; a name filter picks benchmarks; bad arguments exit 2. What
// the numbers are is the benchmark's business (machine- and load-dependent): nothing here times.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function bench(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/run-ts.js', 'bench/index.ts', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('npm run bench -- --quick', () => {
  it('runs every benchmark and prints a table each, with ratios and PASS/FAIL against the targets', () => {
    const r = bench('--quick');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^== link: /m);
    expect(r.out).toMatch(/^== tftp: /m);
    expect(r.out).toMatch(/^== fleet: .*\(quick\)$/m);
    // the link throughput table: baseline at ratio 1, then the stack over the mock wire, both ways
    expect(r.out).toMatch(/^baseline: copy 512 B into a ring\s+[\d,]+\s+[\d,.]+\s+1$/m);
    expect(r.out).toMatch(/^mock wire, phone -> router\s+[\d,]+\s+[\d,.]+\s+[\d.e-]+$/m);
    expect(r.out).toMatch(/^mock wire, both directions at once\s+[\d,]+/m);
    expect(r.out).toMatch(/^ {2}(PASS|FAIL) {2}whole stack over the mock wire, one direction >= 20,000 datagrams\/s$/m);
    expect(r.out).toMatch(/^ {2}(PASS|FAIL) {2}idle link over the mock wire \(wire \+ both stacks\) < 64 KiB$/m);
    // the link's own bookkeeping is exact, whatever the machine: no datagram may be dropped
    expect(r.out).toMatch(/^ {2}PASS {2}no datagram dropped by either stack$/m);
    expect(r.out).toMatch(/^1428\/8\s/m);
    expect(r.out).toMatch(/^== targets: \d+ PASS, \d+ FAIL$/m);
  }, 120_000);

  it('runs only the benchmarks a name filter picks', () => {
    const r = bench('--quick', 'tftp');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^== tftp: /m);
    expect(r.out).not.toMatch(/^== link: /m);
  }, 60_000);

  it('refuses an unknown option or a name that matches nothing, with exit code 2', () => {
    const bad = bench('--fast');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/unknown option --fast/);
    const none = bench('--quick', 'nosuch');
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/no benchmark matches nosuch/);
  }, 60_000);
});
