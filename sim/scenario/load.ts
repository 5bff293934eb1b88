// Loads and validates a scenario file (docs/design.md "Scenarios", a contract). Every problem is reported
// with the file and the line that is wrong before anything runs, so a bad file exits 2 and never half-runs.
import { isMap, isSeq, type Node as YamlNode, type YAMLMap } from 'yaml';
import { ArgError, ScenarioFileError } from './errors.ts';
import { VERBS } from './verbs.ts';
import type { StepContext } from './context.ts';
import { loadProfiles } from '../profiles.ts';
import type { ControllerConfig } from '../controller/config.ts';
import { suggestion } from './keys.ts';
import { parseWorldPart, type ExtraPhone } from './world-part.ts';
import { keyNodeOf, parseYamlSource, readYamlFile, type YamlSource } from './yaml-source.ts';

export type { ExtraPhone } from './world-part.ts';

export interface Step {
  verb: string;
  arg: unknown;
  line: number;
  /** The phone the step acts on, by name (`on:`); the phone under test when absent. */
  on?: string;
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
  return scenarioOf(readYamlFile(file));
}

export function parseScenario(text: string, file = '<scenario>'): Scenario {
  return scenarioOf(parseYamlSource(text, file));
}

function scenarioOf(src: YamlSource): Scenario {
  const { file, lineOf } = src;
  const fail = (node: YamlNode | null | undefined, reason: string): never => {
    throw new ScenarioFileError(file, lineOf(node), reason);
  };
  const root = src.doc.contents;
  if (!isMap(root)) return fail(root, 'a scenario is a mapping with name, profile, controller and steps');

  for (const pair of root.items) {
    const key = String((pair.key as { value?: unknown })?.value ?? pair.key);
    if (!TOP_KEYS.includes(key)) fail(pair.key as YamlNode, `unknown top-level key "${key}"${suggestion(key, TOP_KEYS)} (expected ${TOP_KEYS.join(', ')})`);
  }

  const plain = root.toJSON() as Record<string, unknown>;
  const name = plain.name;
  if (typeof name !== 'string' || name.trim() === '') fail(root, 'the scenario needs a "name" (a string)');
  if (plain.profile === undefined) fail(root, 'the scenario needs a "profile" (a model, e.g. 5340)');
  const world = parseWorldPart(src, root as YAMLMap);
  const { controller, phones, pkmModules } = world;
  const models = loadProfiles();

  const stepsNode = root.get('steps', true) as YamlNode | undefined;
  if (!isSeq(stepsNode)) return fail(stepsNode ?? root, 'the scenario needs "steps" (a list)');
  if (stepsNode.items.length === 0) fail(stepsNode, '"steps" is empty');

  // what each step's argument is checked against: the phone it is on (model, key modules) and the world
  const contextOf = (on: string | undefined): StepContext => {
    const extra = on === undefined ? undefined : phones.find((p) => p.name === on);
    return extra
      ? { phone: extra.name, profile: models.get(extra.profile)!, pkms: [], world: controller }
      : { phone: 'phone', profile: models.get(world.profile)!, pkms: pkmModules, world: controller };
  };

  const steps: Step[] = [];
  for (const item of stepsNode.items as YamlNode[]) {
    if (!isMap(item) || item.items.length === 0) fail(item, 'a step is a mapping like "- advance: 10s"');
    const map = item as unknown as { items: { key: YamlNode }[]; toJSON(): Record<string, unknown> };
    const json = map.toJSON();
    const verb = Object.keys(json)[0];
    const spec = VERBS[verb];
    if (!spec) fail(item, `unknown step "${verb}"${suggestion(verb, Object.keys(VERBS))} (known: ${Object.keys(VERBS).join(', ')})`);
    const { [verb]: value, on, ...extras } = json;
    if (on !== undefined) {
      if (WORLD_STEPS.has(verb)) fail(keyNodeOf(item, 'on') ?? item, `a ${verb} step acts on the whole world: it takes no "on"`);
      if (on !== 'phone' && !phones.some((p) => p.name === on)) fail(keyNodeOf(item, 'on') ?? item, `no phone named ${JSON.stringify(on)} (name it in "phones")`);
    }
    const stepOn = on === undefined || on === 'phone' ? undefined : String(on);
    try {
      steps.push({ verb, arg: spec.parse(value, extras, contextOf(stepOn)), line: lineOf(item), on: stepOn });
    } catch (reason) {
      if (reason instanceof ArgError) fail(src.nodeAt([verb, ...reason.path], item), reason.reason);
      if (typeof reason !== 'string') throw reason;
      // a sibling key the verb does not take (`timout: 3s`), or one with a bad value (`timeout: 5`), is
      // reported where it is written
      const sibling = /^unknown key "([^"]+)" in an? /.exec(reason)?.[1] ?? /^([a-z-]+): /.exec(reason)?.[1];
      fail((sibling !== undefined && sibling in extras ? keyNodeOf(item, sibling) : undefined) ?? item, reason);
    }
  }

  return {
    file,
    name: name as string,
    profile: world.profile,
    controller,
    phone: world.phone,
    phones,
    seed: world.seed,
    steps,
  };
}
