// A lamp's look at a moment, from its cadence and phase origin: the same arithmetic as the firmware's
// firmware/keys/cadence.ts lampState (test/web/page-modules.test.ts holds the two side by side), so the
// page blinks each lamp itself, at the simulation's times, with nothing sent per blink.

/** Lit (true) or dark at `now`, for a cadence [{ lit, ms }, ...] started at `origin`. */
export function litAt(cadence, origin, now) {
  const usable = (cadence ?? []).filter((s) => Number.isFinite(s.ms) && s.ms > 0);
  if (usable.length === 0) return false;
  const ends = [];
  let period = 0;
  for (const s of usable) ends.push((period += s.ms));
  // where, within a period, the lamp changes, and to what
  const changes = [];
  usable.forEach((s, i) => {
    const before = usable[(i + usable.length - 1) % usable.length];
    if (s.lit !== before.lit) changes.push({ at: i === 0 ? 0 : ends[i - 1], lit: s.lit });
  });
  if (changes.length === 0) return usable[0].lit;
  let cycle = Math.floor((now - origin) / period);
  if (now - (origin + cycle * period) >= period) cycle++;
  if (now - (origin + cycle * period) < 0) cycle--;
  // the lamp now is the opposite of what its next change makes it (a change instant is the new state's)
  for (; ; cycle++) {
    const start = origin + cycle * period;
    for (const change of changes) if (start + change.at > now) return !change.lit;
  }
}
