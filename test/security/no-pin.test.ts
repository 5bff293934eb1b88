// "No PIN in any trace, pcap or log": every scenario in test/scenarios runs through the CLI
// (`hotdesk run`) with a trace and a pcap each into a temp dir, plus a run that fails in the middle of a
// PIN and a file that is refused; then every byte written (traces, pcaps, stdout, stderr) is searched
// for every user's PIN, as text and as key records (pin-scan.ts says how, and which PINs are too short
// to search for). The last test proves the search finds a PIN that did leak.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, copyFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../sim/scenario/load.ts';
import { MIN_PIN_DIGITS, keyRuns, scanFile, searchablePins, type PinHit } from './pin-scan.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const SCENARIOS = join(ROOT, 'test', 'scenarios');
const FILES = readdirSync(SCENARIOS).filter((f) => f.endsWith('.yaml')).sort().map((f) => join(SCENARIOS, f));

interface Cli {
  code: number;
  stdout: string;
  stderr: string;
}

function hotdesk(args: string[]): Promise<Cli> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'bin', 'hotdesk.js'), ...args], { cwd: ROOT, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'hotdesk-no-pin-'));
/** Every user PIN of every scenario, and the scenarios' PINs worth searching for. */
const allPins = FILES.flatMap((f) => {
  const world = loadScenarioFile(f).controller;
  return [...(world?.users ?? []), ...(world?.agents ?? [])].map((u) => u.pin); // ACD agents' PINs too
});
const pins = searchablePins([...allPins, '24680', '13579']); // the last two: the failing and refused runs below
let runs: Record<string, Cli> = {};

/** Stops in the middle of a PIN: the failure report shows the last display, which must be masked. */
const FAILS_IN_PIN = `
name: fails while a PIN is typed
profile: 5340
controller:
  users: [{ ext: "5123", pin: "24680", name: "Alice Smith" }]
steps:
  - wait-display: "No User Logged In"
    timeout: 30s
  - press: hotdesk
  - press: login
  - dial: "5123"
  - press: ok
  - dial: "2468"
  - expect-display: "this is never shown"
`;
/** Refused before it runs (exit 2): the reason names the field, never the PIN next to it. */
const REFUSED = `
name: a bad user entry next to a PIN
profile: 5340
controller:
  users: [{ ext: "5123", pin: "13579", colour: "blue" }]
steps:
  - advance: 1s
`;

beforeAll(async () => {
  writeFileSync(join(dir, 'fails-in-pin.yaml'), FAILS_IN_PIN);
  writeFileSync(join(dir, 'refused.yaml'), REFUSED);
  const [all, failing, refused] = await Promise.all([
    hotdesk(['run', ...FILES, '--trace', join(dir, 'all.jsonl'), '--pcap', join(dir, 'all.pcap'), '--trace-lamps']),
    hotdesk(['run', join(dir, 'fails-in-pin.yaml'), '--trace', join(dir, 'failing.jsonl'), '--pcap', join(dir, 'failing.pcap')]),
    hotdesk(['run', join(dir, 'refused.yaml')]),
  ]);
  runs = { all, failing, refused };
  for (const [name, r] of Object.entries(runs)) {
    writeFileSync(join(dir, `${name}.stdout.log`), r.stdout);
    writeFileSync(join(dir, `${name}.stderr.log`), r.stderr);
  }
}, 120_000);

/** Everything the runs wrote, except the scenario files this test wrote itself (they hold PINs by design). */
function written(): string[] {
  return readdirSync(dir).filter((f) => !f.endsWith('.yaml')).map((f) => join(dir, f));
}

function scan(files: string[]): PinHit[] {
  return files.flatMap((f) => scanFile(f, readFileSync(f), pins));
}

describe('no PIN in any trace, pcap or log', () => {
  it('the runs did what they should (so there is something to scan)', () => {
    expect(runs.all.code, runs.all.stdout + runs.all.stderr).toBe(0);
    expect(runs.failing.code).toBe(1);
    expect(runs.failing.stdout + runs.failing.stderr).toContain('***'); // the masked last display
    expect(runs.refused.code).toBe(2);
    expect(runs.refused.stderr).toContain('colour');
    const files = written();
    expect(files.filter((f) => f.endsWith('.jsonl'))).toHaveLength(FILES.length + 1);
    expect(files.filter((f) => f.endsWith('.pcap'))).toHaveLength(FILES.length + 1);
    // PIN entry happened and was traced as key records: the key-record search has something to read
    const masked = files.filter((f) => f.endsWith('.jsonl')).filter((f) => readFileSync(f, 'utf8').includes('"key":"masked"'));
    expect(masked.length).toBeGreaterThan(FILES.length / 2);
    expect(pins.length).toBeGreaterThanOrEqual(5);
  });

  it(`no PIN of ${MIN_PIN_DIGITS}+ digits anywhere in what the runs wrote`, () => {
    const hits = scan(written());
    expect(hits.map((h) => `${h.file}: ${h.how} [${h.context}]`)).toEqual([]);
  });

  it('the search finds a PIN that leaked, as text and as key records, in a trace and a pcap', () => {
    const trace = join(dir, 'all.1.jsonl');
    const pcap = join(dir, 'all.1.pcap');
    const leakTrace = join(dir, 'leak.jsonl');
    const leakKeys = join(dir, 'leak-keys.jsonl');
    const leakPcap = join(dir, 'leak.pcap');
    copyFileSync(trace, leakTrace);
    appendFileSync(leakTrace, `${JSON.stringify({ seq: 1e6, t: 1, node: 'phone:x', kind: 'info', message: 'pin=4711' })}\n`);
    copyFileSync(trace, leakKeys);
    for (const key of ['hotdesk', '1', '2', '3', '4', 'ok']) appendFileSync(leakKeys, `${JSON.stringify({ seq: 1e6, t: 1, node: 'phone:x', kind: 'key', key })}\n`);
    copyFileSync(pcap, leakPcap);
    appendFileSync(leakPcap, Buffer.from([0x00, 0xff, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x00]));
    const hits = scan([leakTrace, leakKeys, leakPcap]);
    expect(hits.map((h) => [h.file.slice(dir.length + 1), h.pin, h.how])).toEqual([
      ['leak.jsonl', '4711', 'text'],
      ['leak-keys.jsonl', '1234', 'key-records'],
      ['leak.pcap', '12345678', 'text'],
    ]);
    // ... and not a PIN inside a longer number, nor a key run that only contains part of it
    expect(scanFile('x.jsonl', Buffer.from('{"seq":4711,"t":104711.5,"kind":"frame","summary":"len 47110"}\n'), ['4711'])).toEqual([]);
    expect(keyRuns(['1', '2', 'ok', '3', '4'].map((key) => JSON.stringify({ node: 'p', kind: 'key', key })).join('\n'))).toEqual(['12', '34']);
  });

  it(`PINs under ${MIN_PIN_DIGITS} digits are not searched for (a blank PIN is in every file)`, () => {
    expect(searchablePins(['', '7', '42', '123', '0000', '12a4'])).toEqual(['123', '0000']);
  });
});
