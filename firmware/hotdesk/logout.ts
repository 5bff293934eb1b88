// Logging out: this set's user (logout code, the Logout softkey, the HotDesking key), another set's
// user (remote logout, FAC + extension), and the server's own logout notices. The controller answers a
// logout-request with logout-notice when it is done or logout-refused: `busy` means it happens when
// the call ends (a logout-notice follows), `ringing` means not now.
import type { HotdeskStrings } from '../display/strings.ts';
import type { LogoutNotice, LogoutRefusal } from '../signalling/messages.ts';

/** What a refused logout shows. */
export function refusedScreen(s: HotdeskStrings, reason: LogoutRefusal, ext: string): string[] {
  switch (reason) {
    case 'busy':
      return [s.logoutPending];
    case 'ringing':
      return [s.logoutRefused, s.callRinging];
    case 'not-allowed':
      return [s.logoutRefused, s.notAllowed];
    case 'unknown-ext':
      return [s.unknownExt, ext];
  }
}

/** What a logout the set did not ask for shows, briefly, before `No User Logged In`. */
export function noticeScreen(s: HotdeskStrings, n: LogoutNotice): string[] {
  return n.byDn !== '' ? [s.reason[n.reason], n.byDn] : [s.reason[n.reason]];
}
