// `hotdesk run SCENARIO...`: exit 0 when every step of every scenario passes, 1 with the failing step
// and the last display when one fails, 2 for a bad file (with its line and reason) before anything runs.
import { parseLinkSpec } from '../link-spec.ts';
import { ScenarioFileError } from '../scenario/errors.ts';
import { loadScenarioFile, type Scenario } from '../scenario/load.ts';
import { runScenario, type ScenarioResult } from '../scenario/run.ts';
import { TraceWriter } from '../trace.ts';
import { World } from '../world.ts';
import { UsageError } from './usage.ts';
import type { LinkSpec } from '../link-spec.ts';

export interface RunFileOptions {
  link: LinkSpec;
  tracePath?: string;
  pcapPath?: string;
  traceLamps?: boolean;
  /** Where the world's trace goes besides the file (tests collect records here). */
  traceWriter?: TraceWriter;
}

/** Runs one loaded scenario in a world of its own. */
export async function runScenarioInWorld(scenario: Scenario, o: RunFileOptions): Promise<ScenarioResult> {
  const world = await World.build({
    profile: scenario.profile,
    config: scenario.controller,
    phoneFirmware: scenario.phone.firmware,
    extraPhones: scenario.phones,
    dn: scenario.phone.dn,
    pkms: scenario.phone.pkms,
    link: o.link,
    seed: scenario.seed,
    trace: o.traceWriter,
    tracePath: o.tracePath,
    pcapPath: o.pcapPath,
    traceLamps: o.traceLamps,
  });
  try {
    return await runScenario(scenario, world, (step) => {
      world.trace.forNode('runner').record({ kind: 'info', message: `step ${step.index} ${step.ok ? 'ok' : 'FAILED'}: ${step.description}` });
    });
  } finally {
    await world.close();
  }
}

export async function commandRun(values: Record<string, unknown>, files: string[]): Promise<number> {
  if (files.length === 0) throw new UsageError('name at least one scenario file');
  const link = parseLinkSpec(values.link as string | undefined);
  const scenarios: Scenario[] = [];
  const bad: string[] = [];
  for (const file of files) {
    try {
      scenarios.push(loadScenarioFile(file));
    } catch (err) {
      if (!(err instanceof ScenarioFileError)) throw err;
      bad.push(err.message);
    }
  }
  if (bad.length > 0) {
    for (const line of bad) process.stderr.write(`hotdesk run: ${line}\n`);
    return 2;
  }
  // With several scenarios, each gets its own trace/pcap file (name.1.jsonl, ...), never interleaved.
  const perFile = (path: unknown, i: number) =>
    typeof path !== 'string' ? undefined : scenarios.length === 1 ? path : path.replace(/(\.[^./]*)?$/, `.${i + 1}$1`);
  let failures = 0;
  for (const [i, scenario] of scenarios.entries()) {
    const result = await runScenarioInWorld(scenario, { link, tracePath: perFile(values.trace, i), pcapPath: perFile(values.pcap, i), traceLamps: !!values['trace-lamps'] });
    if (result.ok) {
      process.stdout.write(`PASS ${scenario.name} (${scenario.file}, ${result.steps.length} steps)\n`);
    } else {
      failures++;
      const f = result.failed!;
      process.stdout.write(
        `FAIL ${scenario.name}\n  ${scenario.file}:${f.line}: step ${f.index} ${f.description}: ${f.reason}\n` +
          `  display: ${result.lastDisplay.map((l) => `[${l}]`).join(' ') || '(blank)'}\n`,
      );
    }
  }
  return failures > 0 ? 1 : 0;
}
