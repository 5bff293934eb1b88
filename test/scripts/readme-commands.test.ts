// The README's first two commands are the ones a new user types: the simulator and the tests. CI runs
// exactly the test command (so what the README promises on a fresh machine is what CI checks), and
// `npm test` checks the peer tools before anything else.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const read = (f: string) => readFileSync(join(ROOT, f), 'utf8');

/** The commands of the README's first code block, without their comments. */
function readmeCommands(): string[] {
  const block = /```sh\n([\s\S]*?)```/.exec(read('README.md'))![1];
  return block
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter(Boolean);
}

describe('the README and CI run the same two commands', () => {
  it('the README opens with the two commands: the simulator, then the tests', () => {
    const lines = read('README.md').split('\n');
    expect(lines[0]).toBe('# hotdesk');
    const [start, test] = readmeCommands();
    expect(start).toBe('npm ci && npm start');
    expect(test).toMatch(/^npm ci && .*npm test$/);
    // the block holds those two and nothing else, right under the title
    expect(readmeCommands()).toHaveLength(2);
    expect(lines.slice(2, 6).join('\n')).toMatch(/^```sh\nnpm ci && npm start .*\nnpm ci && .*npm test .*\n```$/);
  });

  it('.ci/run runs exactly the README test command, and installs nothing itself', () => {
    const test = readmeCommands()[1];
    const ci = read('.ci/run')
      .split('\n')
      .filter((l) => l.trim() && !l.trim().startsWith('#'));
    expect(ci).toContain(test);
    expect(ci.join('\n')).not.toMatch(/apt-get|dpkg/);
  });

  it('the test command installs the peers (npm run peers) and npm test checks them first', () => {
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(readmeCommands()[1]).toContain('npm run peers');
    expect(pkg.scripts.peers).toBe('bash scripts/peers.sh --install');
    expect(pkg.scripts.test.startsWith('bash scripts/peers.sh --check && ')).toBe(true);
  });
});
