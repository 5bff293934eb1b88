// The administrator's controller actions as scenarios write them (issue 12): `locate`, `reset-pin`,
// `remote-logout` without `by`, `schedule-logout: { scope }`. A typo is a load error with its line
// (exit 2), a PIN is never in an error, a step's description or a trace, and a reset PIN is known
// to the suite's PIN audit like the world's own.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runScenarioInWorld } from '../../../sim/commands/run.ts';
import { loadScenarioFile, parseScenario } from '../../../sim/scenario/load.ts';
import { scenarioErrorOf } from '../../support/scenario-error.ts';
import { VERBS } from '../../../sim/scenario/verbs.ts';
import { auditDirectory } from '../../audit/pin-audit.ts';
import { hotdesk } from '../../support/cli.ts';

const SCENARIOS = join(import.meta.dirname, '..', '..', 'scenarios');
const HEAD = `name: x
profile: 5340
controller:
  users: [{ ext: "5123", pin: "1234" }]
steps:
  - advance: 1s
`;
const STEP = HEAD.split('\n').length;

const errorOf = (text: string) => scenarioErrorOf(text);

describe('the administrator\'s actions at load', () => {
  it.each([
    ['  - controller: { schedule-logout: { scope: externl } }\n', 0, 'controller schedule-logout "scope" must be one of all, internal, external (got "externl")'],
    ['  - controller:\n      schedule-logout:\n        scope: everyone\n', 2, 'controller schedule-logout "scope" must be one of all, internal, external (got "everyone")'],
    ['  - controller: { schedule-logout: { scop: all } }\n', 0, 'unknown field "scop" in controller schedule-logout (fields: scope)'],
    ['  - controller: { locate: { ext: "5123", expect: nobody } }\n', 0, 'controller locate "expect" takes { set: DN } or none (got "nobody")'],
    ['  - controller:\n      locate:\n        ext: "5123"\n        expect: { sett: "2001" }\n', 3, 'unknown field "sett" in controller locate "expect" ({ set: DN } or none)'],
    ['  - controller: { locate: { ext: "5123", expect: { set: desk } } }\n', 0, 'controller locate "expect" "set" must be a DN (digits; got "desk")'],
    ['  - controller: { locate: {} }\n', 0, 'controller locate needs "ext": a DN (digits)'],
    ['  - controller: { reset-pin: { ext: "5123" } }\n', 0, 'controller reset-pin needs "pin": a PIN of 0 to 8 digits, quoted'],
    ['  - controller: { remote-logout: { ext: "5123", expect: gone } }\n', 0, /controller remote-logout "expect" must be one of done, waiting/],
  ])('%j', (step, lineOffset, message) => {
    const err = errorOf(HEAD + step);
    expect(err.line).toBe(STEP + (lineOffset as number));
    if (typeof message === 'string') expect(err.reason).toBe(message);
    else expect(err.reason).toMatch(message);
  });

  it.each([
    ['86420x', '"86420x"'],
    ['123456789', '"123456789"'],
    ['86420', '86420'], // unquoted: a number, whose leading zeros YAML would drop
  ])('a bad PIN (%s) is refused without showing it', (pin, written) => {
    const err = errorOf(HEAD + `  - controller: { reset-pin: { ext: "5123", pin: ${written} } }\n`);
    expect(err.line).toBe(STEP);
    expect(err.reason).toBe('controller reset-pin "pin" must be 0 to 8 digits, quoted ("" is a blank PIN)');
    expect(err.message).not.toContain(pin);
  });

  it('a step\'s description hides the PIN', () => {
    const scenario = parseScenario(HEAD + '  - controller: { reset-pin: { ext: "5123", pin: "86420" } }\n', 'f.yaml');
    const step = scenario.steps.at(-1)!;
    const said = VERBS[step.verb].describe(step.arg);
    expect(said).toBe('controller: {"reset-pin":{"ext":"5123","pin":"(not shown)"}}');
  });

  it('hotdesk run exits 2 naming the file and line of an unknown scope', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'hotdesk-admin-')), 'scope.yaml');
    writeFileSync(file, HEAD + '  - controller: { schedule-logout: { scope: extrenal } }\n');
    const ran = await hotdesk(['run', file]);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toBe(`hotdesk run: ${file}:${STEP}: controller schedule-logout "scope" must be one of all, internal, external (got "extrenal")\n`);
  });
});

describe('a reset PIN and the PIN audit', () => {
  const saved = process.env.HOTDESK_ARTIFACTS;
  afterEach(() => {
    process.env.HOTDESK_ARTIFACTS = saved;
  });

  it('is registered with the audit, and is in no trace or capture of the run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotdesk-admin-audit-'));
    process.env.HOTDESK_ARTIFACTS = dir;
    const result = await runScenarioInWorld(loadScenarioFile(join(SCENARIOS, 'admin-reset-pin.yaml')), { link: { kind: 'mock' } });
    expect(result.ok).toBe(true);
    const audit = auditDirectory(dir);
    expect(audit.digests).toBe(3); // the world's 1234, and the two PINs reset to
    expect(audit.leaks).toEqual([]);
    const trace = readdirSync(dir).find((n) => n.endsWith('.jsonl'))!;
    const text = readFileSync(join(dir, trace), 'utf8');
    expect(text).toContain('reset-pin');
    expect(text).toContain('pin of 5123 reset by the administrator');
    // the audit would see it: the new PIN written into the trace is a leak
    writeFileSync(join(dir, trace), text + JSON.stringify({ node: 'x', kind: 'info', message: 'pin 97531' }) + '\n');
    expect(auditDirectory(dir).leaks).toEqual([`${trace}: a PIN of 5 digits`]);
  });
});
