// The world a scenario or a world file describes: the model under test, its own firmware, DN and key
// modules (`phone:`), the other phones (`phones:`), the seed and the controller's world. Checked when the
// file loads, each problem at the line that is wrong (docs/design.md "Scenarios").
import { isMap, type Node as YamlNode, type YAMLMap } from 'yaml';
import type { Profile } from '../../firmware/profile.ts';
import { parseVersion } from '../../firmware/boot/image-version.ts';
import type { ControllerConfig } from '../controller/config.ts';
import { loadProfiles } from '../profiles.ts';
import { checkPkms } from '../set-programming.ts';
import { ScenarioFileError } from './errors.ts';
import { suggestion } from './keys.ts';
import { checkControllerWorld } from './world-check.ts';
import { keyNodeOf, type YamlSource } from './yaml-source.ts';

/** Other phones on the same controller, each on its own cable: `phones: [{ name, profile, firmware }]`. */
export interface ExtraPhone {
  name: string;
  profile: string;
  firmware?: string;
  /** The set's own DN (its `sets:` entry: programming and COS). */
  dn?: string;
}

export interface WorldPart {
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
  /** The key modules of the phone under test, as profiles (for checking steps against them). */
  pkmModules: Profile[];
}

const PHONE_KEYS = ['firmware', 'dn', 'pkms'];
const PHONES_KEYS = ['name', 'profile', 'firmware', 'dn'];

/** The world keys of the mapping `root`; `defaultProfile` when the file may leave the model out. */
export function parseWorldPart(src: YamlSource, root: YAMLMap, defaultProfile?: string): WorldPart {
  const at = (path: (string | number)[]) => src.nodeAt(path, root as unknown as YamlNode);
  const fail = (node: YamlNode | null | undefined, reason: string): never => {
    throw new ScenarioFileError(src.file, src.lineOf(node ?? (root as unknown as YamlNode)), reason);
  };
  const plain = root.toJSON() as Record<string, unknown>;
  const models = loadProfiles();

  const profile = plain.profile ?? defaultProfile;
  if (typeof profile !== 'string' && typeof profile !== 'number') return fail(root as unknown as YamlNode, 'the file needs a "profile" (a model, e.g. 5340)');
  if (!models.has(String(profile))) fail(at(['profile']), `unknown profile "${profile}"${suggestion(String(profile), [...models.keys()])} (known: ${[...models.keys()].join(', ')})`);

  const seedValue = plain.seed ?? 1;
  if (typeof seedValue !== 'number' || !Number.isInteger(seedValue)) fail(at(['seed']), '"seed" must be a whole number');

  const controllerNode = root.get('controller', true) as YamlNode | undefined;
  let controllerRaw: unknown = {};
  if (controllerNode !== undefined && (controllerNode as { value?: unknown }).value !== null) {
    if (!isMap(controllerNode)) fail(controllerNode, '"controller" must be a mapping (the controller\'s world)');
    controllerRaw = (controllerNode as unknown as { toJSON(): unknown }).toJSON();
  }
  const controller = checkControllerWorld(controllerRaw, src, controllerNode, 'controller');

  const phone = (plain.phone ?? {}) as { firmware?: unknown; dn?: unknown; pkms?: unknown };
  if (typeof phone !== 'object' || phone === null || Array.isArray(phone)) fail(at(['phone']), '"phone" must be a mapping like { firmware: 1.0.0.0 }');
  for (const k of Object.keys(phone)) {
    if (!PHONE_KEYS.includes(k)) fail(keyNodeOf(at(['phone']), k), `unknown key "${k}" in "phone"${suggestion(k, PHONE_KEYS)} (allowed: ${PHONE_KEYS.join(', ')})`);
  }
  if (phone.dn !== undefined && !/^\d{1,10}$/.test(String(phone.dn))) fail(at(['phone', 'dn']), 'phone dn must be digits');
  let pkmModules: Profile[] = [];
  if (phone.pkms !== undefined) {
    if (!Array.isArray(phone.pkms)) fail(at(['phone', 'pkms']), 'phone pkms is a list of key module models, like [5448, 5448]');
    const checked = checkPkms(models.get(String(profile))!, phone.pkms as unknown[], models);
    if (!checked.ok) return fail(at(['phone', 'pkms']), `phone pkms: ${checked.reason}`);
    pkmModules = checked.modules;
  }
  if (phone.firmware !== undefined) {
    const v = parseVersion(String(phone.firmware));
    if (!v.ok) fail(at(['phone', 'firmware']), `phone firmware: ${v.reason}`);
  }

  const phones: ExtraPhone[] = [];
  if (plain.phones !== undefined) {
    if (!Array.isArray(plain.phones)) fail(at(['phones']), '"phones" is a list like [{ name: reception, profile: 5340 }]');
    for (const [i, p] of (plain.phones as Record<string, unknown>[]).entries()) {
      if (!p || typeof p !== 'object' || Array.isArray(p)) fail(at(['phones', i]), 'each of "phones" is a mapping with name and profile');
      for (const k of Object.keys(p)) {
        if (!PHONES_KEYS.includes(k)) fail(keyNodeOf(at(['phones', i]), k), `unknown key "${k}" in "phones"${suggestion(k, PHONES_KEYS)} (allowed: ${PHONES_KEYS.join(', ')})`);
      }
      const pname = String(p.name ?? '');
      if (!/^[a-z][a-z0-9-]*$/.test(pname) || pname === 'phone') fail(at(['phones', i, 'name']), `a phone's name is lower-case letters, digits and -, not "phone" (got ${JSON.stringify(p.name)})`);
      if (phones.some((x) => x.name === pname)) fail(at(['phones', i, 'name']), `two phones are named "${pname}"`);
      if (p.dn !== undefined && !/^[0-9]{1,10}$/.test(String(p.dn))) fail(at(['phones', i, 'dn']), `phone ${pname}: dn must be digits`);
      if (!models.has(String(p.profile))) fail(at(['phones', i, 'profile']), `unknown profile "${p.profile}" for phone ${pname}${suggestion(String(p.profile), [...models.keys()])}`);
      if (p.firmware !== undefined && !parseVersion(String(p.firmware)).ok) fail(at(['phones', i, 'firmware']), `phone ${pname} firmware is not a.b.c.d`);
      phones.push({
        name: pname,
        profile: String(p.profile),
        firmware: p.firmware === undefined ? undefined : String(p.firmware),
        dn: p.dn === undefined ? undefined : String(p.dn),
      });
    }
  }

  return {
    profile: String(profile),
    controller,
    phone: {
      firmware: phone.firmware === undefined ? undefined : String(phone.firmware),
      ...(phone.dn === undefined ? {} : { dn: String(phone.dn) }),
      ...(phone.pkms === undefined ? {} : { pkms: (phone.pkms as unknown[]).map(String) }),
    },
    phones,
    seed: seedValue as number,
    pkmModules,
  };
}
