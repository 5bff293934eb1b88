// `--phones 5340:6000,6930:3000,5607:1000`: which models a fleet has and how many of each, and the order
// they stand in. The models are interleaved in proportion (a 2:1 mix reads A A B A A B ...), so any slice
// of the fleet (a shard, the first phones of a ramp) has about the same mix as the whole.
import { UsageError } from '../commands/usage.ts';
import { loadProfile, UnknownProfileError } from '../profiles.ts';

export interface MixEntry {
  profile: string;
  count: number;
}

/** The most phones one fleet may have: the addresses of one /16 (see shard-plan.ts). */
export const MAX_FLEET = 60_000;

export function parsePhoneMix(text: string | undefined): MixEntry[] {
  if (text === undefined || text.trim() === '') throw new UsageError('--phones is required: MODEL:COUNT,... (e.g. --phones 5340:60,6930:30,5607:10)');
  const entries: MixEntry[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*([A-Za-z0-9-]+)\s*:\s*(\d+)\s*$/.exec(part);
    if (!m) throw new UsageError(`--phones takes MODEL:COUNT,... (got "${part.trim()}")`);
    const [, profile, n] = m;
    const count = Number(n);
    if (count < 1) throw new UsageError(`--phones: ${profile} needs at least one phone (got ${count})`);
    if (entries.some((e) => e.profile === profile)) throw new UsageError(`--phones names ${profile} twice`);
    let kind: string;
    try {
      kind = loadProfile(profile).kind;
    } catch (err) {
      if (err instanceof UnknownProfileError) throw new UsageError(`--phones: ${err.message}`);
      throw err;
    }
    if (kind === 'pkm') throw new UsageError(`--phones: ${profile} is a key module, not a phone`);
    entries.push({ profile, count });
  }
  const total = entries.reduce((s, e) => s + e.count, 0);
  if (total > MAX_FLEET) throw new UsageError(`--phones: ${total} phones; a fleet has at most ${MAX_FLEET} (shard it with --shard I/N)`);
  return entries;
}

export function fleetSize(mix: readonly MixEntry[]): number {
  return mix.reduce((s, e) => s + e.count, 0);
}

/**
 * The model of every phone of the fleet, in fleet order: at each place the model furthest behind its
 * share goes next (ties to the one named first), so the order depends on the mix alone.
 */
export function interleave(mix: readonly MixEntry[]): string[] {
  const total = fleetSize(mix);
  const placed = mix.map(() => 0);
  const out: string[] = [];
  for (let g = 0; g < total; g++) {
    let best = -1;
    let bestLag = -Infinity;
    for (let i = 0; i < mix.length; i++) {
      if (placed[i] >= mix[i].count) continue;
      const lag = ((g + 1) * mix[i].count) / total - placed[i];
      if (lag > bestLag + 1e-9) {
        best = i;
        bestLag = lag;
      }
    }
    placed[best]++;
    out.push(mix[best].profile);
  }
  return out;
}
