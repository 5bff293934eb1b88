// The rules of the login entry screens, the same for every login style: the extension is echoed as
// typed, the PIN is only ever shown masked, a PIN is 0-8 digits (a 9th is refused, blank is fine) and
// the key that ends a field depends on the model: `#` on dial sets, OK elsewhere. The entry pad
// (entry-pad.ts) applies them to the fields the session opens (session-setup.ts, extField and pinField).
import type { LoginMethod } from '../profile.ts';

/** Extensions are short digit strings; a cap keeps a stuck key from growing the entry forever. */
export const MAX_EXT_DIGITS = 10;

/** No key for this long during entry abandons it (back to the idle screen). */
export const ENTRY_TIMEOUT_MS = 30_000;

export function isDigit(key: string): boolean {
  return /^[0-9]$/.test(key);
}

/** The key that ends the extension and the PIN: `#` on dial-style sets, OK on the others. */
export function isSubmitKey(method: LoginMethod, key: string): boolean {
  return method === 'dial' ? key === '#' : key === 'ok';
}
