// `wait-display` with `on:` reads that phone's own displays: each phone has its own display cursor, so a
// wait on the phone under test never moves a second phone's reading on (nor makes the world forget what
// that phone showed); and a failing `on:` step reports the display of the phone it was on.
import { describe, expect, it } from 'vitest';
import { runScenarioInWorld } from '../../../sim/commands/run.ts';
import { parseScenario } from '../../../sim/scenario/load.ts';

const HEAD = `profile: 5340
phones: [{ name: desk2, profile: 6930 }]
controller:
  users: [{ ext: "5123", pin: "1234", name: "Alice Smith" }]
`;

async function run(name: string, steps: string) {
  return runScenarioInWorld(parseScenario(`name: ${name}\n${HEAD}steps:\n${steps}`, `${name}.yaml`), { link: { kind: 'mock' } });
}

function explain(result: Awaited<ReturnType<typeof run>>): string {
  if (result.ok) return 'ok';
  const f = result.failed!;
  return `${result.file}:${f.line} ${f.description}: ${f.reason}; display [${result.lastDisplay.join(' | ')}]`;
}

describe('wait-display on: one display cursor per phone', () => {
  it("a wait on the second phone finds its boot messages after the first phone's wait moved past them", async () => {
    // Both phones boot at once. The phone under test's wait matches its 11th display; desk2's boot
    // messages before that index are desk2's own and have not been read by any wait on desk2 yet.
    const result = await run(
      'interleaved',
      `  - wait-display: "No User Logged In"
    timeout: 30s
  - wait-display: "Upgrade not required"
    on: desk2
    timeout: 5s
  - wait-display: "Set 192.168.10.101"
    on: desk2
    timeout: 5s
  - wait-display: "No User Logged In"
    on: desk2
    timeout: 5s
  - wait-display: "No User Logged In"
    timeout: 5s
`,
    );
    expect(explain(result)).toBe('ok');
  });

  it("a wait on the phone under test is not moved on by the second phone's waits", async () => {
    // desk2 logs in (many displays); the phone under test still reads from its own last match.
    const result = await run(
      'interleaved-back',
      `  - wait-display: "DHCP: Ack"
    timeout: 30s
  - wait-display: "No User Logged In"
    on: desk2
    timeout: 30s
  - press: hotdesk
    on: desk2
  - press: login
    on: desk2
  - dial: "5123"
    on: desk2
  - press: ok
    on: desk2
  - dial: "1234"
    on: desk2
  - press: ok
    on: desk2
  - wait-display: "Alice Smith"
    on: desk2
    timeout: 10s
  - wait-display: "Upgrade not required"
    timeout: 5s
`,
    );
    expect(explain(result)).toBe('ok');
  });

  it('a failing on: step shows the display of the phone it was on', async () => {
    // The phone under test shows Alice; desk2 shows nobody logged in: the report must show desk2's.
    const result = await run(
      'fails-on-desk2',
      `  - wait-display: "No User Logged In"
    timeout: 30s
  - wait-display: "No User Logged In"
    on: desk2
    timeout: 30s
  - press: hotdesk
  - press: login
  - dial: "5123"
  - press: ok
  - dial: "1234"
  - press: ok
  - wait-display: "Alice Smith"
    timeout: 10s
  - wait-display: "Bob Jones"
    on: desk2
    timeout: 2s
`,
    );
    expect(result.ok).toBe(false);
    expect(result.failed?.description).toBe('wait-display: "Bob Jones" (on desk2)');
    const message = explain(result);
    expect(message).toContain('display [No User Logged In');
    expect(message).not.toContain('Alice Smith');
  });

  it('a failing step on the phone under test still shows its own display', async () => {
    const result = await run(
      'fails-on-main',
      `  - wait-display: "No User Logged In"
    timeout: 30s
  - press: hotdesk
    on: desk2
  - expect-display: "Bob Jones"
`,
    );
    expect(result.ok).toBe(false);
    expect(result.lastDisplay.join(' ')).toContain('No User Logged In');
  });
});
