// The ACD agent steps of the scenario format (docs/scenarios.md "ACD hot desk agents") are checked when
// the file loads: expect-agent's argument, the agent keys on a phone that cannot have them, an acd-call
// to a group the world does not have. Each is a ScenarioFileError naming the file and the bad line.
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../../sim/scenario/load.ts';
import { scenarioErrorOf } from '../../support/scenario-error.ts';

const HEAD = `name: x
profile: 5340
phones: [{ name: handset, profile: 5607 }]
controller:
  agents: [{ id: "1001", pin: "7391", groups: ["700"] }]
  acd-groups: [{ id: "700" }]
steps:
  - advance: 1s
`;
const STEP = HEAD.split('\n').length;

const errorOf = (text: string) => scenarioErrorOf(text);

describe('the ACD agent steps are checked at load', () => {
  it.each([
    ['  - expect-agent: somebody\n', /expect-agent takes none or \{ id, state/],
    ['  - expect-agent: { id: "10010000" }\n', /expect-agent "id" is the agent ID \(1 to 7 digits/],
    ['  - expect-agent: { id: "1001", state: busy }\n', /expect-agent "state" must be one of available, make-busy, work-timer, on-call/],
    ['  - expect-agent: { id: "1001", sate: available }\n', /unknown key "sate" in expect-agent/],
    ['  - { press: make-busy, on: handset }\n', /make-busy: the 5607 takes no hot desk ACD agent/],
    ['  - { press: agent-login, on: handset }\n', /agent-login: the 5607 takes no hot desk ACD agent/],
    ['  - press: make-bussy\n', /unknown key "make-bussy" \(did you mean make-busy\?\)/],
    ['  - controller: { acd-call: { group: "701" } }\n', /controller acd-call: no ACD group 701 in the world \(acd-groups: 700\)/],
    ['  - controller: { acd-call: { group: "700", form: "8001" } }\n', /unknown field "form" in controller acd-call/],
    ['  - controller: { acd-call: {} }\n', /controller acd-call needs "group"/],
  ])('%s', (step, message) => {
    const e = errorOf(HEAD + step);
    expect(e.message).toMatch(message);
    expect(e.message).toMatch(new RegExp(`f\\.yaml:${STEP}\\b`));
  });

  it('takes the steps as the contract writes them', () => {
    const ok = `${HEAD}  - expect-agent: none\n  - expect-agent: { id: "1001", state: work-timer }\n  - press: make-busy\n  - press: agent-logout\n  - press: agent-login\n  - controller: { acd-call: { group: "700" } }\n  - controller: { acd-call: { group: 700, from: "8001" } }\n`;
    expect(() => parseScenario(ok, 'f.yaml')).not.toThrow();
  });
});
