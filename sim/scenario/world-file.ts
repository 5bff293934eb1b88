// A `--config FILE` (docs/scenarios.md "The controller's world"): either the controller's world itself
// (users:, sets:, dhcp: ... at the top), or a world file, which also says which phones the world has: a
// scenario without steps (`profile`, `phone`, `phones`, `seed`, `controller`; `name` and `description`
// are free text). `hotdesk sim` builds the whole world from it; `hotdesk controller` takes its controller.
import { isMap, type Node as YamlNode, type YAMLMap } from 'yaml';
import { ScenarioFileError } from './errors.ts';
import { suggestion } from './keys.ts';
import { checkControllerWorld } from './world-check.ts';
import { parseWorldPart, type WorldPart } from './world-part.ts';
import { parseYamlSource, readYamlFile, type YamlSource } from './yaml-source.ts';

/** The keys that make a file a world file; anything else at its top level is the controller's. */
const WORLD_KEYS = ['name', 'description', 'profile', 'phone', 'phones', 'seed', 'controller'];

export interface WorldFile extends Omit<WorldPart, 'pkmModules' | 'profile'> {
  file: string;
  /** The model of the phone under test, when the file names one (a world file's `profile`). */
  profile?: string;
}

export function loadWorldFile(file: string): WorldFile {
  return worldOf(readYamlFile(file));
}

export function parseWorldFile(text: string, file = '<config>'): WorldFile {
  return worldOf(parseYamlSource(text, file));
}

function worldOf(src: YamlSource): WorldFile {
  const root = src.doc.contents as YamlNode | null;
  if (root === null || (root as { value?: unknown }).value === null) {
    return { file: src.file, controller: checkControllerWorld({}, src, undefined), phone: {}, phones: [], seed: 1 };
  }
  if (!isMap(root)) throw new ScenarioFileError(src.file, src.lineOf(root), 'a config file is a mapping: the controller\'s fields (users:, sets:, ...), or a world (profile:, phones:, controller:)');
  const keys = root.items.map((p) => ({ name: String((p.key as { value?: unknown })?.value ?? p.key), node: p.key as YamlNode }));
  const world = keys.filter((k) => WORLD_KEYS.includes(k.name));
  if (world.length === 0) {
    return { file: src.file, controller: checkControllerWorld(root.toJSON(), src, root), phone: {}, phones: [], seed: 1 };
  }
  // a world file: the controller's fields go under `controller:`
  for (const k of keys) {
    if (WORLD_KEYS.includes(k.name)) continue;
    const hint = k.name === 'steps' ? ' (a world file has no steps: hotdesk run takes scenarios)' : `${suggestion(k.name, WORLD_KEYS)}; the controller's fields go under "controller:"`;
    throw new ScenarioFileError(src.file, src.lineOf(k.node), `unknown top-level key "${k.name}" in a world file${hint} (expected ${WORLD_KEYS.join(', ')})`);
  }
  const part = parseWorldPart(src, root as YAMLMap, '5340');
  const named = keys.some((k) => k.name === 'profile');
  return { file: src.file, controller: part.controller, phone: part.phone, phones: part.phones, seed: part.seed, ...(named ? { profile: part.profile } : {}) };
}

/**
 * What `hotdesk sim|phone|controller` takes from a `--config` file for World.build: the controller's
 * world, and for the world a command builds whole (`sim` on the mock wire or a pty pair) the phones.
 */
export function worldBuildOptions(
  file: WorldFile | undefined,
  o: { ends: 'both' | 'phone' | 'controller'; link: string; seedGiven: boolean },
): { config?: WorldFile['controller']; pkms?: string[]; dn?: string; phoneFirmware?: string; extraPhones?: WorldFile['phones']; seed?: number } {
  if (!file) return {};
  const phones = o.ends !== 'controller';
  const cabled = o.ends === 'both' && (o.link === 'mock' || o.link === 'pty');
  return {
    config: file.controller,
    ...(phones && file.phone.pkms ? { pkms: file.phone.pkms } : {}),
    ...(phones && file.phone.dn ? { dn: file.phone.dn } : {}),
    ...(phones && file.phone.firmware ? { phoneFirmware: file.phone.firmware } : {}),
    ...(cabled && file.phones.length > 0 ? { extraPhones: file.phones } : {}),
    ...(o.seedGiven ? {} : { seed: file.seed }),
  };
}
