// examples/: every ready config loads as `--config` takes it, its phones register, and a user it
// documents logs in on the phone under test; the demo `npm start` opens is the one the README describes.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScenarioInWorld } from '../../sim/commands/run.ts';
import { loadProfile } from '../../sim/profiles.ts';
import { parseScenario } from '../../sim/scenario/load.ts';
import { loadWorldFile } from '../../sim/scenario/world-file.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const DIR = join(ROOT, 'examples');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort();

/** The steps that log `ext` in with `pin` on a model, as its login method has them. */
function loginSteps(model: string, ext: string, pin: string): string[] {
  const open = loadProfile(model).loginMethod === 'handset-hotdesk-mode' ? ['  - press: login'] : ['  - press: hotdesk', '  - press: login'];
  return [...open, `  - dial: "${ext}"`, '  - press: ok', ...(pin ? [`  - dial: "${pin}"`] : []), '  - press: ok'];
}

describe('examples/', () => {
  it('holds the demo, a small office, a resilient cluster and a ward of 5607 handsets', () => {
    expect(FILES).toEqual(expect.arrayContaining(['demo.yaml', 'office.yaml', 'cluster.yaml', 'ward-5607.yaml']));
    const ward = loadWorldFile(join(DIR, 'ward-5607.yaml'));
    expect([ward.profile, ...ward.phones.map((p) => p.profile)].every((m) => m === '5607')).toBe(true);
    const cluster = loadWorldFile(join(DIR, 'cluster.yaml'));
    expect(cluster.controller.cluster.length).toBeGreaterThan(0);
    expect(cluster.controller.users.some((u) => u.secondary)).toBe(true);
  });

  it.each(FILES)('%s: loads, its phones register, and its first user logs in', async (file) => {
    const path = join(DIR, file);
    const world = loadWorldFile(path);
    const user = world.controller.users[0];
    const model = world.profile ?? '5340';
    // the file as it is, with steps: the world it describes is the scenario's
    const steps = [
      '  - wait-display: "No User Logged In"',
      '    timeout: 60s',
      ...world.phones.flatMap((p) => [`  - wait-display: "No User Logged In"`, `    on: ${p.name}`, '    timeout: 60s']),
      ...loginSteps(model, user.ext, user.pin),
      `  - wait-display: "${user.name}"`,
      '    timeout: 10s',
      `  - expect-user: { ext: "${user.ext}", name: "${user.name}" }`,
    ];
    const scenario = parseScenario(`${readFileSync(path, 'utf8')}\nsteps:\n${steps.join('\n')}\n`, path);
    const result = await runScenarioInWorld(scenario, { link: { kind: 'mock' } });
    const f = result.failed;
    expect(f ? `${f.description}: ${f.reason} [${result.lastDisplay.join(' | ')}]` : 'ok').toBe('ok');
  }, 60_000);

  it("demo.yaml: the reception set's BLF keys and key module watch the demo users and the second phone", async () => {
    const path = join(DIR, 'demo.yaml');
    const steps = [
      '  - wait-display: "No User Logged In"',
      '    timeout: 60s',
      '  - wait-display: "No User Logged In"',
      '    on: desk2',
      '    timeout: 60s',
      '  - advance: 2s',
      '  - expect-lamp: { key: 2, cadence: hotdesk-logged-out }',
      '  - expect-lamp: { key: pkm1:1, cadence: idle }',
      '  - expect-lamp: { key: pkm1:2, cadence: hotdesk-logged-out }',
      ...loginSteps('6930', '5123', '1234').map((s) => `${s.replace('  - ', '  - { ').replace(/: (.*)$/, ': $1, on: desk2 }')}`),
      '  - wait-display: "Alice Smith"',
      '    on: desk2',
      '    timeout: 10s',
      '  - wait-lamp: { key: 2, cadence: idle }',
      '    timeout: 5s',
    ];
    const scenario = parseScenario(`${readFileSync(path, 'utf8')}\nsteps:\n${steps.join('\n')}\n`, path);
    const result = await runScenarioInWorld(scenario, { link: { kind: 'mock' } });
    const f = result.failed;
    expect(f ? `${f.description}: ${f.reason} [${result.lastDisplay.join(' | ')}]` : 'ok').toBe('ok');
  }, 60_000);

  it('the README documents the demo users (extension and PIN) and npm start opens the demo', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toMatch(/sim --config examples\/demo\.yaml/);
    for (const u of loadWorldFile(join(DIR, 'demo.yaml')).controller.users) {
      const row = readme.split('\n').find((l) => l.includes(`\`${u.ext}\``));
      expect(row, `README row for ${u.ext}`).toBeDefined();
      expect(row).toContain(u.name);
      expect(row).toContain(u.pin === '' ? 'blank' : `\`${u.pin}\``);
    }
  });
});
