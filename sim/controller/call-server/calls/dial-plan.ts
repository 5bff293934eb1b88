// The dial plan register-ack announces (docs/design.md "Calls": dialling): a number is complete at the
// length every DN of the world shares, so a phone need not wait for `#` or the pause.
import type { HotdeskUser, SetConfig } from '../../config.ts';

/** The length every user's extension and every set's DN shares; 0 when they differ or there are none. */
export function dialDigits(users: readonly Pick<HotdeskUser, 'ext'>[], sets: readonly Pick<SetConfig, 'dn'>[]): number {
  const lengths = new Set([...users.map((u) => u.ext.length), ...sets.flatMap((s) => (s.dn === undefined ? [] : [s.dn.length]))]);
  return lengths.size === 1 ? Math.min(255, [...lengths][0]) : 0; // a u8 on the wire
}
