// When a logout may happen, from the user's prime line (Mitel: a logout waits while the line is busy
// and is refused while it rings). A user or remote logout that rings is refused: whoever asked can
// try again. The controller's own logouts (auto, scheduled) cannot be asked again, so they wait for the
// line to go idle whether it is busy or ringing. A login elsewhere does not wait: the user is gone.
import type { LogoutReason } from '../../../firmware/signalling/messages.ts';
import type { HotdeskUser } from '../config.ts';
import type { LineState } from './lines.ts';

export type LogoutTiming = 'now' | 'when-idle' | 'refused';

export function logoutTiming(reason: LogoutReason, line: LineState): LogoutTiming {
  if (reason === 'login-elsewhere' || line === 'idle') return 'now';
  if (line === 'busy') return 'when-idle';
  return reason === 'auto' || reason === 'scheduled' ? 'when-idle' : 'refused';
}

/** Whom a scheduled logout applies to (the Scheduler form): every hot desk user, internal or external ones. */
export const LOGOUT_SCOPES = ['all', 'internal', 'external'] as const;
export type LogoutScope = (typeof LOGOUT_SCOPES)[number];

/** An External Hot Desk User has an external number; every other hot desk user is internal. */
export function inLogoutScope(user: Pick<HotdeskUser, 'external'> | undefined, scope: LogoutScope): boolean {
  if (scope === 'all') return true;
  const external = user?.external !== undefined;
  return scope === 'external' ? external : !external;
}
