// Everything is checked when a file loads, and reported at the line that is wrong, in plain words: YAML
// mistakes (a quote never closed is reported where it opens), the controller's world in a scenario and
// in a --config file (schema, models, firmware families, config.ts's own checks), durations without a
// unit; and a world file (`--config`) names the phones as a scenario does.
import { describe, expect, it } from 'vitest';
import { ScenarioFileError } from '../../../sim/scenario/errors.ts';
import { parseScenario } from '../../../sim/scenario/load.ts';
import { parseWorldFile } from '../../../sim/scenario/world-file.ts';

function errorOf(load: () => unknown): ScenarioFileError {
  try {
    load();
  } catch (err) {
    if (err instanceof ScenarioFileError) return err;
    throw err;
  }
  throw new Error('expected a ScenarioFileError');
}

/** Phrases of the YAML library a person should never have to read. */
const LIBRARY = /implicit|compact mapping|parseAllDocuments|block collection|Map keys must be unique|Plain value/i;

describe('YAML mistakes: plain words, at the line that is wrong', () => {
  it.each([
    ['a tab in the indentation', 'name: x\nsteps:\n\t- advance: 1s\n', 3, /a tab in the indentation: YAML indents with spaces/],
    ['a quote never closed', 'name: "x\nprofile: 5340\nsteps:\n  - advance: 1s\n', 1, /a double quote opened here is never closed/],
    ['a flow mapping never closed', 'name: x\nprofile: 5340\nsteps:\n  - wait-lamp: { key: 1, cadence: idle\n  - advance: 1s\n', 4, /a "\{" opened here is never closed with "\}"/],
    ['a key twice', 'name: x\nprofile: 5340\nname: y\nsteps:\n  - advance: 1s\n', 3, /"name" is given twice in the same mapping/],
    ['a second colon on a line', 'name: x\nprofile: 5340\nsteps:\n  - wait-display: Name: x\n', 4, /a second ": " on one line: quote the value/],
    ['a list item under a key with a value', 'name: x\nprofile: 5340\nsteps:\n  - press: hotdesk\n    - press: ok\n', 5, /a list item indented under a key that already has a value/],
    ['list items out of line', 'name: x\nprofile: 5340\nsteps:\n  - press: hotdesk\n   - press: ok\n', 5, /indented differently from the items before it/],
    ['a value starting with @', 'name: x\nprofile: 5340\nsteps:\n  - press: @x\n', 4, /a value cannot start with @: put it in quotes/],
    ['two documents', 'name: x\n---\nname: y\n', 2, /a second document \("---"\): a file holds one/],
  ])('%s', (_, text, line, reason) => {
    const err = errorOf(() => parseScenario(text, 'f.yaml'));
    expect(err.message).toMatch(reason);
    expect(err.line).toBe(line);
    expect(err.message).not.toMatch(LIBRARY);
  });
});

const SCENARIO = (controller: string) => `name: x\nprofile: 5340\ncontroller:\n${controller}steps:\n  - advance: 1s\n`;

