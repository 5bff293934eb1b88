import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../../sim/scenario/load.ts';
import { ScenarioFileError } from '../../../sim/scenario/errors.ts';
import { displayShows } from '../../../sim/scenario/verbs.ts';

const good = `name: echo
profile: 5340
seed: 3
steps:
  - wait-display: "Echo"
    timeout: 30s
  - advance: 10s
  - expect-display: "lost 0"
  - press: hotdesk
  - dial: "5123#"
`;

function errorOf(text: string): ScenarioFileError {
  try {
    parseScenario(text, 'f.yaml');
  } catch (err) {
    if (err instanceof ScenarioFileError) return err;
    throw err;
  }
  throw new Error('expected a ScenarioFileError');
}

describe('scenario loader', () => {
  it('parses steps with their lines and arguments', () => {
    const s = parseScenario(good, 'f.yaml');
    expect(s).toMatchObject({ name: 'echo', profile: '5340', seed: 3 });
    expect(s.steps.map((x) => [x.verb, x.line])).toEqual([
      ['wait-display', 5],
      ['advance', 7],
      ['expect-display', 8],
      ['press', 9],
      ['dial', 10],
    ]);
    expect(s.steps[0].arg).toEqual({ text: 'Echo', timeout: 30_000 });
    expect(s.steps[1].arg).toBe(10_000);
  });

  it.each([
    ['name: x\nprofile: 5340\nsteps:\n  - advance: soon\n', 4, /duration/],
    ['name: x\nprofile: 5340\nsteps:\n  - advance: 1s\n  - fly: away\n', 5, /unknown step "fly"/],
    ['name: x\nprofile: 5340\nsteps:\n  - wait-display: "a"\n    timout: 3s\n', 5, /unknown key "timout"/],
    ['name: x\nprofile: 5340\n', 1, /needs "steps"/],
    ['profile: 5340\nsteps:\n  - advance: 1s\n', 1, /needs a "name"/],
    ['name: x\nprofile: 5340\nsteps: [\n', 3, /a "\[" opened here is never closed with "\]"/],
    ['name: x\nprofile: 5340\nsteps:\n  - dial: "12a"\n', 4, /dial takes keypad digits/],
    ['name: x\nprofile: 5340\nsteps:\n  - press: "!!"\n', 4, /unknown key "!!": press takes 0-9/],
    ['name: x\nprofile: 5340\nbogus: 1\nsteps:\n  - advance: 1s\n', 3, /unknown top-level key "bogus"/],
    ['name: x\nprofile: 9999\nsteps:\n  - advance: 1s\n', 2, /unknown profile "9999" \(known: 5304, /],
    ['name: x\nprofile: 5340\ncontroller: 7\nsteps:\n  - advance: 1s\n', 3, /"controller" must be a mapping/],
  ])('rejects a bad file with its line and reason (%#)', (text, line, reason) => {
    const err = errorOf(text);
    expect(err.line).toBe(line);
    expect(err.message).toMatch(reason);
    expect(err.message.startsWith(`f.yaml:${line}: `)).toBe(true);
  });
});

describe('displayShows', () => {
  it('matches text on a row or across rows, ignoring runs of spaces', () => {
    expect(displayShows(['No User', 'Logged In'], 'No User Logged In')).toBe(true);
    expect(displayShows(['DHCP:  Offer 1 Acc'], 'DHCP: Offer 1 Acc')).toBe(true);
    expect(displayShows(['DHCP: Ack'], 'DHCP: Offer')).toBe(false);
  });
});
