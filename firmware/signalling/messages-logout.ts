// Hot desk logout, whoever starts it: the user, another set (remote), the controller's timers, a login
// elsewhere, or a fail-over to a controller on another software version.
import { body } from './body-spec.ts';
import type { BodyTable } from './body-spec.ts';
import { enumOf, str } from './wire-fields.ts';

export const LOGOUT_REASONS = ['user', 'remote', 'auto', 'scheduled', 'login-elsewhere', 'failover-version'] as const;
export type LogoutReason = (typeof LOGOUT_REASONS)[number];

export const LOGOUT_REFUSALS = ['busy', 'ringing', 'not-allowed', 'unknown-ext'] as const;
export type LogoutRefusal = (typeof LOGOUT_REFUSALS)[number];

/** Phone -> controller: log `ext` out (the user on this set, or another set's user for a remote logout). */
export interface LogoutRequest {
  type: 'logout-request';
  reason: LogoutReason;
  ext: string;
}

/** Controller -> phone (or the answer to logout-request): `ext` is logged out of this set. */
export interface LogoutNotice {
  type: 'logout-notice';
  reason: LogoutReason;
  ext: string;
  byDn: string; // who caused it (the remote set, the set logged in elsewhere), "" when nobody
}

/** Controller -> phone: the logout of `ext` is not done (its prime line rings, COS forbids, ...). */
export interface LogoutRefused {
  type: 'logout-refused';
  reason: LogoutRefusal;
  ext: string;
}

export type LogoutMessage = LogoutRequest | LogoutNotice | LogoutRefused;

export const logoutBodies: BodyTable<LogoutMessage> = {
  'logout-request': body(0x30, [enumOf(LOGOUT_REASONS, 'reason'), str('ext')]),
  'logout-notice': body(0x31, [enumOf(LOGOUT_REASONS, 'reason'), str('ext'), str('byDn')]),
  'logout-refused': body(0x32, [enumOf(LOGOUT_REFUSALS, 'reason'), str('ext')]),
};
