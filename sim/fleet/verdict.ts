// At the end of a run: did each phone reach the phase asked of it, and if not, why. The trace says when
// each milestone came; the phone's own view (what the scenario steps read) has the last word on where it
// is now, so a user lost after logging in, or a phone gone from service, is not counted as there.
import type { HotdeskView } from '../../firmware/hotdesk/view.ts';
import type { FleetTracker, PhoneProgress, TargetPhase } from './tracker.ts';

/** Why a phone is short of its phase: the first thing it did not do. */
export function causeOf(p: PhoneProgress, target: TargetPhase, view: HotdeskView | undefined, killedId: string | undefined): string | undefined {
  if (p.poweredAt === undefined) return 'not-powered-on';
  if (p.at.dhcpAck === undefined) return 'no-dhcp-ack';
  if (p.at.firmwareChecked === undefined) return p.firmwareFailures > 0 ? 'firmware-failed' : 'firmware-not-checked';
  if (p.at.registered === undefined) return 'not-registered';
  if (target.logins && p.at.loggedIn === undefined) {
    if (p.loginRefused) return `login-${p.loginRefused}`;
    return p.loginStarted === undefined ? 'never-idle' : 'login-no-answer';
  }
  if (target.rehome && p.at.rehomed === undefined) return 'not-rehomed';
  if (!view || !view.controllerId) return 'out-of-service';
  if (target.rehome && view.controllerId === killedId) return 'not-rehomed';
  if (target.logins && view.user?.ext !== p.plan.ext) return target.rehome ? 'user-lost-on-rehome' : 'user-lost';
  return undefined;
}

export interface Verdicts {
  reached: number;
  /** Cause -> phones. */
  failures: Record<string, number>;
  /** Per phone, in shard order: undefined when it reached its phase. */
  causes: (string | undefined)[];
}

export function judge(tracker: FleetTracker, view: (index: number) => HotdeskView | undefined): Verdicts {
  const failures: Record<string, number> = {};
  const causes = tracker.phones.map((p, i) => causeOf(p, tracker.target, view(i), tracker.kill?.id));
  for (const c of causes) if (c !== undefined) failures[c] = (failures[c] ?? 0) + 1;
  return { reached: causes.filter((c) => c === undefined).length, failures, causes };
}
