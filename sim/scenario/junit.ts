// `hotdesk run --junit FILE`: the run as JUnit XML, which CI servers (Jenkins, GitLab, GitHub reporters)
// read. One <testsuite> per directory of scenario files, one <testcase> per scenario: a failed one has a
// <failure> with the step's file:line and reason (the display in its text), one not run a <skipped>.
import { dirname } from 'node:path';
import junitModule, { type Builder } from 'junit-report-builder';
import type { RunSummary } from './summary.ts';

// a CommonJS package: Node hands its module.exports (the builder) over as the default; its types say
// `export default`, which TypeScript reads as `.default` of it under NodeNext
const junit = ((junitModule as unknown as { default?: Builder }).default ?? junitModule) as unknown as Builder;

export function junitXml(run: RunSummary): string {
  const builder = junit.newBuilder().name('hotdesk run');
  const suites = new Map<string, ReturnType<typeof builder.testSuite>>();
  for (const o of run.scenarios) {
    const dir = dirname(o.file);
    let suite = suites.get(dir);
    if (!suite) {
      suite = builder.testSuite().name(dir);
      suites.set(dir, suite);
    }
    const test = suite.testCase().className(dir).name(o.name).file(o.file).time(o.durationMs / 1000);
    test.property('steps', String(o.steps)).property('simulated-ms', String(o.simulatedMs));
    if (o.status === 'failed' && o.failure) {
      const f = o.failure;
      test.failure(`${o.file}:${f.line}: step ${f.step} ${f.description}: ${f.message}`, 'step-failed');
      test.standardOutput(`display: ${f.display.map((l) => `[${l}]`).join(' ') || '(blank)'}`);
    } else if (o.status === 'skipped') {
      test.skipped();
      if (o.failure) test.standardOutput(o.failure.message);
    }
  }
  for (const [dir, suite] of suites) {
    const time = run.scenarios.filter((o) => dirname(o.file) === dir).reduce((s, o) => s + o.durationMs, 0);
    suite.time(time / 1000);
  }
  return builder.build();
}
