// Loads and validates a scenario file (docs/design.md "Scenarios", a contract). Every problem is reported
// with the file and line before anything runs, so a bad file exits 2 and never half-runs.
import { readFileSync } from 'node:fs';
import { isMap, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { ArgError, ScenarioFileError } from './errors.ts';
import { VERBS } from './verbs.ts';
import type { StepContext } from './context.ts';
import type { Profile } from '../../firmware/profile.ts';
import { loadProfiles } from '../profiles.ts';
import { ConfigError, parseControllerConfig, type ControllerConfig } from '../controller/config.ts';
import { parseVersion } from '../../firmware/boot/image-version.ts';
import { checkPkms } from '../set-programming.ts';

export interface Step {
  verb: string;
  arg: unknown;
  line: number;
  /** The phone the step acts on, by name (`on:`); the phone under test when absent. */
  on?: string;
}

/** Other phones on the same controller, each on its own cable: `phones: [{ name, profile, firmware }]`. */
export interface ExtraPhone {
  name: string;
  profile: string;
  firmware?: string;
  /** The set's own DN (its `sets:` entry: programming and COS). */
  dn?: string;
}

/** Steps that act on the world rather than on one phone take no `on:`. */
const WORLD_STEPS = new Set(['advance', 'controller']);

export interface Scenario {
  file: string;
  name: string;
  profile: string;
  /** The controller's world, as in a `--config` file, validated. */
  controller: ControllerConfig;
  /**
   * The phone under test (extensions of the contract's keys): its factory firmware version, the DN of
   * its own programming (`sets:`), the key modules attached by model, in order.
   */
  phone: { firmware?: string; dn?: string; pkms?: string[] };
  phones: ExtraPhone[];
  seed: number;
  steps: Step[];
}

const TOP_KEYS = ['name', 'profile', 'controller', 'phone', 'phones', 'steps', 'seed', 'description'];

export function loadScenarioFile(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ScenarioFileError(file, 0, `cannot read the file (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  return parseScenario(text, file);
}

export function parseScenario(text: string, file = '<scenario>'): Scenario {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const lineOf = (node: YamlNode | null | undefined) => (node?.range ? lines.linePos(node.range[0]).line : 1);
  const fail = (node: YamlNode | null | undefined, reason: string): never => {
    throw new ScenarioFileError(file, lineOf(node), reason);
  };

  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw new ScenarioFileError(file, lines.linePos(e.pos[0]).line, `not valid YAML: ${e.message.split('\n')[0]}`);
  }
  const root = doc.contents;
  if (!isMap(root)) return fail(root, 'a scenario is a mapping with name, profile, controller and steps');

  for (const pair of root.items) {
    const key = String((pair.key as { value?: unknown })?.value ?? pair.key);
    if (!TOP_KEYS.includes(key)) fail(pair.key as YamlNode, `unknown top-level key "${key}" (expected ${TOP_KEYS.join(', ')})`);
  }

  const plain = root.toJSON() as Record<string, unknown>;
  const nodeOf = (key: string) => root.get(key, true) as YamlNode | undefined;
  const name = plain.name;
  if (typeof name !== 'string' || name.trim() === '') fail(root, 'the scenario needs a "name" (a string)');
  const profile = plain.profile;
  if (typeof profile !== 'string' && typeof profile !== 'number') fail(root, 'the scenario needs a "profile" (a model, e.g. 5340)');
  const models = loadProfiles();
  if (!models.has(String(profile))) fail(nodeOf('profile'), `unknown profile "${profile}" (known: ${[...models.keys()].join(', ')})`);

  const seedValue = plain.seed ?? 1;
  if (typeof seedValue !== 'number' || !Number.isInteger(seedValue)) fail(nodeOf('seed'), '"seed" must be an integer');

  const controllerNode = nodeOf('controller');
  let controllerRaw: Record<string, unknown> = {};
  if (controllerNode !== undefined && (controllerNode as { value?: unknown }).value !== null) {
    if (!isMap(controllerNode)) fail(controllerNode, '"controller" must be a mapping (the controller\'s world)');
    controllerRaw = (controllerNode as unknown as { toJSON(): Record<string, unknown> }).toJSON();
  }
  let controller: ControllerConfig;
  try {
    controller = parseControllerConfig(controllerRaw, 'controller');
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return fail(controllerNode, err.message);
  }

  const phoneNode = nodeOf('phone');
  const phone = (plain.phone ?? {}) as { firmware?: unknown; dn?: unknown; pkms?: unknown };
  if (typeof phone !== 'object' || Array.isArray(phone)) fail(phoneNode, '"phone" must be a mapping like { firmware: 1.0.0.0 }');
  const PHONE_KEYS = ['firmware', 'dn', 'pkms'];
  for (const k of Object.keys(phone)) if (!PHONE_KEYS.includes(k)) fail(phoneNode, `unknown key "${k}" in "phone" (allowed: ${PHONE_KEYS.join(', ')})`);
  if (phone.dn !== undefined && !/^\d{1,10}$/.test(String(phone.dn))) fail(phoneNode, `phone dn must be digits (got ${JSON.stringify(phone.dn)})`);
  let pkmModules: Profile[] = [];
  if (phone.pkms !== undefined) {
    if (!Array.isArray(phone.pkms)) fail(phoneNode, 'phone pkms is a list of key module models, like [5448, 5448]');
    const checked = checkPkms(models.get(String(profile))!, phone.pkms as unknown[], models);
    if (!checked.ok) return fail(phoneNode, `phone pkms: ${checked.reason}`);
    pkmModules = checked.modules;
  }
  if (phone.firmware !== undefined) {
    const v = parseVersion(String(phone.firmware));
    if (!v.ok) fail(phoneNode, `phone firmware: ${v.reason}`);
  }

  const phonesNode = nodeOf('phones');
  const phones: ExtraPhone[] = [];
  if (plain.phones !== undefined) {
    if (!Array.isArray(plain.phones)) fail(phonesNode, '"phones" is a list like [{ name: reception, profile: 5340 }]');
    for (const p of plain.phones as Record<string, unknown>[]) {
      if (!p || typeof p !== 'object') fail(phonesNode, 'each of "phones" is a mapping with name and profile');
      for (const k of Object.keys(p)) if (!['name', 'profile', 'firmware', 'dn'].includes(k)) fail(phonesNode, `unknown key "${k}" in "phones" (allowed: name, profile, firmware, dn)`);
      if (p.dn !== undefined && !/^[0-9]{1,10}$/.test(String(p.dn))) fail(phonesNode, `phone ${String(p.name)}: dn must be digits`);
      const pname = String(p.name ?? '');
      if (!/^[a-z][a-z0-9-]*$/.test(pname) || pname === 'phone') fail(phonesNode, `a phone's name is lower-case letters, digits and -, not "phone" (got ${JSON.stringify(p.name)})`);
      if (phones.some((x) => x.name === pname)) fail(phonesNode, `two phones are named "${pname}"`);
      if (!models.has(String(p.profile))) fail(phonesNode, `unknown profile "${p.profile}" for phone ${pname}`);
      if (p.firmware !== undefined && !parseVersion(String(p.firmware)).ok) fail(phonesNode, `phone ${pname} firmware is not a.b.c.d`);
      phones.push({
        name: pname,
        profile: String(p.profile),
        firmware: p.firmware === undefined ? undefined : String(p.firmware),
        dn: p.dn === undefined ? undefined : String(p.dn),
      });
    }
  }

  const stepsNode = nodeOf('steps');
  if (!isSeq(stepsNode)) return fail(stepsNode ?? root, 'the scenario needs "steps" (a list)');
  if (stepsNode.items.length === 0) fail(stepsNode, '"steps" is empty');

  // what each step's argument is checked against: the phone it is on (model, key modules) and the world
  const contextOf = (on: string | undefined): StepContext => {
    const extra = on === undefined ? undefined : phones.find((p) => p.name === on);
    return extra
      ? { phone: extra.name, profile: models.get(extra.profile)!, pkms: [], world: controller }
      : { phone: 'phone', profile: models.get(String(profile))!, pkms: pkmModules, world: controller };
  };
  /** The node at `path` below the step's value, or the deepest one of it there is (for its line). */
  const nodeAt = (item: YamlNode, verb: string, path: readonly (string | number)[]): YamlNode => {
    let node: YamlNode = item;
    const full = [verb, ...path];
    for (let i = 1; i <= full.length; i++) {
      const next = (item as unknown as { getIn(p: unknown[], keep: boolean): unknown }).getIn(full.slice(0, i), true);
      if (!next || typeof next !== 'object' || !('range' in next)) break;
      node = next as YamlNode;
    }
    return node;
  };

  const steps: Step[] = [];
  for (const item of stepsNode.items as YamlNode[]) {
    if (!isMap(item) || item.items.length === 0) fail(item, 'a step is a mapping like "- advance: 10s"');
    const map = item as unknown as { items: { key: YamlNode }[]; toJSON(): Record<string, unknown> };
    const json = map.toJSON();
    const verb = Object.keys(json)[0];
    const spec = VERBS[verb];
    if (!spec) fail(item, `unknown step "${verb}" (known: ${Object.keys(VERBS).join(', ')})`);
    const { [verb]: value, on, ...extras } = json;
    if (on !== undefined) {
      if (WORLD_STEPS.has(verb)) fail(item, `a ${verb} step acts on the whole world: it takes no "on"`);
      if (on !== 'phone' && !phones.some((p) => p.name === on)) fail(item, `no phone named ${JSON.stringify(on)} (name it in "phones")`);
    }
    const stepOn = on === undefined || on === 'phone' ? undefined : String(on);
    try {
      steps.push({ verb, arg: spec.parse(value, extras, contextOf(stepOn)), line: lineOf(item), on: stepOn });
    } catch (reason) {
      if (reason instanceof ArgError) fail(nodeAt(item, verb, reason.path), reason.reason);
      if (typeof reason !== 'string') throw reason;
      fail(item, reason);
    }
  }

  return {
    file,
    name: name as string,
    profile: String(profile),
    controller,
    phone: {
      firmware: phone.firmware === undefined ? undefined : String(phone.firmware),
      ...(phone.dn === undefined ? {} : { dn: String(phone.dn) }),
      ...(phone.pkms === undefined ? {} : { pkms: (phone.pkms as unknown[]).map(String) }),
    },
    phones,
    seed: seedValue as number,
    steps,
  };
}
