// Loads the hardware profiles in hw-profiles/, validates each against hw-profiles/schema.json with ajv,
// and hands the firmware frozen, typed Profile objects. A bad file stops the load with one line that
// names the file and the field as a JSON pointer: `hw-profiles/5340.json: /display/rows must be integer`.
import { readFileSync, readdirSync } from 'node:fs';
import { basename, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
// ajv is CommonJS: under NodeNext its default import types as the module object, not the class, so
// `new Ajv()` fails tsc; the named export is the same class and works in tsc, tsx and vitest alike.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { FIXED_CADENCES, sameCadence, type Cadence, type Profile } from '../firmware/profile.ts';

export const DEFAULT_PROFILE_DIR = fileURLToPath(new URL('../hw-profiles/', import.meta.url));
const SCHEMA_FILE = join(DEFAULT_PROFILE_DIR, 'schema.json');

/** One thing wrong with a profile: where (JSON pointer, '' for the whole document) and what. */
export interface ProfileProblem {
  readonly pointer: string;
  readonly message: string;
}

/** A profile that failed to load. `message` is one line: `<file>: <pointer> <what is wrong>`. */
export class ProfileError extends Error {
  /** Every problem found, each already formatted as one line; `message` is the first of them. */
  readonly lines: readonly string[];

  constructor(
    readonly file: string,
    readonly problems: readonly ProfileProblem[],
  ) {
    const lines = problems.map((p) => `${file}: ${p.pointer || '(root)'} ${p.message}`);
    super(lines[0] + (lines.length > 1 ? ` (and ${lines.length - 1} more)` : ''));
    this.name = 'ProfileError';
    this.lines = lines;
  }
}

/** Asked for a model that no profile describes. */
export class UnknownProfileError extends Error {
  constructor(
    readonly id: string,
    readonly known: readonly string[],
  ) {
    super(`unknown profile "${id}": known profiles are ${known.join(', ')}`);
    this.name = 'UnknownProfileError';
  }
}

let validator: ValidateFunction | undefined;

function schemaValidator(): ValidateFunction {
  // strict mode turns a typo in the schema itself into an error at first use instead of a silently
  // ignored keyword (strictRequired excepted: the kind rules require fields declared one level up);
  // allErrors lets ProfileError list everything wrong with a file at once
  validator ??= new Ajv({ allErrors: true, strict: true, strictRequired: false }).compile(
    JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as object,
  );
  return validator;
}

/** The file as the user should read it: relative to the working directory when it lies below it. */
function shownPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

function pointerPart(name: string): string {
  return '/' + name.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Turns ajv's errors into one problem per field, in the schema's order, in words a user can act on. */
function problemsFrom(errors: readonly ErrorObject[]): ProfileProblem[] {
  const out: ProfileProblem[] = [];
  const seen = new Set<string>();
  // ajv checks the kind rules (allOf) before the fields; a field's own rule says more, so it goes first
  const byKind = (e: ErrorObject) => e.schemaPath.startsWith('#/allOf/');
  const ordered = [...errors.filter((e) => !byKind(e)), ...errors.filter(byKind)];
  for (const e of ordered) {
    // 'if' and 'propertyNames' only summarise the specific error ajv reports next to them
    if (e.keyword === 'if' || e.keyword === 'propertyNames') continue;
    const p = e.params as Record<string, unknown>;
    let pointer = e.instancePath;
    let message: string;
    if (e.propertyName !== undefined) {
      pointer += pointerPart(e.propertyName);
      message = e.keyword === 'enum' ? 'is not a known field' : `is not a valid name (${e.message ?? 'invalid'})`;
    } else if (e.keyword === 'required') {
      pointer += pointerPart(String(p.missingProperty));
      message = 'is required';
    } else if (e.keyword === 'additionalProperties') {
      pointer += pointerPart(String(p.additionalProperty));
      message = 'is not a known field';
    } else if (e.schemaPath === '#/definitions/source/then/pattern') {
      message = 'must give the reason it is assumed: "assumed: <why>"';
    } else if (e.keyword === 'false schema') {
      message = 'is not allowed for this kind';
    } else if (e.keyword === 'enum') {
      message = `must be one of: ${(p.allowedValues as unknown[]).join(', ')}`;
    } else if (e.keyword === 'const') {
      message = `must be ${JSON.stringify(p.allowedValue)}`;
    } else {
      message = e.message ?? `fails ${e.keyword}`;
    }
    if (byKind(e) && e.keyword !== 'false schema' && e.keyword !== 'required') message += ' (for this kind)';
    // the same field can fail both the general rule and a kind rule: the general one says it best
    if (seen.has(pointer)) continue;
    seen.add(pointer);
    out.push({ pointer, message });
  }
  return out;
}

function describe(cadence: Cadence): string {
  return cadence.map((s) => `${s.ms} ms ${s.lit ? 'on' : 'off'}`).join(', ');
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * Checks one profile document and returns it typed, frozen, with the fixed cadences (`off`, `on`,
 * `hotdesk-logged-out`) in its table. `file` is only used to name the culprit in errors and to check
 * that the id matches the file name. Throws ProfileError; never anything else for any input.
 */
export function validateProfile(json: unknown, file: string): Profile {
  const shown = shownPath(file);
  const validate = schemaValidator();
  if (!validate(json)) throw new ProfileError(shown, problemsFrom(validate.errors ?? []));
  const doc = json as Profile & { $schema?: string };

  const problems: ProfileProblem[] = [];
  const stem = basename(file, extname(file));
  if (doc.id !== stem) problems.push({ pointer: '/id', message: `must match the file name (${stem})` });
  for (const [name, fixed] of Object.entries(FIXED_CADENCES)) {
    const given = doc.cadences[name];
    if (given && !sameCadence(given, fixed)) {
      problems.push({
        pointer: `/cadences${pointerPart(name)}`,
        message: `is the same on every model: omit it or give ${describe(fixed)}`,
      });
    }
  }
  if (problems.length > 0) throw new ProfileError(shown, problems);

  const { $schema: _editorHint, ...profile } = structuredClone(doc);
  return deepFreeze({ ...profile, cadences: { ...profile.cadences, ...FIXED_CADENCES } });
}

function readProfileFile(file: string): Profile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ProfileError(shownPath(file), [{ pointer: '', message: `cannot be read as JSON: ${reason}` }]);
  }
  return validateProfile(json, file);
}

/** Key modules named by a desk set must exist, and be key modules. */
function checkPkmReferences(profiles: ReadonlyMap<string, Profile>, dir: string): void {
  const modules = [...profiles.values()].filter((p) => p.kind === 'pkm').map((p) => p.id);
  for (const p of profiles.values()) {
    p.pkm?.models.forEach((id, i) => {
      if (profiles.get(id)?.kind === 'pkm') return;
      throw new ProfileError(shownPath(join(dir, `${p.id}.json`)), [
        { pointer: `/pkm/models/${i}`, message: `names no key module profile (known: ${modules.join(', ') || 'none'})` },
      ]);
    });
  }
}

const cache = new Map<string, ReadonlyMap<string, Profile>>();

/**
 * Every profile in `dir` (default hw-profiles/), by id, sorted by id. Loaded and checked once per
 * directory; later calls return the same map. Throws ProfileError on the first bad file.
 */
export function loadProfiles(dir: string = DEFAULT_PROFILE_DIR): ReadonlyMap<string, Profile> {
  const key = resolve(dir);
  const cached = cache.get(key);
  if (cached) return cached;
  let names: string[];
  try {
    names = readdirSync(key);
  } catch (err) {
    throw new Error(`${shownPath(key)}: cannot list profiles (${err instanceof Error ? err.message : String(err)})`);
  }
  const files = names.filter((f) => f.endsWith('.json') && f !== 'schema.json').sort();
  const loaded = files.map((f) => readProfileFile(join(key, f)));
  const profiles = new Map(loaded.sort((a, b) => a.id.localeCompare(b.id)).map((p) => [p.id, p]));
  checkPkmReferences(profiles, key);
  cache.set(key, profiles);
  return profiles;
}

/** One model's profile; an unknown id throws UnknownProfileError listing the known ones. */
export function loadProfile(id: string, dir?: string): Profile {
  const profiles = loadProfiles(dir);
  const profile = profiles.get(id);
  if (!profile) throw new UnknownProfileError(id, [...profiles.keys()]);
  return profile;
}
