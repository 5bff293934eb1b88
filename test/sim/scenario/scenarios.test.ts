// The acceptance tests: every scenario in test/scenarios runs on the mock link; the ones the issues
// name also run over a socat pty pair with the real serial binding, in real time.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScenarioInWorld } from '../../../sim/commands/run.ts';
import { loadScenarioFile } from '../../../sim/scenario/load.ts';

const DIR = join(import.meta.dirname, '..', '..', 'scenarios');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort();
/** Scenarios that also run over a real pty pair (real time, so keep them short). */
const OVER_PTY = new Set(['boot-no-upgrade.yaml', 'login-5340.yaml']);

function explain(result: Awaited<ReturnType<typeof runScenarioInWorld>>): string {
  if (result.ok) return 'ok';
  const f = result.failed!;
  return `${result.file}:${f.line} ${f.description}: ${f.reason}; display [${result.lastDisplay.join(' | ')}]`;
}

describe('scenarios on the mock link', () => {
  it.each(FILES)('%s', async (file) => {
    const result = await runScenarioInWorld(loadScenarioFile(join(DIR, file)), { link: { kind: 'mock' } });
    expect(explain(result)).toBe('ok');
  });
});

describe('scenarios over a socat pty pair', () => {
  it.each(FILES.filter((f) => OVER_PTY.has(f)))('%s', async (file) => {
    const result = await runScenarioInWorld(loadScenarioFile(join(DIR, file)), { link: { kind: 'pty' } });
    expect(explain(result)).toBe('ok');
  }, 60_000);
});
