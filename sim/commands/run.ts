// `hotdesk run DIR|FILE...`: exit 0 when every step of every scenario passes, 1 with the failing step
// and the last display when one fails, 2 for a bad file (with its line and reason) before anything runs,
// 3 for the environment (cli.ts). Prints a line per scenario and the totals; `--junit FILE` and `--json`
// give the same to CI tools (sim/scenario/summary.ts, junit.ts); `--timeout D` bounds the whole run on
// the simulation clock (budget.ts).
import { writeFileSync } from 'node:fs';
import { parseLinkSpec } from '../link-spec.ts';
import { ScenarioFileError } from '../scenario/errors.ts';
import { loadScenarioFile, type Scenario } from '../scenario/load.ts';
import { runScenario, type ScenarioResult, type StepReport } from '../scenario/run.ts';
import { scenarioFiles } from '../scenario/collect.ts';
import { RunBudget } from '../scenario/budget.ts';
import { formatMs, jsonResult, outcomeOf, skippedOutcome, summarise, summaryLine, type ScenarioOutcome } from '../scenario/summary.ts';
import { junitXml } from '../scenario/junit.ts';
import { TraceWriter } from '../trace.ts';
import { World } from '../world.ts';
import { durationOption, EnvironmentError, UsageError } from './usage.ts';
import { ControlClient } from '../control/client.ts';
import { withRemoteController } from '../control/remote-target.ts';
import type { LinkSpec } from '../link-spec.ts';

export interface RunFileOptions {
  link: LinkSpec;
  tracePath?: string;
  pcapPath?: string;
  traceLamps?: boolean;
  /** Where the world's trace goes besides the file (tests collect records here). */
  traceWriter?: TraceWriter;
  /** `--control SOCK` (with `--link PATH`): the far controller's control socket, for the controller steps. */
  control?: string;
  /** Each step as it ends (`--link pty` prints them: a real-time run shows its progress). */
  onStep?: (step: StepReport) => void;
  /** `--timeout`: what is left of the run's simulation time. */
  budget?: RunBudget;
}

/** Runs one loaded scenario in a world of its own. */
export async function runScenarioInWorld(scenario: Scenario, o: RunFileOptions): Promise<ScenarioResult> {
  // connected first: no controller at the socket is the environment's (exit 3), before any port opens
  const client = o.control === undefined ? undefined : await ControlClient.connect(o.control);
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
    const target = client ? withRemoteController(world, client) : world;
    return await runScenario(scenario, o.budget ? o.budget.hold(target) : target, (step) => {
      world.trace.forNode('runner').record({ kind: 'info', message: `step ${step.index} ${step.ok ? 'ok' : 'FAILED'}: ${step.description}` });
      o.onStep?.(step);
    });
  } finally {
    client?.close();
    await world.close();
  }
}

export async function commandRun(values: Record<string, unknown>, args: string[]): Promise<number> {
  if (args.length === 0) throw new UsageError('name at least one scenario file or directory');
  const link = parseLinkSpec(values.link as string | undefined);
  const control = values.control as string | undefined;
  if (control !== undefined && link.kind !== 'port') throw new UsageError('--control is for --link PATH: the controller is another process at the far end of the port');
  const timeoutMs = durationOption(values, 'timeout');
  const budget = timeoutMs === undefined ? undefined : new RunBudget(timeoutMs, `--timeout ${String(values.timeout)}`);
  const scenarios: Scenario[] = [];
  const named = scenarioFiles(args);
  const bad = named.bad.map((e) => e.message);
  for (const file of named.files) {
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
  // --json: stdout is the JSON document alone; what a person reads goes to stderr
  const say = (text: string) => (values.json ? process.stderr : process.stdout).write(text);
  // a real-time run (ptys, ports) takes a while: each step is shown as it ends
  const progress = link.kind !== 'mock' && link.kind !== 'frames';
  // With several scenarios, each gets its own trace/pcap file (name.1.jsonl, ...), never interleaved.
  const perFile = (path: unknown, i: number) =>
    typeof path !== 'string' ? undefined : scenarios.length === 1 ? path : path.replace(/(\.[^./]*)?$/, `.${i + 1}$1`);
  const started = performance.now();
  const outcomes: ScenarioOutcome[] = [];
  for (const [i, scenario] of scenarios.entries()) {
    if (budget?.spent) {
      outcomes.push(skippedOutcome(scenario, `not run: the run's ${budget.label} ran out`));
      say(`SKIP ${scenario.name} (${scenario.file}): the run's ${budget.label} ran out\n`);
      continue;
    }
    if (progress) process.stderr.write(`RUN  ${scenario.name} (${scenario.file}, ${scenario.steps.length} steps, ${link.kind} link, real time)\n`);
    const onStep = progress
      ? (step: StepReport) => process.stderr.write(`  ${step.ok ? 'ok  ' : 'FAIL'} ${step.index}/${scenario.steps.length} ${step.description} (${formatMs(step.t)})\n`)
      : undefined;
    const t0 = performance.now();
    const result = await runScenarioInWorld(scenario, { link, control, tracePath: perFile(values.trace, i), pcapPath: perFile(values.pcap, i), traceLamps: !!values['trace-lamps'], onStep, budget });
    const outcome = outcomeOf(scenario, result, performance.now() - t0);
    outcomes.push(outcome);
    if (result.ok) {
      say(`PASS ${scenario.name} (${scenario.file}, ${result.steps.length} steps, ${formatMs(outcome.durationMs)})\n`);
    } else {
      const f = result.failed!;
      say(
        `FAIL ${scenario.name}\n  ${scenario.file}:${f.line}: step ${f.index} ${f.description}: ${f.reason}\n` +
          `  display: ${result.lastDisplay.map((l) => `[${l}]`).join(' ') || '(blank)'}\n`,
      );
    }
  }
  const run = summarise(outcomes, performance.now() - started);
  say(summaryLine(run) + '\n');
  if (typeof values.junit === 'string') writeResult(values.junit, junitXml(run));
  if (values.json) process.stdout.write(jsonResult(run));
  return run.failed > 0 || run.skipped > 0 ? 1 : 0;
}

function writeResult(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (err) {
    throw new EnvironmentError(`cannot write ${path} (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
}
