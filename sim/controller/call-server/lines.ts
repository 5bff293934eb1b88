// The call server's own notion of each DN's prime line (idle, busy, ringing) and feature state (DND,
// call forward always). Full call handling comes later; until then tests and scenarios set these, and
// logout and BLF read them. A DN never mentioned is idle with no feature set.
import type { BlfState } from '../../../firmware/signalling/messages.ts';

export const LINE_STATES = ['idle', 'busy', 'ringing'] as const;
export type LineState = (typeof LINE_STATES)[number];

export const USER_FEATURES = ['none', 'dnd', 'cfa'] as const;
export type UserFeature = (typeof USER_FEATURES)[number];

export class LineStates {
  private readonly lines = new Map<string, LineState>();
  private readonly features = new Map<string, UserFeature>();

  line(dn: string): LineState {
    return this.lines.get(dn) ?? 'idle';
  }

  /** Returns the state it replaced. */
  setLine(dn: string, state: LineState): LineState {
    const before = this.line(dn);
    if (state === 'idle') this.lines.delete(dn);
    else this.lines.set(dn, state);
    return before;
  }

  feature(dn: string): UserFeature {
    return this.features.get(dn) ?? 'none';
  }

  setFeature(dn: string, feature: UserFeature): void {
    if (feature === 'none') this.features.delete(dn);
    else this.features.set(dn, feature);
  }

  /**
   * What a BLF lamp on `dn` shows. A logged-out hot desk user is just that; otherwise a call in
   * progress outranks DND and call forward, which outrank idle.
   */
  blfState(dn: string, loggedOut: boolean): BlfState {
    if (loggedOut) return 'logged-out';
    const line = this.line(dn);
    if (line !== 'idle') return line;
    const feature = this.feature(dn);
    return feature === 'none' ? 'idle' : feature;
  }
}