describe("the controller's world in a scenario: at the line of the field", () => {
  it.each([
    ['a PIN that is not digits, in the second user', '  users:\n    - { ext: "5123", pin: "1234" }\n    - ext: "5124"\n      pin: "12a4"\n', 7, /controller \/users\/1\/pin must be 0 to 8 digits/],
    ['a misspelt field, at its key', '  users:\n    - ext: "5123"\n      pin: "1234"\n      nmae: Alice\n', 7, /unknown field "nmae" in \/users\/0 \(did you mean name\?\) \(fields: ext, pin, name/],
    ['an extension written as a number', '  users:\n    - ext: 5123\n      pin: "1234"\n', 5, /\/users\/0\/ext must be text: put the digits in quotes \("5123"\)/],
    ['a model that does not exist', '  sets:\n    - { profile: "5304" }\n    - { profile: "5430", dn: "5000" }\n', 6, /\/sets\/1\/profile: no model "5430"/],
    ['a firmware family no model runs', '  firmware:\n    - family: 53xx\n      version: 1.0.1.0\n', 5, /\/firmware\/0\/family: no model runs firmware family "53xx" \(did you mean 53gx\?\) \(families: .*53gx.*; hotdesk profiles shows each model's\)/],
    ['a family that is not four letters or digits', '  firmware:\n    - { family: 53gxx, version: 1.0.1.0, file: x.bin }\n', 5, /\/firmware\/0\/family must be four letters or digits/],
    ['an extension twice (config.ts)', '  users:\n    - { ext: "5123", pin: "1" }\n    - ext: "5123"\n      pin: "2"\n', 6, /\/users\/1\/ext repeats extension 5123/],
    ['a ring type on a BLF key (config.ts)', '  users:\n    - ext: "5123"\n      pin: "1234"\n      keys:\n        - { key: 2, type: blf, dn: "5124" }\n        - { key: 3, type: blf, dn: "5125", ring: no-ring }\n', 9, /\/users\/0\/keys\/1\/ring is only for line and multicall keys/],
    ['a duration without its form', '  heartbeat-interval: soon\n', 4, /\/heartbeat-interval must be a duration \(500ms, 30s, 2m, 1h\)/],
    ['a duration without its unit', '  users:\n    - ext: "5123"\n      pin: "1"\n      keys:\n        - { key: 1, type: line, dn: "5123", ring: delay-ring, ring-delay: 4000 }\n', 8, /\/users\/0\/keys\/0\/ring-delay: a duration needs a unit \(500ms, 30s, 2m, 1h\)/],
    ['a lockout window without its unit', '  lockout: { failures: 3, window: "300" }\n', 4, /\/lockout\/window: a duration needs a unit/],
  ])('%s', (_, block, line, reason) => {
    const err = errorOf(() => parseScenario(SCENARIO(block), 'f.yaml'));
    expect(err.message).toMatch(reason);
    expect(err.line).toBe(line);
    expect(err.message).not.toMatch(/must match|must have required|must NOT have|oneOf/); // Ajv's words
  });

  it('never echoes a PIN', () => {
    const err = errorOf(() => parseScenario(SCENARIO('  users:\n    - { ext: "5123", pin: "98765x" }\n'), 'f.yaml'));
    expect(err.message).not.toContain('98765');
  });

  it('an image of a family no model runs may be served under its own file name (a phone must refuse it)', () => {
    expect(() => parseScenario(SCENARIO('  firmware: [{ family: 99zz, version: 1.0.1.0, file: 5340.bin }]\n'), 'f.yaml')).not.toThrow();
  });
});

describe('durations need a unit', () => {
  it.each([
    ['  - advance: 5\n', /advance: a duration needs a unit \(500ms, 30s, 2m, 1h\); got 5/],
    ['  - wait-display: "x"\n    timeout: 5000\n', /timeout: a duration needs a unit/],
    ['  - advance: -5s\n', /advance: a duration cannot be negative/],
    ['  - advance: 5 minutes\n', /advance: a duration is a number with a unit: ms, s, m, h or d/],
  ])('%j', (steps, reason) => {
    const err = errorOf(() => parseScenario(`name: x\nprofile: 5340\nsteps:\n${steps}`, 'f.yaml'));
    expect(err.message).toMatch(reason);
    expect(err.line).toBe(steps.includes('timeout') ? 5 : 4);
  });
});

describe('a --config file: the controller world, or a world file that names the phones', () => {
  it('the controller world alone, errors at their lines', () => {
    expect(parseWorldFile('users:\n  - { ext: "5123", pin: "1234" }\n', 'w.yaml')).toMatchObject({ phones: [], phone: {}, seed: 1 });
    expect(parseWorldFile('', 'w.yaml').controller.users).toEqual([]);
    const err = errorOf(() => parseWorldFile('users:\n  - ext: "5123"\n    pin: "1234"\n    language: klingon\n', 'w.yaml'));
    expect(err.message).toBe('w.yaml:4: /users/0/language must be one of en, fr, de, es, it, nl, pt');
  });

  it('a world file: the model, its key modules and DN, the other phones, the seed, the controller', () => {
    const w = parseWorldFile('profile: 5340\nseed: 4\nphone: { dn: "5000", pkms: [5448] }\nphones: [{ name: desk2, profile: 6930 }]\ncontroller:\n  users: [{ ext: "5123", pin: "1" }]\n', 'w.yaml');
    expect(w).toMatchObject({ profile: '5340', seed: 4, phone: { dn: '5000', pkms: ['5448'] }, phones: [{ name: 'desk2', profile: '6930' }] });
    expect(w.controller.users.map((u) => u.ext)).toEqual(['5123']);
  });

  it.each([
    ['the controller fields beside the world keys', 'profile: 5340\nusers: []\n', 2, /unknown top-level key "users" in a world file; the controller's fields go under "controller:"/],
    ['steps', 'profile: 5340\nsteps: []\n', 2, /a world file has no steps: hotdesk run takes scenarios/],
    ['a key module the set does not take', 'profile: 5304\nphone: { pkms: [5448] }\n', 2, /phone pkms: the 5304 takes no key modules/],
    ['an unknown model for a phone', 'phones:\n  - { name: desk2, profile: 6930 }\n  - { name: desk3, profile: 6393 }\n', 3, /unknown profile "6393" for phone desk3/],
    ['a field of the controller, at its line', 'profile: 5340\ncontroller:\n  dhcp:\n    vlan: 5000\n', 4, /controller \/dhcp\/vlan must be at most 4095/],
  ])('refuses %s', (_, text, line, reason) => {
    const err = errorOf(() => parseWorldFile(text, 'w.yaml'));
    expect(err.message).toMatch(reason);
    expect(err.line).toBe(line);
  });
});
