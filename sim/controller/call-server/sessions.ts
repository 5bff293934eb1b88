// Who is logged in where: one hot desk session per user and at most one per phone. A session carries
// its auto-logout alarm and, while the user's line is busy, the logout waiting for the call to end.
import type { TimerId } from '../../../firmware/hal.ts';
import type { LogoutReason } from '../../../firmware/signalling/messages.ts';

export interface PendingLogout {
  reason: LogoutReason;
  byDn: string;
}

export interface Session {
  ext: string;
  mac: string;
  since: number; // clock ms of the login (or of the re-home that restored it)
  autoTimer?: TimerId;
  pending?: PendingLogout;
}

export class SessionBook {
  private readonly byExt = new Map<string, Session>();
  /** The same sessions by phone: a fleet's logins ask by MAC several times each, so no scan. */
  private readonly byMac = new Map<string, Session>();

  ofExt(ext: string): Session | undefined {
    return this.byExt.get(ext);
  }

  ofMac(mac: string): Session | undefined {
    return this.byMac.get(mac);
  }

  /** The caller ends any session of the same user or phone first; this only records the new one. */
  start(ext: string, mac: string, since: number): Session {
    if (this.byExt.has(ext) || this.ofMac(mac)) throw new Error(`sessions: ${ext} or ${mac} already has a session`);
    const s: Session = { ext, mac, since };
    this.byExt.set(ext, s);
    this.byMac.set(mac, s);
    return s;
  }

  end(ext: string): Session | undefined {
    const s = this.byExt.get(ext);
    this.byExt.delete(ext);
    if (s) this.byMac.delete(s.mac); // (one session per MAC: start() refuses a second)
    return s;
  }

  list(): Session[] {
    return [...this.byExt.values()];
  }
}
