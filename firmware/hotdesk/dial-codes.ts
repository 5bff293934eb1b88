// The feature access codes a dial-style set (5304/5312) uses, and what a run of dialled keys means.
// The register-ack carries no access codes, so the phone takes them from its input (the controller's
// world in the simulation) and otherwise defaults to the controller's defaults: login 222, logout 333,
// remote logout 111 (docs/design.md, "The controller's world").
//   login:          <login>  *  <ext>  #  <PIN>  #     (the ext and PIN parts are the entry screens)
//   logout:         <logout>                           (complete as soon as the code matches)
//   remote logout:  <remote-logout> <ext> #            (# ends the extension)

export interface AccessCodes {
  login: string;
  logout: string;
  remoteLogout: string;
}

export const DEFAULT_ACCESS_CODES: AccessCodes = Object.freeze({ login: '222', logout: '333', remoteLogout: '111' });

export type DialMatch =
  | { kind: 'login' }
  | { kind: 'logout' }
  | { kind: 'remote-logout'; ext: string }
  | { kind: 'partial' } // could still become one of the above
  | { kind: 'invalid' };

/** What the keys dialled so far (digits, `*`, `#`) mean. */
export function matchDialed(dialed: string, codes: AccessCodes): DialMatch {
  const loginPrefix = `${codes.login}*`;
  if (dialed === loginPrefix) return { kind: 'login' };
  if (dialed === codes.logout) return { kind: 'logout' };
  if (codes.remoteLogout !== '' && dialed.startsWith(codes.remoteLogout)) {
    const rest = dialed.slice(codes.remoteLogout.length);
    const done = /^([0-9]+)#$/.exec(rest);
    if (done) return { kind: 'remote-logout', ext: done[1] };
    if (/^[0-9]*$/.test(rest)) return { kind: 'partial' };
  }
  for (const code of [loginPrefix, codes.logout, codes.remoteLogout]) {
    if (code !== '' && code.startsWith(dialed)) return { kind: 'partial' };
  }
  return { kind: 'invalid' };
}

/** The keys that dial: digits, star and hash. */
export function isDialKey(key: string): boolean {
  return /^[0-9*#]$/.test(key);
}
