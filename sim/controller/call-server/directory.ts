// The call server's user directory: hot desk users by extension and the sets' own programming by DN,
// read from the controller's world (config.ts). It answers the questions login and logout ask (who is
// this, where is the user homed, may this set log others out) and turns a user's configured keys into
// the key-layout entries the phone downloads.
import type { KeyEntry as LayoutKey } from '../../../firmware/signalling/key-layout.ts';
import type { HotdeskUser, KeyEntry, SetConfig } from '../config.ts';
import { keyCode } from './acd/agents.ts';

/** The seed's rule for a hot desk PIN: 0 to 8 characters, digits only ("" is a blank PIN). */
export const PIN_RULE = /^[0-9]{0,8}$/;
export const PIN_RULE_TEXT = 'a hot desk PIN is 0 to 8 digits (0-9)';

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

  /**
   * Reset a Hot Desk PIN: the user's next login is checked against `pin`. The user is a fresh record,
   * never the config's own object, which the world's other call servers may share.
   */
  setPin(ext: string, pin: string): boolean {
    const user = this.usersByExt.get(ext);
    if (!user) return false;
    this.usersByExt.set(ext, { ...user, pin });
    return true;
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
      entries.push({ key: n, type: k.type, dn: keyCode(k), label: k.label ?? '' });
    }
  }
  return { entries, skipped };
}
