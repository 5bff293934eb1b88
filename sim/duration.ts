// Durations as people write them in scenarios and on the command line: 250ms, 10s, 1.5m, 2h, 1d.
// What a person writes needs a unit (`--for 5` could be 5 ms or 5 s: it is refused with the reason);
// the controller's world keeps its schema's bare numbers of milliseconds (parseDuration).
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** How a duration is written, for messages. */
export const DURATION_EXAMPLES = '500ms, 30s, 2m, 1h';

export type DurationCheck = { ok: true; ms: number } | { ok: false; reason: string };

/** A duration a person wrote, with its unit; the reason says what is wrong in plain words. */
export function checkDuration(text: unknown): DurationCheck {
  if (typeof text === 'number' || (typeof text === 'string' && /^\s*[-+]?\d+(\.\d+)?\s*$/.test(text))) {
    return { ok: false, reason: `a duration needs a unit (${DURATION_EXAMPLES})` };
  }
  if (typeof text !== 'string' || text.trim() === '') return { ok: false, reason: `a duration is a number with a unit (${DURATION_EXAMPLES})` };
  if (/^\s*-/.test(text)) return { ok: false, reason: `a duration cannot be negative (${DURATION_EXAMPLES})` };
  const m = /^\s*\+?(\d+(?:\.\d+)?)\s*(ms|s|m|min|h|d)\s*$/.exec(text);
  if (!m) return { ok: false, reason: `a duration is a number with a unit: ms, s, m, h or d (${DURATION_EXAMPLES})` };
  return { ok: true, ms: Number(m[1]) * UNITS[m[2]] };
}

/** The controller world's durations (config-schema.ts): a unit, or a bare number of milliseconds. */
export function parseDuration(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) && text >= 0 ? text : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min|h|d)?\s*$/.exec(text);
  if (!m) return undefined;
  return Number(m[1]) * UNITS[m[2] ?? 'ms'];
}
