// What `hotdesk run` reports (docs/scenarios.md "Results"): per scenario passed, failed or skipped, with
// its steps and times, and the failing step's line, reason and display; the totals as one line, and the
// same as JSON (`--json`) in a documented shape that CI tools read.
import type { Scenario } from './load.ts';
import type { ScenarioResult } from './run.ts';

export type ScenarioStatus = 'passed' | 'failed' | 'skipped';

export interface ScenarioOutcome {
  file: string;
  name: string;
  status: ScenarioStatus;
  /** The steps the scenario has. */
  steps: number;
  /** The steps that ran (up to and with the failing one). */
  stepsRun: number;
  /** Wall-clock time the scenario took. */
  durationMs: number;
  /** Simulation-clock time it covered (virtual on the mock wire). */
  simulatedMs: number;
  /** Why it failed (null when it passed); for a skipped one, why it did not run. */
  failure: { line: number; step: number; description: string; message: string; display: string[] } | null;
}

export interface RunSummary {
  passed: number;
  failed: number;
  skipped: number;
  durationMs: number;
  simulatedMs: number;
  scenarios: ScenarioOutcome[];
}

export function outcomeOf(scenario: Scenario, result: ScenarioResult, durationMs: number): ScenarioOutcome {
  const f = result.failed;
  return {
    file: scenario.file,
    name: scenario.name,
    status: result.ok ? 'passed' : 'failed',
    steps: scenario.steps.length,
    stepsRun: result.steps.length,
    durationMs: Math.round(durationMs),
    simulatedMs: Math.round(result.steps.at(-1)?.t ?? 0),
    failure: f ? { line: f.line, step: f.index, description: f.description, message: f.reason ?? 'failed', display: result.lastDisplay } : null,
  };
}

export function skippedOutcome(scenario: Scenario, why: string): ScenarioOutcome {
  return { file: scenario.file, name: scenario.name, status: 'skipped', steps: scenario.steps.length, stepsRun: 0, durationMs: 0, simulatedMs: 0, failure: { line: 0, step: 0, description: '', message: why, display: [] } };
}

export function summarise(outcomes: ScenarioOutcome[], durationMs: number): RunSummary {
  const count = (s: ScenarioStatus) => outcomes.filter((o) => o.status === s).length;
  return {
    passed: count('passed'),
    failed: count('failed'),
    skipped: count('skipped'),
    durationMs: Math.round(durationMs),
    simulatedMs: outcomes.reduce((sum, o) => sum + o.simulatedMs, 0),
    scenarios: outcomes,
  };
}

/** 1.2s, 3m 20s, 1h 2m: a time as a person reads it. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

/** The run's last line: `3 scenarios: 2 passed, 1 failed in 4.2s (12m 5s simulated)`. */
export function summaryLine(run: RunSummary): string {
  const total = run.scenarios.length;
  const parts = [`${run.passed} passed`, `${run.failed} failed`, ...(run.skipped > 0 ? [`${run.skipped} skipped`] : [])];
  return `${total} scenario${total === 1 ? '' : 's'}: ${parts.join(', ')} in ${formatMs(run.durationMs)} (${formatMs(run.simulatedMs)} simulated)`;
}

/** The `--json` document: the summary as it is (its shape is documented in docs/scenarios.md). */
export function jsonResult(run: RunSummary): string {
  return JSON.stringify(run, null, 2) + '\n';
}
