// The call server's user directory: hot desk users by extension and the sets' own programming by DN,
// read from the controller's world (config.ts). It answers the questions login and logout ask (who is
// this, where is the user homed, may this set log others out) and turns a user's configured keys into
// the key-layout entries the phone downloads.
import type { KeyEntry as LayoutKey } from '../../../firmware/signalling/key-layout.ts';
import type { HotdeskUser, KeyEntry, SetConfig } from '../config.ts';

/** Why a configured key did not make it into the downloaded layout. */
export interface SkippedKey {
  key: string;
  why: 'pkm' | 'duplicate' | 'out-of-range';
}

export class Directory {
  private readonly usersByExt = new Map<string, HotdeskUser>();
  private readonly setsByDn = new Map<string, SetConfig>();

  constructor(users: readonly HotdeskUser[], sets: readonly SetConfig[]) {
    for (const u of users) this.usersByExt.set(u.ext, u);
    for (const s of sets) if (s.dn !== undefined) this.setsByDn.set(s.dn, s);
  }

  user(ext: string): HotdeskUser | undefined {
    return this.usersByExt.get(ext);
  }

  users(): HotdeskUser[] {
    return [...this.usersByExt.values()];
  }

  set(dn: string): SetConfig | undefined {
    return this.setsByDn.get(dn);
  }

  /** The requesting set's COS for remote logout (Hot Desk Remote Logout Enabled). Unknown sets may not. */
  setMayRemoteLogout(dn: string): boolean {
    return this.setsByDn.get(dn)?.remoteLogoutAllowed ?? false;
  }
}

/**
 * A user's keys as the key-layout payload carries them. PKM keys are left out (a PKM is disabled for a
 * hot desk user), and so is a second entry for the same key: the phone's decoder refuses duplicates, so
 * one bad line in a config must not cost the user the whole layout.
 */
export function layoutKeys(keys: readonly KeyEntry[]): { entries: LayoutKey[]; skipped: SkippedKey[] } {
  const entries: LayoutKey[] = [];
  const skipped: SkippedKey[] = [];
  const seen = new Set<number>();
  for (const k of keys) {
    const m = /^(?:key:)?(\d+)$/.exec(k.key);
    if (!m) {
      skipped.push({ key: k.key, why: 'pkm' });
      continue;
    }
    const n = Number(m[1]);
    if (n < 1 || n > 255) skipped.push({ key: k.key, why: 'out-of-range' });
    else if (seen.has(n)) skipped.push({ key: k.key, why: 'duplicate' });
    else {
      seen.add(n);
      entries.push({ key: n, type: k.type, dn: k.dn ?? '', label: k.label ?? '' });
    }
  }
  return { entries, skipped };
}
