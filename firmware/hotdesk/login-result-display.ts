// What each login outcome shows, in the language the set speaks at that moment.
import type { HotdeskStrings } from '../display/strings.ts';
import type { LoginResult } from '../signalling/messages.ts';
import { ACD_TEXT } from '../acd/acd-strings.ts';

/** The logged-in screen: the user's name, then the extension. */
export function userScreen(user: { name: string; ext: string }): string[] {
  return [user.name || user.ext, user.ext];
}

/** Lines for a login that did not log anyone in (every code but ok and redirect). */
export function failureScreen(s: HotdeskStrings, r: LoginResult): string[] {
  switch (r.code) {
    case 'wrong-pin':
      return [s.invalidPin, s.wrongPin(r.attemptsLeft)];
    case 'locked':
      // minutes left, rounded up: "Try in 0 min" would be a lie while any seconds remain
      return [s.locked, s.lockedFor(Math.max(1, Math.ceil(r.lockedSeconds / 60)))];
    case 'unknown-ext':
      return [s.unknownExt, r.ext];
    case 'not-hotdesk-user':
      return [s.notHotdeskUser, r.ext];
    case 'not-accepted':
      return [s.loginNotAccepted];
    case 'acd-not-supported':
      return [...ACD_TEXT.notSupported];
    case 'set-in-use':
      return [...ACD_TEXT.setInUse];
    default:
      return [s.loginFailed];
  }
}
