// `hotdesk run` for CI: files and directories, PASS/FAIL and the totals, JUnit XML read back by a real
// JUnit parser (fast-xml-parser), the --json document, --timeout on the simulation clock, and the exit
// codes kept apart: 0 passed, 1 a step failed, 2 a bad file or usage, 3 the environment.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { BIN, type Ran } from '../../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'hotdesk-results-'));

function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env, cwd: dir });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const BOOT = 'name: boots\nprofile: 5340\nsteps:\n  - wait-display: "No User Logged In"\n    timeout: 30s\n';
const FAILS = 'name: expects a stranger\nprofile: 5340\nsteps:\n  - wait-display: "No User Logged In"\n    timeout: 30s\n  - expect-display: "Nobody here"\n';
const LONG = 'name: waits long\nprofile: 5340\nsteps:\n  - advance: 10m\n  - expect-display: "No User Logged In"\n';

// suite/a.yaml passes, suite/b.yaml fails at line 6, suite/deeper/c.yaml passes: two directories
mkdirSync(join(dir, 'suite', 'deeper'), { recursive: true });
writeFileSync(join(dir, 'suite', 'a.yaml'), BOOT);
writeFileSync(join(dir, 'suite', 'b.yaml'), FAILS);
writeFileSync(join(dir, 'suite', 'deeper', 'c.yaml'), BOOT.replace('boots', 'boots deeper'));
writeFileSync(join(dir, 'suite', 'notes.txt'), 'not a scenario');
writeFileSync(join(dir, 'long.yaml'), LONG);
writeFileSync(join(dir, 'pass.yaml'), BOOT);

