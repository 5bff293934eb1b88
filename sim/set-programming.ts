// A set's own programming, from the phone's side of the world: which DN it is (the `sets:` entry of
// the controller's world it registers as) and which key modules it has attached (a scenario's
// `phone: { pkms: [5448, 5448] }`), checked against the set's profile: only the models it takes, and
// no more than it takes. A problem is one clear sentence, so a scenario file fails to load (exit 2)
// instead of building a phone that cannot exist.
import type { Profile } from '../firmware/profile.ts';
import type { SetConfig } from './controller/config.ts';
import { loadProfiles } from './profiles.ts';

/**
 * The DN a phone registers with: the one named (a scenario's `phone: { dn }`), else that of the first
 * `sets:` entry whose profile is the phone's model. Undefined: a userless hot desk set, no programming.
 */
export function ownDn(sets: readonly SetConfig[], profileId: string, named?: string): string | undefined {
  if (named !== undefined) return named;
  return sets.find((s) => s.profile === profileId && s.dn !== undefined)?.dn;
}

export type PkmCheck = { ok: true; modules: Profile[] } | { ok: false; reason: string };

export function checkPkms(set: Profile, models: readonly unknown[], known: ReadonlyMap<string, Profile> = loadProfiles()): PkmCheck {
  if (models.length === 0) return { ok: true, modules: [] };
  const takes = set.pkm;
  if (!takes) return { ok: false, reason: `the ${set.id} takes no key modules` };
  if (models.length > takes.max) return { ok: false, reason: `the ${set.id} takes at most ${takes.max} key modules (got ${models.length})` };
  const modules: Profile[] = [];
  for (const m of models) {
    const id = String(m);
    const profile = known.get(id);
    if (!profile || profile.kind !== 'pkm') return { ok: false, reason: `"${id}" is not a key module model` };
    if (!takes.models.includes(id)) return { ok: false, reason: `the ${set.id} takes ${takes.models.join(' or ')} key modules, not the ${id}` };
    modules.push(profile);
  }
  return { ok: true, modules };
}
