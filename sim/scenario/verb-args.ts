// The argument checks the step verbs share: durations, texts, the sibling keys a step may have. Each
// throws a reason (a string) that the loader reports with the file and line.
import { checkDuration } from '../duration.ts';

/** How long a `wait-*` step waits on the simulation clock when it gives no `timeout`. */
export const DEFAULT_WAIT_MS = 60_000;

/** A duration with its unit (`advance: 5` is refused: 5 ms or 5 s?). */
export function durationArg(value: unknown, what: string): number {
  const d = checkDuration(value);
  if (!d.ok) throw `${what}: ${d.reason}; got ${JSON.stringify(value)}`;
  return d.ms;
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
