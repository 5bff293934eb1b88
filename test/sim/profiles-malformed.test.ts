// Bad profiles: each is refused with one line naming the file and the field (a JSON pointer).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE_DIR, ProfileError, loadProfiles, validateProfile } from '../../sim/profiles.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test documents are mutated freely
type Json = any;

const FILE = 'hw-profiles/5340.json';
const raw = (id: string): Json => JSON.parse(readFileSync(join(DEFAULT_PROFILE_DIR, `${id}.json`), 'utf8'));

/** The ProfileError validateProfile throws for the 5340 profile after `mutate`. */
function refusal(mutate: (doc: Json) => void, id = '5340'): ProfileError {
  const doc = raw(id);
  mutate(doc);
  try {
    validateProfile(doc, `hw-profiles/${id}.json`);
  } catch (err) {
    if (err instanceof ProfileError) return err;
    throw err;
  }
  throw new Error('the profile was accepted');
}

describe('a malformed profile', () => {
  it('with a wrong type names the field', () => {
    expect(refusal((d) => (d.display.rows = '8')).message).toBe(`${FILE}: /display/rows must be integer`);
    expect(refusal((d) => (d.wireless = 'no')).message).toBe(`${FILE}: /wireless must be boolean`);
    expect(refusal((d) => (d.programmableKeys = 4.5)).message).toBe(`${FILE}: /programmableKeys must be integer`);
  });

  it('with a missing field names the field', () => {
    expect(refusal((d) => delete d.name).message).toBe(`${FILE}: /name is required`);
    expect(refusal((d) => delete d.display.columns).message).toBe(`${FILE}: /display/columns is required`);
    expect(refusal((d) => delete d.firmware).message).toBe(`${FILE}: /firmware is required`);
  });

  it('with an unknown loginMethod lists the valid ones', () => {
    expect(refusal((d) => (d.loginMethod = 'smoke-signal')).message).toBe(
      `${FILE}: /loginMethod must be one of: dial, hotdesk-key, handset-hotdesk-mode, none`,
    );
    // valid in general, wrong for a desk set
    expect(refusal((d) => (d.loginMethod = 'handset-hotdesk-mode')).message).toBe(
      `${FILE}: /loginMethod must be one of: dial, hotdesk-key (for this kind)`,
    );
  });

  it('with a bad cadence names the cadence and the segment', () => {
    expect(refusal((d) => (d.cadences.busy[0].ms = 0)).message).toBe(`${FILE}: /cadences/busy/0/ms must be >= 1`);
    expect(refusal((d) => (d.cadences.hold[1].ms = 1.5)).message).toBe(`${FILE}: /cadences/hold/1/ms must be integer`);
    expect(refusal((d) => (d.cadences.ringing[0].lit = 'yes')).message).toBe(
      `${FILE}: /cadences/ringing/0/lit must be boolean`,
    );
    expect(refusal((d) => (d.cadences.dnd = [])).message).toBe(`${FILE}: /cadences/dnd must NOT have fewer than 1 items`);
    expect(refusal((d) => delete d.cadences.idle).message).toBe(`${FILE}: /cadences/idle is required`);
    expect(refusal((d) => (d.cadences.cfa[0].colour = 'red')).message).toBe(
      `${FILE}: /cadences/cfa/0/colour is not a known field`,
    );
    expect(refusal((d) => (d.cadences['Fast Flash'] = [{ lit: true, ms: 5 }])).message).toMatch(
      /^hw-profiles\/5340\.json: \/cadences\/Fast Flash is not a valid name/,
    );
  });

  it('may not change the cadences that are the same on every model', () => {
    const err = refusal((d) => (d.cadences['hotdesk-logged-out'] = [{ lit: false, ms: 400 }, { lit: true, ms: 100 }]));
    expect(err.message).toBe(
      `${FILE}: /cadences/hotdesk-logged-out is the same on every model: omit it or give 438 ms off, 62 ms on`,
    );
    expect(refusal((d) => (d.cadences.on = [{ lit: false, ms: 1000 }])).message).toMatch(/: \/cadences\/on is the same/);
    // giving the fixed value itself is harmless
    const doc = raw('5340');
    doc.cadences['hotdesk-logged-out'] = [{ lit: false, ms: 438 }, { lit: true, ms: 62 }];
    expect(validateProfile(doc, FILE).cadences['hotdesk-logged-out']).toEqual(doc.cadences['hotdesk-logged-out']);
  });

  it('breaking a kind rule, an unknown field or an unsourced assumption is named too', () => {
    expect(refusal((d) => (d.pkm = { models: ['5412'], max: 1 }), '5604').lines).toEqual([
      'hw-profiles/5604.json: /pkm is not allowed for this kind',
      'hw-profiles/5604.json: /sources/pkm is required', // a fact without a source, besides
    ]);
    expect(refusal((d) => (d.colour = 'grey')).message).toBe(`${FILE}: /colour is not a known field`);
    expect(refusal((d) => (d.sources.display = 'assumed')).message).toBe(
      `${FILE}: /sources/display must give the reason it is assumed: "assumed: <why>"`,
    );
    expect(refusal((d) => delete d.sources.pkm).message).toBe(`${FILE}: /sources/pkm is required`);
    expect(refusal((d) => (d.id = '5330')).message).toBe(`${FILE}: /id must match the file name (5340)`);
  });

  it('lists every problem, one line each, and says how many more in its message', () => {
    const err = refusal((d) => {
      d.display.rows = -1;
      delete d.softkeys;
    });
    expect(err.lines).toEqual([`${FILE}: /softkeys is required`, `${FILE}: /display/rows must be >= 0`]);
    expect(err.message).toBe(`${FILE}: /softkeys is required (and 1 more)`);
  });

  it('whatever is broken, the refusal is a ProfileError of one line naming file and pointer', () => {
    const base = raw('5340');
    const pointers: string[][] = [];
    const walk = (v: Json, path: string[]) => {
      pointers.push(path);
      if (v && typeof v === 'object') for (const k of Object.keys(v)) walk(v[k], [...path, k]);
    };
    walk(base, []);
    fc.assert(
      fc.property(fc.constantFrom(...pointers), fc.option(fc.jsonValue(), { nil: undefined }), (path, value) => {
        const holder: Json = { root: structuredClone(base) };
        const keys = ['root', ...path];
        let target: Json = holder;
        for (const k of keys.slice(0, -1)) target = target[k];
        const last = keys[keys.length - 1];
        if (value === undefined) delete target[last];
        else target[last] = value;
        try {
          validateProfile(holder.root, FILE); // some mutations are harmless (a new name): fine
        } catch (err) {
          expect(err).toBeInstanceOf(ProfileError);
          expect((err as Error).message).toMatch(/^hw-profiles\/5340\.json: (\(root\)|\/[^\n]*) [^\n]+$/);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('loading a directory with a bad file', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const put = (name: string, text: string) => writeFileSync(join(dir, name), text);

  it('stops at the bad file and names it', () => {
    dir = mkdtempSync(join(tmpdir(), 'profiles-'));
    const doc = raw('5604');
    doc.display.rows = 'four';
    put('5604.json', JSON.stringify(doc));
    expect(() => loadProfiles(dir)).toThrow(`${join(dir, '5604.json')}: /display/rows must be integer`);
  });

  it('refuses a file that is not JSON', () => {
    dir = mkdtempSync(join(tmpdir(), 'profiles-'));
    put('5604.json', '{ "id": "5604", ');
    expect(() => loadProfiles(dir)).toThrow(new RegExp(`^${join(dir, '5604.json')}: \\(root\\) cannot be read as JSON`));
  });

  it('refuses a desk set naming a key module no profile describes', () => {
    dir = mkdtempSync(join(tmpdir(), 'profiles-'));
    put('5340.json', JSON.stringify(raw('5340')));
    put('5412.json', JSON.stringify(raw('5412')));
    expect(() => loadProfiles(dir)).toThrow(
      `${join(dir, '5340.json')}: /pkm/models/1 names no key module profile (known: 5412)`,
    );
  });

  it('says which directory it could not list', () => {
    dir = join(tmpdir(), 'no-such-profiles-dir');
    expect(() => loadProfiles(dir)).toThrow(new RegExp(`^${dir}: cannot list profiles \\(ENOENT`));
  });

  it('loads a good directory of its own, apart from the shipped one', () => {
    dir = mkdtempSync(join(tmpdir(), 'profiles-'));
    put('5604.json', JSON.stringify(raw('5604')));
    expect([...loadProfiles(dir).keys()]).toEqual(['5604']);
    expect(loadProfiles().size).toBeGreaterThan(1);
  });
});
