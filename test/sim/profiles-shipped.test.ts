// The profiles shipped in hw-profiles/: all load, all carry what the firmware relies on.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXED_CADENCES, REQUIRED_CADENCES } from '../../firmware/profile.ts';
import {
  DEFAULT_PROFILE_DIR,
  UnknownProfileError,
  loadProfile,
  loadProfiles,
  validateProfile,
} from '../../sim/profiles.ts';

const DIAL_SETS = ['5304', '5312'];
const KEY_SETS = ['5320', '5330', '5340', '5360', '6920', '6930', '6940'];
const HANDSETS = ['5604', '5607', '5614'];
const MODULES = ['5412', '5448', 'M695'];
const ALL = [...DIAL_SETS, ...KEY_SETS, ...HANDSETS, ...MODULES].sort();

describe('shipped hardware profiles', () => {
  const profiles = loadProfiles();

  it('has exactly the desk sets, handsets and key modules of the brief, each valid', () => {
    expect([...profiles.keys()].sort()).toEqual(ALL);
    for (const id of ALL) {
      const raw: unknown = JSON.parse(readFileSync(join(DEFAULT_PROFILE_DIR, `${id}.json`), 'utf8'));
      expect(validateProfile(raw, `hw-profiles/${id}.json`)).toEqual(profiles.get(id));
    }
  });

  it('blinks a logged-out hot desk user 438 ms off, 62 ms on, on every model', () => {
    for (const p of profiles.values()) {
      expect(p.cadences['hotdesk-logged-out'], p.id).toEqual([
        { lit: false, ms: 438 },
        { lit: true, ms: 62 },
      ]);
      expect(p.cadences.off, p.id).toEqual(FIXED_CADENCES.off);
      expect(p.cadences.on, p.id).toEqual(FIXED_CADENCES.on);
      for (const name of REQUIRED_CADENCES) expect(p.cadences[name], `${p.id} ${name}`).toBeDefined();
    }
  });

  it('logs in the way each family does', () => {
    for (const id of DIAL_SETS) expect(profiles.get(id)?.loginMethod, id).toBe('dial');
    for (const id of KEY_SETS) expect(profiles.get(id)?.loginMethod, id).toBe('hotdesk-key');
    for (const id of HANDSETS) {
      const p = profiles.get(id)!;
      expect([p.kind, p.loginMethod, p.wireless, p.multicall], id).toEqual(['handset', 'handset-hotdesk-mode', true, true]);
    }
    for (const id of MODULES) expect(profiles.get(id)?.loginMethod, id).toBe('none');
  });

  it('pairs the 53xx sets with the 5412/5448 and the 69xx with the M695', () => {
    for (const p of profiles.values()) {
      if (!p.pkm) continue;
      const family = p.id.startsWith('69') ? ['M695'] : ['5412', '5448'];
      for (const m of p.pkm.models) expect(family, `${p.id} takes ${m}`).toContain(m);
      for (const m of p.pkm.models) expect(profiles.get(m)?.kind).toBe('pkm');
    }
    expect(profiles.get('5340')?.pkm?.models).toEqual(['5412', '5448']);
    expect(profiles.get('6940')?.pkm?.models).toEqual(['M695']);
  });

  it('gives every set a firmware file to download, unique per model', () => {
    const files = [...profiles.values()].filter((p) => p.kind !== 'pkm').map((p) => p.firmware?.file);
    expect(files.every((f) => typeof f === 'string')).toBe(true);
    expect(new Set(files).size).toBe(files.length);
  });

  it('hands out frozen profiles, loaded once', () => {
    const p = loadProfile('5340');
    expect(p).toBe(profiles.get('5340'));
    expect(loadProfiles()).toBe(profiles);
    expect(Object.isFrozen(p.cadences.busy[0])).toBe(true);
    expect(Object.isFrozen(p.display)).toBe(true);
    expect('$schema' in p).toBe(false);
  });

  it('names the known models when asked for an unknown one', () => {
    expect(() => loadProfile('9999')).toThrow(UnknownProfileError);
    expect(() => loadProfile('9999')).toThrow(`unknown profile "9999": known profiles are ${ALL.join(', ')}`);
  });
});
