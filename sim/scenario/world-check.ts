// The controller's world as a file gives it (a scenario's `controller:` block, a `--config` file), checked
// when the file loads: the schema (sim/controller/config-schema.ts) in plain words, then what the schema
// cannot say (models and firmware families that exist), then config.ts's own checks. Every problem is
// reported at the line of the field that is wrong, and never echoes a value (a PIN must not reach a
// terminal through an error message).
import { Ajv, type ErrorObject } from 'ajv';
import type { Node as YamlNode } from 'yaml';
import { CONTROLLER_SCHEMA, IPV4_PATTERN, UDP_ENDPOINT_PATTERN } from '../controller/config-schema.ts';
import { ConfigError, parseControllerConfig, type ControllerConfig } from '../controller/config.ts';
import { checkDuration } from '../duration.ts';
import { loadProfiles } from '../profiles.ts';
import { ScenarioFileError } from './errors.ts';
import { suggestion } from './keys.ts';
import { keyNodeOf, type YamlSource } from './yaml-source.ts';

type Path = (string | number)[];

let validate: ReturnType<Ajv['compile']> | undefined;

/** `/users/0/pin` as the steps to that node: keys, and list indexes as numbers. */
function pathOf(pointer: string): Path {
  if (pointer === '' || pointer === '(root)') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function pointerOf(path: Path): string {
  return path.length === 0 ? 'the top level' : `/${path.join('/')}`;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping (field: value)',
  null: 'empty',
};

/** What a pattern asks for, in words (the patterns of config-schema.ts). */
function patternWords(pattern: string, where: string): string {
  if (/\/pin$/.test(where)) return '0 to 8 digits';
  if (pattern === IPV4_PATTERN) return 'an IPv4 address (192.168.10.2)';
  if (pattern === UDP_ENDPOINT_PATTERN) return 'an IPv4 address and a port (127.0.0.1:6969)';
  if (pattern.includes('ms|s|m')) return 'a duration (500ms, 30s, 2m, 1h)';
  if (pattern.includes('KiB')) return 'a size (64KiB, 1MiB, 4096)';
  if (pattern.includes('pkm')) return 'a key: N, key:N or pkmM:N';
  if (pattern.startsWith('^\\+?')) return 'digits, a leading + allowed';
  if (/^\^\[0-9\]\{\d+,\d+\}\$$/.test(pattern)) return 'digits, in quotes ("5123")';
  if (pattern.includes('\\d{1,3}\\.\\d{1,3}')) return 'a version a.b.c.d';
  return 'in the form the field takes (docs/scenarios.md)';
}

/** One branch of a oneOf (durations, sizes, key names), in words. */
function branchWords(schema: Record<string, unknown>, where: string): string {
  if (typeof schema.pattern === 'string') return patternWords(schema.pattern, where);
  if (schema.type === 'number' || schema.type === 'integer') return `a ${schema.type === 'integer' ? 'whole ' : ''}number${schema.minimum === 0 ? ' (0 or more)' : schema.minimum === 1 ? ' (1 or more)' : ''}`;
  return TYPE_WORDS[String(schema.type)] ?? 'a value of another kind';
}

/** The schema's first complaint, as where it is and one plain sentence. */
function plainSchemaError(errors: ErrorObject[]): { path: Path; reason: string } {
  const first = errors[0];
  // a oneOf (a duration, a size, a key name) says what it takes as a whole, not branch by branch
  const one = errors.find((e) => e.keyword === 'oneOf' && e.instancePath === first.instancePath);
  const e = one ?? first;
  const path = pathOf(e.instancePath);
  const where = pointerOf(path);
  const p = e.params as Record<string, any>;
  switch (e.keyword) {
    case 'oneOf':
      return { path, reason: `${where} must be ${(e.schema as Record<string, unknown>[]).map((b) => branchWords(b, where)).join(', or ')}` };
    case 'additionalProperties': {
      const fields = Object.keys((e.parentSchema?.properties as object | undefined) ?? {});
      const field = String(p.additionalProperty);
      return {
        path: [...path, field],
        reason: `unknown field "${field}"${path.length ? ` in ${where}` : ''}${suggestion(field, fields)} (fields: ${fields.join(', ')})`,
      };
    }
    case 'required':
      return { path, reason: `${where} needs "${p.missingProperty}"` };
    case 'type': {
      const want = String(p.type).split(',').map((t) => TYPE_WORDS[t] ?? t).join(' or ');
      const digits = p.type === 'string' && typeof e.data === 'number';
      return { path, reason: `${where} must be ${want}${digits ? ': put the digits in quotes ("5123")' : ''}` };
    }
    case 'enum':
      return { path, reason: `${where} must be one of ${(p.allowedValues as unknown[]).map(String).join(', ')}` };
    case 'pattern':
      return { path, reason: `${where} must be ${patternWords(String(p.pattern), where)}` };
    case 'minimum':
      return { path, reason: `${where} must be at least ${p.limit}` };
    case 'maximum':
      return { path, reason: `${where} must be at most ${p.limit}` };
    case 'minItems':
      return { path, reason: `${where} needs at least ${p.limit} item${p.limit === 1 ? '' : 's'}` };
    case 'maxItems':
      return { path, reason: `${where} takes at most ${p.limit} items` };
    case 'minLength':
      return { path, reason: `${where} cannot be empty` };
    case 'maxLength':
      return { path, reason: `${where} is longer than ${p.limit} characters` };
    default:
      return { path, reason: `${where} ${e.message ?? 'is not valid'}` };
  }
}

type SchemaNode = { properties?: Record<string, SchemaNode>; items?: SchemaNode; oneOf?: SchemaNode[]; pattern?: string };

const isDurationSchema = (schema: SchemaNode) => !!schema.oneOf?.some((b) => b.pattern?.includes('ms|s|m'));

/**
 * Durations a person writes need a unit, in a file as on the command line (`heartbeat-interval: 30` could
 * be 30 ms or 30 s): the schema takes a bare number of milliseconds, a file does not.
 */
function unitlessDuration(value: unknown, schema: SchemaNode, path: Path): { path: Path; reason: string } | undefined {
  if (isDurationSchema(schema)) {
    const d = checkDuration(value);
    return d.ok ? undefined : { path, reason: `${pointerOf(path)}: ${d.reason}` };
  }
  if (Array.isArray(value) && schema.items) {
    for (const [i, v] of value.entries()) {
      const found = unitlessDuration(v, schema.items, [...path, i]);
      if (found) return found;
    }
  } else if (value && typeof value === 'object' && schema.properties) {
    for (const [k, v] of Object.entries(value)) {
      const sub = schema.properties[k];
      const found = sub ? unitlessDuration(v, sub, [...path, k]) : undefined;
      if (found) return found;
    }
  }
  return undefined;
}

/** What the schema cannot know: the models of `sets:` and the firmware families exist. */
function checkModelsAndFamilies(raw: Record<string, unknown>): { path: Path; reason: string } | undefined {
  const models = loadProfiles();
  for (const [i, s] of ((raw.sets as { profile?: unknown }[] | undefined) ?? []).entries()) {
    const id = String(s.profile);
    if (!models.has(id)) return { path: ['sets', i, 'profile'], reason: `/sets/${i}/profile: no model "${id}"${suggestion(id, [...models.keys()])} (hotdesk profiles lists them)` };
  }
  const families = [...new Set([...models.values()].flatMap((m) => (m.firmware ? [m.firmware.family] : [])))].sort();
  for (const [i, f] of ((raw.firmware as { family?: unknown; file?: unknown }[] | undefined) ?? []).entries()) {
    const family = String(f.family);
    if (!/^[A-Za-z0-9]{4}$/.test(family)) return { path: ['firmware', i, 'family'], reason: `/firmware/${i}/family must be four letters or digits (the image header's family, e.g. 53gx)` };
    // with its own `file` an image of any family may be served (a phone must refuse a foreign one)
    if (f.file === undefined && !families.includes(family)) {
      return {
        path: ['firmware', i, 'family'],
        reason: `/firmware/${i}/family: no model runs firmware family "${family}"${suggestion(family, families)} (families: ${families.join(', ')}; hotdesk profiles shows each model's)`,
      };
    }
  }
  return undefined;
}

/** config.ts's errors start `SOURCE: /pointer ...`: the pointer says which line to report. */
const SOURCE = '\u0000world';

/**
 * The controller world at `base` of `src` (its root for a `--config` file, a scenario's `controller:`
 * node), checked and normalised. `label` prefixes messages (`controller` in a scenario, so the message
 * reads `controller /users/0/pin ...`).
 */
export function checkControllerWorld(raw: unknown, src: YamlSource, base: YamlNode | undefined, label = ''): ControllerConfig {
  const fail = (path: Path, reason: string): never => {
    const node = typeof path.at(-1) === 'string' ? keyOrValue(src, base, path) : src.nodeAt(path, base);
    throw new ScenarioFileError(src.file, src.lineOf(node ?? base), `${label ? `${label} ` : ''}${reason}`);
  };
  validate ??= new Ajv({ allErrors: false, strict: false, verbose: true }).compile(CONTROLLER_SCHEMA);
  const input = raw ?? {};
  if (!validate(input)) {
    const { path, reason } = plainSchemaError(validate.errors!);
    return fail(path, reason);
  }
  const extra = unitlessDuration(input, CONTROLLER_SCHEMA as unknown as SchemaNode, []) ?? checkModelsAndFamilies(input as Record<string, unknown>);
  if (extra) return fail(extra.path, extra.reason);
  try {
    return parseControllerConfig(input, SOURCE);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const text = err.message.startsWith(`${SOURCE}: `) ? err.message.slice(SOURCE.length + 2) : err.message;
    const pointer = /^(\/[^\s:]*)/.exec(text)?.[1];
    return fail(pointer ? pathOf(pointer) : [], text);
  }
}

/** An unknown or misspelt field is reported at its key; anything else at its value. */
function keyOrValue(src: YamlSource, base: YamlNode | undefined, path: Path): YamlNode | undefined {
  const parent = src.nodeAt(path.slice(0, -1), base);
  return keyNodeOf(parent, String(path.at(-1))) ?? src.nodeAt(path, base);
}