describe('hotdesk run: results CI tools read', () => {
  it('a directory runs every .yaml below it, in name order, and ends with the totals', async () => {
    const r = await run(['run', 'suite']);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^PASS boots \(suite\/a\.yaml, 1 steps, \d+(\.\d)?m?s\)$/);
    expect(lines[1]).toBe('FAIL expects a stranger');
    expect(lines[2]).toBe('  suite/b.yaml:6: step 2 expect-display: "Nobody here": the display does not show "Nobody here"');
    expect(lines.at(-2)).toMatch(/^PASS boots deeper \(suite\/deeper\/c\.yaml/);
    expect(lines.at(-1)).toMatch(/^3 scenarios: 2 passed, 1 failed in \d+(\.\d)?m?s \(\d+(\.\d)?s simulated\)$/);
  });

  it('--junit writes JUnit XML: a testsuite per directory, a testcase per scenario, the failure with its line', async () => {
    const file = join(dir, 'results.xml');
    const r = await run(['run', 'suite', 'pass.yaml', '--junit', file]);
    expect(r.code).toBe(1);
    const xml = readFileSync(file, 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name) }).parse(xml);
    const suites = doc.testsuites;
    expect(suites).toMatchObject({ name: 'hotdesk run', tests: '4', failures: '1', errors: '0', skipped: '0' });
    expect(suites.testsuite.map((s: { name: string }) => s.name)).toEqual(['suite', 'suite/deeper', '.']);
    const [top, deeper, here] = suites.testsuite;
    expect(top).toMatchObject({ tests: '2', failures: '1' });
    expect(deeper).toMatchObject({ tests: '1', failures: '0' });
    expect(here).toMatchObject({ tests: '1', failures: '0' });
    const failed = top.testcase.find((c: { name: string }) => c.name === 'expects a stranger');
    expect(failed.file).toBe('suite/b.yaml');
    expect(failed.failure.message).toBe('suite/b.yaml:6: step 2 expect-display: "Nobody here": the display does not show "Nobody here"');
    expect(failed['system-out']).toContain('display: [No User Logged In]');
    const passed = top.testcase.find((c: { name: string }) => c.name === 'boots');
    expect(passed.failure).toBeUndefined();
    expect(Number(passed.time)).toBeGreaterThan(0);
  });

  it('--json prints the documented shape on stdout, and the PASS/FAIL lines on stderr', async () => {
    const r = await run(['run', 'suite/a.yaml', 'suite/b.yaml', '--json']);
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stdout);
    expect(Object.keys(result)).toEqual(['passed', 'failed', 'skipped', 'durationMs', 'simulatedMs', 'scenarios']);
    expect(result).toMatchObject({ passed: 1, failed: 1, skipped: 0 });
    expect(result.durationMs).toBeGreaterThan(0);
    expect(result.scenarios).toHaveLength(2);
    expect(result.scenarios[0]).toMatchObject({ file: 'suite/a.yaml', name: 'boots', status: 'passed', steps: 1, stepsRun: 1, failure: null });
    expect(result.scenarios[1]).toMatchObject({
      file: 'suite/b.yaml',
      status: 'failed',
      steps: 2,
      stepsRun: 2,
      failure: { line: 6, step: 2, message: 'the display does not show "Nobody here"', display: ['No User Logged In'] },
    });
    expect(r.stderr).toMatch(/^PASS boots/);
    expect(r.stderr).toMatch(/2 scenarios: 1 passed, 1 failed/);
  });

  it('--timeout bounds the whole run on the simulation clock: the step running fails, the rest is skipped', async () => {
    const r = await run(['run', 'pass.yaml', 'long.yaml', 'suite/a.yaml', '--timeout', '5m', '--json']);
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stdout);
    expect(result.scenarios.map((s: { status: string }) => s.status)).toEqual(['passed', 'failed', 'skipped']);
    expect(result.scenarios[1].failure).toMatchObject({ line: 4, step: 1, message: "the run's --timeout 5m ran out (simulation clock)" });
    expect(result.simulatedMs).toBe(5 * 60_000);
    // without it the same long scenario passes: the limit is what failed it
    expect((await run(['run', 'long.yaml'])).code).toBe(0);
  });

  it('a directory with no scenario, a path that is not there: exit 2 before anything runs', async () => {
    mkdirSync(join(dir, 'empty'), { recursive: true });
    const r = await run(['run', 'pass.yaml', 'empty', 'nope.yaml']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual(['hotdesk run: empty: a directory with no scenario in it (.yaml files)', 'hotdesk run: nope.yaml: cannot read the file (no such file)']);
  });

  it.each([
    [['sim', '--for', '5'], 'hotdesk sim: --for 5: a duration needs a unit (500ms, 30s, 2m, 1h)'],
    [['sim', '--for', '-5s'], 'hotdesk sim: --for -5s: a duration cannot be negative (500ms, 30s, 2m, 1h)'],
    [['run', 'pass.yaml', '--timeout', '90'], 'hotdesk run: --timeout 90: a duration needs a unit (500ms, 30s, 2m, 1h)'],
  ])('%j: exit 2 with the reason', async (args, line) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${line}\n`);
  });

  it('the environment is exit 3: a directory a result cannot be written in, socat missing for --link pty', async () => {
    const trace = await run(['run', 'pass.yaml', '--trace', join(dir, 'no-such-dir', 't.jsonl')]);
    expect(trace.code).toBe(3);
    expect(trace.stderr).toMatch(/^hotdesk run: --trace .*no-such-dir\/t\.jsonl: the directory .*no-such-dir does not exist\n$/);
    const junit = await run(['run', 'pass.yaml', '--junit', join(dir, 'no-such-dir', 'r.xml')]);
    expect(junit.code).toBe(3);
    // a PATH with node and nothing else: no socat
    const bin = join(dir, 'bin-node-only');
    mkdirSync(bin, { recursive: true });
    try {
      symlinkSync(process.execPath, join(bin, 'node'));
    } catch {
      // made by an earlier run of this case
    }
    const pty = await run(['run', 'pass.yaml', '--link', 'pty'], { ...process.env, PATH: bin });
    expect(pty.code).toBe(3);
    expect(pty.stderr).toBe('hotdesk run: socat is not installed (--link pty runs on a socat pty pair): apt-get install socat, or npm run peers\n');
  });

  it('--link pty shows its progress: the scenario as it starts, each step as it ends', async () => {
    const r = await run(['run', 'pass.yaml', '--link', 'pty']);
    expect(r.code).toBe(0);
    const progress = r.stderr.trim().split('\n');
    expect(progress[0]).toBe('RUN  boots (pass.yaml, 1 steps, pty link, real time)');
    expect(progress[1]).toMatch(/^  ok   1\/1 wait-display: "No User Logged In" \(\d+(\.\d)?m?s\)$/);
    expect(r.stdout).toMatch(/^PASS boots \(pass\.yaml/);
  }, 60_000);

  it('--version prints the package version; hotdesk profiles shows each model\'s firmware family', async () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string };
    const v = await run(['--version']);
    expect(v).toMatchObject({ code: 0, stdout: `hotdesk ${pkg.version}\n` });
    const p = await run(['profiles']);
    expect(p.code).toBe(0);
    const rows = p.stdout.trim().split('\n').map((l) => l.split(/\s{2,}/));
    expect(rows[0]).toEqual(['MODEL', 'KIND', 'NAME', 'DISPLAY', 'KEYS', 'LOGIN', 'FIRMWARE FAMILY']);
    expect(rows.find((r) => r[0] === '5340')?.at(-1)).toBe('53gx');
    expect(rows.find((r) => r[0] === '5607')?.at(-1)).toBe('5607');
    expect(rows.find((r) => r[0] === '5448')?.at(-1)).toBe('-'); // a key module has no firmware of its own
  });
});
