// The acceptance tests: every scenario in test/scenarios runs on the mock link; the ones the issues
// name also run over a socat pty pair with the real serial binding, in real time.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScenarioInWorld } from '../../../sim/commands/run.ts';
import { loadScenarioFile } from '../../../sim/scenario/load.ts';

const DIR = join(import.meta.dirname, '..', '..', 'scenarios');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort();
/** Scenarios that also run over a real pty pair (real time, so keep them short). */
const OVER_PTY = new Set(['boot-no-upgrade.yaml', 'login-5340.yaml', 'call-two-sets.yaml']);
/**
 * The handsets' Multicall scenarios are written for the 5607; they run on the other handsets as they
 * are, and on a desk set, where the login starts with the HotDesking key and the line key takes a held
 * call back (the steps marked `# retrieve`).
 */
const HANDSET_CALLS = FILES.filter((f) => f.startsWith('call-handset-'));
const OTHER_MODELS = ['5604', '5614', '5340'];

/** The scenario as it reads on `model`: its profile swapped, and a desk set's login opened by HotDesking. */
function onModel(file: string, model: string): string {
  let text = readFileSync(join(DIR, file), 'utf8').replace(/^profile: 5607$/m, `profile: ${model}`);
  // a desk set opens the login with HotDesking, and takes a held call back with its line key
  if (model === '5340') text = text.replace(/^  - press: login$/m, '  - press: hotdesk\n  - press: login').replace(/^  - press: offhook +# retrieve.*$/gm, '  - press: key:1');
  const out = join(mkdtempSync(join(tmpdir(), 'hotdesk-model-')), file.replace('.yaml', `-${model}.yaml`));
  writeFileSync(out, text);
  return out;
}

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

describe('the handsets\' call scenarios on every other model', () => {
  it.each(HANDSET_CALLS.flatMap((f) => OTHER_MODELS.map((m) => [f, m] as const)))('%s on the %s', async (file, model) => {
    const result = await runScenarioInWorld(loadScenarioFile(onModel(file, model)), { link: { kind: 'mock' } });
    expect(explain(result)).toBe('ok');
  });
});

describe('scenarios over a socat pty pair', () => {
  it.each(FILES.filter((f) => OVER_PTY.has(f)))('%s', async (file) => {
    const result = await runScenarioInWorld(loadScenarioFile(join(DIR, file)), { link: { kind: 'pty' } });
    expect(explain(result)).toBe('ok');
  }, 60_000);
});
