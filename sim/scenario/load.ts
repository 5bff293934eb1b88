// Loads and validates a scenario file (DESIGN.md "Scenarios", a contract). Every problem is reported
// with the file and line before anything runs, so a bad file exits 2 and never half-runs.
import { readFileSync } from 'node:fs';
import { isMap, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { ScenarioFileError } from './errors.ts';
import { VERBS } from './verbs.ts';
import { loadProfiles } from '../profiles.ts';
import { ConfigError, parseControllerConfig, type ControllerConfig } from '../controller/config.ts';
import { parseVersion } from '../../firmware/boot/image-version.ts';

export interface Step {
  verb: string;
  arg: unknown;
  line: number;
}

export interface Scenario {
  file: string;
  name: string;
  profile: string;
  /** The controller's world, as in a `--config` file, validated. */
  controller: ControllerConfig;
  /** The phone under test: its factory firmware version (an extension of the contract's keys). */
  phone: { firmware?: string };
  seed: number;
  steps: Step[];
}

const TOP_KEYS = ['name', 'profile', 'controller', 'phone', 'steps', 'seed', 'description'];

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
  const phone = (plain.phone ?? {}) as { firmware?: unknown };
  if (typeof phone !== 'object' || Array.isArray(phone)) fail(phoneNode, '"phone" must be a mapping like { firmware: 1.0.0.0 }');
  for (const k of Object.keys(phone)) if (k !== 'firmware') fail(phoneNode, `unknown key "${k}" in "phone" (allowed: firmware)`);
  if (phone.firmware !== undefined) {
    const v = parseVersion(String(phone.firmware));
    if (!v.ok) fail(phoneNode, `phone firmware: ${v.reason}`);
  }

  const stepsNode = nodeOf('steps');
  if (!isSeq(stepsNode)) return fail(stepsNode ?? root, 'the scenario needs "steps" (a list)');
  if (stepsNode.items.length === 0) fail(stepsNode, '"steps" is empty');

  const steps: Step[] = [];
  for (const item of stepsNode.items as YamlNode[]) {
    if (!isMap(item) || item.items.length === 0) fail(item, 'a step is a mapping like "- advance: 10s"');
    const map = item as unknown as { items: { key: YamlNode }[]; toJSON(): Record<string, unknown> };
    const json = map.toJSON();
    const verb = Object.keys(json)[0];
    const spec = VERBS[verb];
    if (!spec) fail(item, `unknown step "${verb}" (known: ${Object.keys(VERBS).join(', ')})`);
    const { [verb]: value, ...extras } = json;
    try {
      steps.push({ verb, arg: spec.parse(value, extras), line: lineOf(item) });
    } catch (reason) {
      if (typeof reason !== 'string') throw reason;
      fail(item, reason);
    }
  }

  return {
    file,
    name: name as string,
    profile: String(profile),
    controller,
    phone: { firmware: phone.firmware === undefined ? undefined : String(phone.firmware) },
    seed: seedValue as number,
    steps,
  };
}
