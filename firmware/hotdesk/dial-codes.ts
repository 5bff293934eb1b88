// The feature access codes a set dials for hot desking, and what a run of dialled keys means.
// The register-ack carries no access codes, so the phone takes them from its input (the controller's
// world in the simulation) and otherwise defaults to the controller's defaults: login 222, logout 333,
// remote logout 111 (docs/design.md, "The controller's world").
//   login:          <login>  *  <ext>  #  <PIN>  #     (the ext and PIN parts are the entry screens)
//   logout:         <logout>                           (complete as soon as the code matches)
//   remote logout:  <remote-logout> <ext>              (Mitel's example: *335123, no closing #)
// The extension after the remote-logout code is whole at the dial plan's length (register-ack's
// dialDigits, the length the call server's DNs share); with no plan length (0) a `#` ends it, and a `#`
// may always end it early.
// Hot Desk Login and Logout codes apply to MiNET hot desk devices only: the 5604/5607/5614 handsets log in
// and out in HotDesk phone mode (softkeys), so for them those two codes are none (codesFor).
import type { LoginMethod } from '../profile.ts';

export interface AccessCodes {
  /** "" for none. */
  login: string;
  logout: string;
  remoteLogout: string;
}

export const DEFAULT_ACCESS_CODES: AccessCodes = Object.freeze({ login: '222', logout: '333', remoteLogout: '111' });

/** The codes a set of this login style takes: a handset (HotDesk phone mode) has no login or logout code. */
export function codesFor(method: LoginMethod, codes: AccessCodes): AccessCodes {
  return method === 'handset-hotdesk-mode' ? { ...codes, login: '', logout: '' } : codes;
}

export type DialMatch =
  | { kind: 'login' }
  | { kind: 'logout' }
  | { kind: 'remote-logout'; ext: string }
  | { kind: 'partial' } // could still become one of the above
  | { kind: 'invalid' };

/** What the keys dialled so far (digits, `*`, `#`) mean; `dialDigits`: the dial plan's DN length (0: none). */
export function matchDialed(dialed: string, codes: AccessCodes, dialDigits = 0): DialMatch {
  const loginPrefix = codes.login === '' ? '' : `${codes.login}*`;
  if (loginPrefix !== '' && dialed === loginPrefix) return { kind: 'login' };
  if (codes.logout !== '' && dialed === codes.logout) return { kind: 'logout' };
  if (codes.remoteLogout !== '' && dialed.startsWith(codes.remoteLogout)) {
    const rest = dialed.slice(codes.remoteLogout.length);
    const hashed = /^([0-9]+)#$/.exec(rest);
    if (hashed) return { kind: 'remote-logout', ext: hashed[1] };
    if (/^[0-9]*$/.test(rest)) {
      if (dialDigits > 0 && rest.length >= dialDigits) return { kind: 'remote-logout', ext: rest.slice(0, dialDigits) };
      return { kind: 'partial' };
    }
  }
  for (const code of [loginPrefix, codes.logout, codes.remoteLogout]) {
    if (code !== '' && code.startsWith(dialed)) return { kind: 'partial' };
  }
  return { kind: 'invalid' };
}

/** The keys that dial: digits, star and hash (the display's `dial`, defined there once). */
export { isDialKey } from '../display/layers.ts';
