// The login decision: who may log in here, with which outcome. Pure over the directory, the lockout
// book and the challenge book; the call server does the session work for an `ok`. Checks run in the
// order a user would want the answer: an extension that does not exist, one that is not a hot desk
// user, one homed on another controller, one locked, and only then the PIN.
import type { LoginChallenge, LoginCode, LoginResult } from '../../../firmware/signalling/messages.ts';
import { verifyPinResponse } from '../../../firmware/signalling/pin-auth.ts';
import type { HotdeskUser } from '../config.ts';
import type { ChallengeBook } from './challenges.ts';
import type { Directory } from './directory.ts';
import type { LockoutBook } from './directory-lockout.ts';

export interface LoginDesk {
  directory: Directory;
  lockout: LockoutBook;
  challenges: ChallengeBook;
  /** The set's COS has Hot Desk Login Accept (a set without it takes no login). */
  acceptsLogin(mac: string): boolean;
  /** ACD agents' rules (acd/acd-desk.ts): no agent on a handset, no log-over where an agent is concerned. */
  refusal?(mac: string, ext: string): LoginCode | undefined;
  /** Where a user homed on `home` logs in instead, or undefined when this controller serves the user. */
  redirectFor(user: HotdeskUser): { ip: string; port: number } | undefined;
}

export function loginResult(code: LoginCode, ext: string, more: Partial<LoginResult> = {}): LoginResult {
  return { type: 'login-result', code, ext, name: '', language: '', attemptsLeft: 0, lockedSeconds: 0, redirectIp: '0.0.0.0', redirectPort: 0, token: new Uint8Array(16), ...more };
}

/** The outcome of every check that comes before the PIN, or the user when all pass. */
function precheck(desk: LoginDesk, mac: string, ext: string): { user: HotdeskUser } | { refusal: LoginResult } {
  // the set first: without Hot Desk Login Accept in its COS it takes nobody's login
  if (!desk.acceptsLogin(mac)) return { refusal: loginResult('not-accepted', ext) };
  const refused = desk.refusal?.(mac, ext);
  if (refused) return { refusal: loginResult(refused, ext) };
  const user = desk.directory.user(ext);
  if (!user) {
    // a set's own DN is a real extension, just not one a hot desk user owns
    const code = desk.directory.set(ext) ? 'not-hotdesk-user' : 'unknown-ext';
    return { refusal: loginResult(code, ext) };
  }
  if (!user.hotdesk) return { refusal: loginResult('not-hotdesk-user', ext) };
  const elsewhere = desk.redirectFor(user);
  if (elsewhere) return { refusal: loginResult('redirect', ext, { redirectIp: elsewhere.ip, redirectPort: elsewhere.port }) };
  const lock = desk.lockout.status(ext);
  if (lock.locked) return { refusal: lockedResult(ext, lock.remainingMs) };
  return { user };
}

function lockedResult(ext: string, remainingMs: number): LoginResult {
  return loginResult('locked', ext, { lockedSeconds: Math.ceil(remainingMs / 1000) });
}

/** login-begin: a fresh challenge, or at once the result when the extension cannot log in here. */
export function beginLogin(desk: LoginDesk, mac: string, ext: string): LoginChallenge | LoginResult {
  const p = precheck(desk, mac, ext);
  if ('refusal' in p) return p.refusal;
  return { type: 'login-challenge', nonce: desk.challenges.issue(mac, ext) };
}

/**
 * login: checks the HMAC against this phone's open challenge for the extension, which it uses up.
 * Without a live challenge (never asked, already used, expired) the answer is wrong-pin but NOT a
 * failure on the user's count: nothing was proven either way, and a replayed datagram must not be able
 * to lock a user out.
 */
export function completeLogin(desk: LoginDesk, mac: string, ext: string, hmac: Uint8Array): { result: LoginResult; user?: HotdeskUser } {
  const nonce = desk.challenges.take(mac, ext);
  const p = precheck(desk, mac, ext);
  if ('refusal' in p) return { result: p.refusal };
  const { user } = p;
  if (!nonce) {
    const lock = desk.lockout.status(ext);
    return { result: loginResult('wrong-pin', ext, { attemptsLeft: lock.locked ? 0 : lock.attemptsLeft }) };
  }
  if (!verifyPinResponse(hmac, nonce, ext, mac, user.pin)) {
    const after = desk.lockout.recordFailure(ext);
    if (after.locked) return { result: lockedResult(ext, after.remainingMs) };
    return { result: loginResult('wrong-pin', ext, { attemptsLeft: after.attemptsLeft }) };
  }
  desk.lockout.recordSuccess(ext);
  const attemptsLeft = desk.lockout.status(ext);
  return {
    result: loginResult('ok', ext, { name: user.name, language: user.language, attemptsLeft: attemptsLeft.locked ? 0 : attemptsLeft.attemptsLeft }),
    user,
  };
}
