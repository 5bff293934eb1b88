// Every argument of every step is checked when the file loads (docs/design.md "Scenarios"): a key the
// phone does not have, a cadence its model does not define, a call state, a controller action, its
// fields and their values. Each is a ScenarioFileError naming the file and the bad line, which
// `hotdesk run` reports before anything runs (exit 2).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { commandRun } from '../../../sim/commands/run.ts';
import { ScenarioFileError } from '../../../sim/scenario/errors.ts';
import { loadScenarioFile, parseScenario } from '../../../sim/scenario/load.ts';
import { scenarioErrorOf } from '../../support/scenario-error.ts';

const HEAD = `name: x
profile: 5340
phone: { pkms: [5412] }
phones: [{ name: handset, profile: 5604 }]
controller:
  cluster: [{ id: icp-2, ip: 192.168.10.2, port: 6800 }]
steps:
  - advance: 1s
`;
/** The first line of a step appended to HEAD. */
const STEP = HEAD.split('\n').length;

const errorOf = (text: string) => scenarioErrorOf(text);

describe('every step argument is checked at load', () => {
  it.each([
    // press: key names, and keys the phone the step is on has
    ['  - press: hotdsk\n', 0, /unknown key "hotdsk" \(did you mean hotdesk\?\)/],
    ['  - press: offhok\n', 0, /unknown key "offhok"/],
    ['  - press: HotDesk\n', 0, /unknown key "HotDesk" \(did you mean hotdesk\?\)/],
    ['  - press: OK\n', 0, /unknown key "OK" \(did you mean ok\?\)|unknown key "OK"/],
    ['  - press: alarm\n', 0, /alarm: the phone under test \(5340\) has no Alarm key/],
    ['  - press: login-now\n', 0, /unknown key "login-now"/],
    ['  - press: key:99\n', 0, /key:99: the phone under test \(5340\) has programmable keys 1-48/],
    ['  - press: key:49\n', 0, /key:49: .* 1-48/],
    ['  - press: pkm9:1\n', 0, /pkm9:1: the phone under test \(5340\) has 1 key module/],
    ['  - press: pkm1:13\n', 0, /pkm1:13: pkm1 \(a 5412\) has keys 1-12/],
    ['  - { press: key:1, on: handset }\n', 0, /key:1: handset \(5604\) has no programmable keys/],
    ['  - { press: pkm1:1, on: handset }\n', 0, /pkm1:1: handset \(5604\) has no key modules/],
    // lamp cadences: the fixed ones and the profile's
    ['  - expect-lamp: { key: 4, cadence: blinking }\n', 0, /unknown cadence "blinking" for the phone under test \(5340\) \(cadences: off, on, hotdesk-logged-out, idle/],
    ['  - wait-lamp:\n      key: 4\n      cadence: logged-out\n    timeout: 2s\n', 2, /unknown cadence "logged-out"/],
    // call states
    ['  - expect-call: { party: "5124", state: talking }\n', 0, /expect-call "state" must be one of dialling, ringback, ringing, connected, held, waiting, conference \(got "talking"\)/],
    ['  - wait-call:\n      party: "5124"\n      state: answered\n', 2, /wait-call "state" must be one of/],
    ['  - expect-call: { party: "5124" }\n', 0, /expect-call needs "state"/],
    ['  - expect-call: { party: bob, state: connected }\n', 0, /"party" is the far DN/],
    ['  - expect-call: { party: "5124", state: ringing, ringer: loud }\n', 0, /"ringer" must be true or false/],
    ['  - expect-call: { party: "5124", state: held, line: 1 }\n', 0, /unknown key "line" in expect-call/],
    ['  - expect-call: nobody\n', 0, /expect-call takes \{ party: DN, state: STATE/],
    // a sibling key the verb does not take is reported at its own line
    ['  - expect-call: none\n    timeout: 1s\n', 1, /unknown key "timeout" in an expect-call step/],
    // controller actions: names, fields, types, enums, cluster members
    ['  - controller: { ring: { dn: "5124" } }\n', 0, /unknown controller action "ring" \(known: tftp, dhcp, kill, revive, line, feature, blf, remote-logout, locate, reset-pin, login, logout, schedule-logout, call, answer, hangup/],
    ['  - controller:\n      call:\n        from: "5000"\n        too: "5124"\n', 3, /unknown field "too" in controller call \(fields: from, to\)/],
    ['  - controller: { call: { from: "5000" } }\n', 0, /controller call needs "to": a DN/],
    ['  - controller: { answer: {} }\n', 0, /controller answer needs "dn"/],
    ['  - controller: { hangup: { dn: [5124] } }\n', 0, /controller hangup "dn" must be a DN/],
    ['  - controller: { line: { ext: "5123", state: bust } }\n', 0, /controller line "state" must be one of idle, busy, ringing \(got "bust"\)/],
    ['  - controller:\n      feature:\n        ext: "5123"\n        state: dnd-on\n', 3, /controller feature "state" must be one of none, dnd, cfa/],
    ['  - controller: { blf: { dn: "5123", state: logged-out } }\n', 0, /blf state "logged-out" is set by what causes it/],
    ['  - controller: { tftp: { down: "yes" } }\n', 0, /controller tftp "down" must be true or false/],
    ['  - controller: { dhcp: {} }\n', 0, /controller dhcp needs "down"/],
    ['  - controller: { tftp: true }\n', 0, /controller tftp takes \{ down \}/],
    ['  - controller: { remote-logout: { by: "5000", ext: "5123", expect: maybe } }\n', 0, /"expect" must be one of done, waiting, refused-ringing, not-allowed, unknown-ext, not-logged-in/],
    ['  - controller: { login: { ext: "5123", on: front-desk } }\n', 0, /controller login "on" must be a DN/],
    ['  - controller: { logout: { ext: "5123", on: "5002" } }\n', 0, /unknown field "on" in controller logout \(fields: ext\)/],
    ['  - controller: { schedule-logout: { at: 5pm } }\n', 0, /unknown field "at" in controller schedule-logout \(fields: scope\)/],
    ['  - controller: { kill: icp-9 }\n', 0, /controller kill: no call server "icp-9" in the cluster \(known: icp-1 192.168.10.1, icp-2 192.168.10.2\)/],
    ['  - controller: { revive: { id: icp-2 } }\n', 0, /controller revive takes a call server's id/],
    ['  - controller: {}\n', 0, /controller needs an action/],
    ['  - controller: [tftp]\n', 0, /controller takes a mapping of actions/],
  ])('%j', (step, offset, reason) => {
    const err = errorOf(HEAD + step);
    expect(err.message).toMatch(reason);
    expect(err.line).toBe(STEP + offset);
    expect(err.message.startsWith(`f.yaml:${STEP + offset}: `)).toBe(true);
  });

  it('takes every contract key name, the new call keys among them', () => {
    const keys = ['0', '9', '*', '#', 'hotdesk', 'ok', 'cancel', 'hold', 'transfer', 'conference', 'release', 'offhook', 'onhook', 'handsfree', 'swap', 'login', 'logout', 'key:1', 'key:48', 'pkm1:12'];
    const s = parseScenario(HEAD + keys.map((k) => `  - press: "${k}"\n`).join(''), 'f.yaml');
    expect(s.steps.slice(1).map((x) => x.arg)).toEqual(keys);
    // a key module's keys are the module's: three 5448s have 48 keys each
    const three = parseScenario('name: x\nprofile: 5340\nphone: { pkms: [5448, 5448, 5448] }\nsteps:\n  - press: pkm3:48\n', 'f.yaml');
    expect(three.steps[0].arg).toBe('pkm3:48');
    // the Alarm key is the handsets'
    expect(parseScenario('name: x\nprofile: 5607\nsteps:\n  - press: alarm\n', 'f.yaml').steps[0].arg).toBe('alarm');
  });

  it('takes a cadence the profile of the step\'s phone defines, and the fixed ones', () => {
    const s = parseScenario(HEAD + ['off', 'on', 'hotdesk-logged-out', 'idle', 'hold', 'cfa'].map((c) => `  - { expect-lamp: { key: 1, cadence: ${c} }, on: handset }\n`).join(''), 'f.yaml');
    expect(s.steps.length).toBe(7);
  });

  it('parses the call steps', () => {
    const s = parseScenario(
      HEAD +
        '  - expect-call: { party: 5124, state: ringing, ringer: false }\n' +
        '  - { expect-call: none, on: handset }\n' +
        '  - wait-call: { party: "5124", state: connected }\n    timeout: 5s\n' +
        '  - wait-call: { state: dialling }\n',
      'f.yaml',
    );
    expect(s.steps.slice(1).map((x) => [x.verb, x.arg, x.on])).toEqual([
      ['expect-call', { party: '5124', state: 'ringing', ringer: false }, undefined],
      ['expect-call', 'none', 'handset'],
      ['wait-call', { call: { party: '5124', state: 'connected' }, timeout: 5000 }, undefined],
      ['wait-call', { call: { state: 'dialling' }, timeout: 60_000 }, undefined],
    ]);
  });

  it('loads a good file with every new key, step and action', () => {
    const s = loadScenarioFile(join(import.meta.dirname, 'fixtures', 'good-calls.yaml'));
    expect(s.steps.length).toBe(23);
  });

  it('loads every scenario of test/scenarios', () => {
    const dir = join(import.meta.dirname, '..', '..', 'scenarios');
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(() => loadScenarioFile(join(dir, f)), f).not.toThrow();
  });
});

describe('hotdesk run with a bad argument', () => {
  afterEach(() => vi.restoreAllMocks());

  it('exits 2 and names each bad file and line, before anything runs', async () => {
    const err: string[] = [];
    const out: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
    const fx = (f: string) => join(import.meta.dirname, 'fixtures', f);
    const code = await commandRun({}, [fx('bad-press.yaml'), fx('good-calls.yaml'), fx('bad-action.yaml')]);
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err).toHaveLength(2);
    expect(err[0]).toMatch(/bad-press\.yaml:6: unknown key "hotdsk"/);
    expect(err[1]).toMatch(/bad-action\.yaml:9: unknown field "too" in controller call/);
  });
});
