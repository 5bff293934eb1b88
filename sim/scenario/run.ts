// Runs a loaded scenario against a target, step by step, stopping at the first step that fails.
import { StepFailure } from './errors.ts';
import type { Scenario } from './load.ts';
import type { ScenarioTarget } from './target.ts';
import { VERBS } from './verbs.ts';

/** The phone under test's name, for a step without `on:` (as load.ts and the World name it). */
const MAIN_PHONE = 'phone';

export interface StepReport {
  index: number;
  line: number;
  description: string;
  ok: boolean;
  reason?: string;
  /** Simulation time when the step ended. */
  t: number;
}

export interface ScenarioResult {
  name: string;
  file: string;
  ok: boolean;
  steps: StepReport[];
  failed?: StepReport;
  /** What the failing step's phone showed when it failed (its `on:`); when all passed, the phone under test's. */
  lastDisplay: string[];
}

export async function runScenario(
  scenario: Scenario,
  target: ScenarioTarget,
  onStep?: (report: StepReport) => void,
): Promise<ScenarioResult> {
  const steps: StepReport[] = [];
  for (const [index, step] of scenario.steps.entries()) {
    const verb = VERBS[step.verb];
    const description = `${verb.describe(step.arg)}${step.on ? ` (on ${step.on})` : ''}`;
    let report: StepReport;
    try {
      target.select?.(step.on);
      await verb.run(target, step.arg, step.on ?? MAIN_PHONE);
      report = { index: index + 1, line: step.line, description, ok: true, t: target.now() };
    } catch (err) {
      // A StepFailure is the step not holding; anything else (a controller action on a link without a
      // controller, say) is still this step's failure, reported with its message rather than a stack.
      const reason = err instanceof StepFailure || err instanceof Error ? err.message : String(err);
      report = { index: index + 1, line: step.line, description, ok: false, reason, t: target.now() };
    }
    // read before deselecting: a failing step's report shows the display of the phone it was on
    const failedDisplay = report.ok ? undefined : target.display();
    target.select?.(undefined);
    steps.push(report);
    onStep?.(report);
    if (failedDisplay !== undefined) {
      return { name: scenario.name, file: scenario.file, ok: false, steps, failed: report, lastDisplay: failedDisplay };
    }
  }
  return { name: scenario.name, file: scenario.file, ok: true, steps, lastDisplay: target.display() };
}
