// Hot desk login: a challenge-response so the PIN never crosses the wire (see pin-auth.ts).
// login-begin {ext} -> login-challenge {nonce}; login {ext, hmac} -> login-result.
import { u16be, u32be, u8 } from 'buffer-layout';
import { body } from './body-spec.ts';
import type { BodyTable } from './body-spec.ts';
import { enumOf, fixedBytes, ipv4, str } from './wire-fields.ts';

export const NONCE_BYTES = 16;
export const HMAC_BYTES = 32;

// acd-not-supported: an ACD agent ID on a 5604/5607/5614 (no hot desk ACD agents there); set-in-use: an agent
// login on a set someone is logged in on, or any login on a set an agent is logged in on (no log-over)
export const LOGIN_CODES = ['ok', 'wrong-pin', 'locked', 'unknown-ext', 'not-hotdesk-user', 'redirect', 'not-accepted', 'acd-not-supported', 'set-in-use'] as const;
export type LoginCode = (typeof LOGIN_CODES)[number];

export interface LoginBegin {
  type: 'login-begin';
  ext: string;
}

export interface LoginChallenge {
  type: 'login-challenge';
  nonce: Uint8Array; // 16 bytes, fresh per attempt
}

export interface Login {
  type: 'login';
  ext: string;
  hmac: Uint8Array; // 32 bytes: pinResponse(nonce, ext, mac, pin)
}

/**
 * Every field is always present so the body has one shape; fields that do not apply to `code` are
 * empty/zero (name "" unless ok, lockedSeconds 0 unless locked, redirectIp "0.0.0.0" unless redirect).
 */
export interface LoginResult {
  type: 'login-result';
  code: LoginCode;
  ext: string;
  name: string; // the user's display name
  language: string; // "en", "fr", ... the phone's display follows the user
  attemptsLeft: number; // wrong PINs left before the user is locked
  lockedSeconds: number; // when locked: how long until the user may try again
  redirectIp: string; // when redirect: the controller the user is homed on
  redirectPort: number;
  token: Uint8Array; // when ok: 16 bytes the phone presents in register to stay logged in when it re-homes
}

export type LoginMessage = LoginBegin | LoginChallenge | Login | LoginResult;

export const loginBodies: BodyTable<LoginMessage> = {
  'login-begin': body(0x10, [str('ext')]),
  'login-challenge': body(0x11, [fixedBytes(NONCE_BYTES, 'nonce')]),
  login: body(0x12, [str('ext'), fixedBytes(HMAC_BYTES, 'hmac')]),
  'login-result': body(0x13, [
    enumOf(LOGIN_CODES, 'code'),
    str('ext'),
    str('name'),
    str('language'),
    u8('attemptsLeft'),
    u32be('lockedSeconds'),
    ipv4('redirectIp'),
    u16be('redirectPort'),
    fixedBytes(16, 'token'),
  ]),
};
