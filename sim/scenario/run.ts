// Runs a loaded scenario against a target, step by step, stopping at the first step that fails.
import { StepFailure } from './errors.ts';
import type { Scenario } from './load.ts';
import type { ScenarioTarget } from './target.ts';
import { VERBS } from './verbs.ts';

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
      await verb.run(target, step.arg);
      report = { index: index + 1, line: step.line, description, ok: true, t: target.now() };
    } catch (err) {
      // A StepFailure is the step not holding; anything else (a controller action on a link without a
      // controller, say) is still this step's failure, reported with its message rather than a stack.
      const reason = err instanceof StepFailure || err instanceof Error ? err.message : String(err);
      report = { index: index + 1, line: step.line, description, ok: false, reason, t: target.now() };
    }
    target.select?.(undefined);
    steps.push(report);
    onStep?.(report);
    if (!report.ok) {
      return { name: scenario.name, file: scenario.file, ok: false, steps, failed: report, lastDisplay: target.display() };
    }
  }
  return { name: scenario.name, file: scenario.file, ok: true, steps, lastDisplay: target.display() };
}
