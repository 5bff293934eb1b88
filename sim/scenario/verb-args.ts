// The argument checks the step verbs share: durations, texts, the sibling keys a step may have. Each
// throws a reason (a string) that the loader reports with the file and line.
import { parseDuration } from '../duration.ts';

/** How long a `wait-*` step waits on the simulation clock when it gives no `timeout`. */
export const DEFAULT_WAIT_MS = 60_000;

export function durationArg(value: unknown, what: string): number {
  const ms = typeof value === 'string' || typeof value === 'number' ? parseDuration(value) : undefined;
  if (ms === undefined) throw `${what} must be a duration like 500ms, 10s, 2m or 1h (got ${JSON.stringify(value)})`;
  return ms;
}

export function textArg(value: unknown, verb: string): string {
  if (typeof value !== 'string' && typeof value !== 'number') throw `${verb} needs the text to look for`;
  const text = String(value);
  if (text.length === 0) throw `${verb} needs a non-empty text`;
  return text;
}

export function onlyKeys(extras: Record<string, unknown>, allowed: string[], verb: string): void {
  for (const k of Object.keys(extras)) {
    if (!allowed.includes(k)) throw `unknown key "${k}" in ${/^[aeiou]/.test(verb) ? 'an' : 'a'} ${verb} step (allowed: ${allowed.join(', ') || 'none'})`;
  }
}
