// The call server's notion of each DN's prime line (idle, busy, ringing) and feature state (DND, call
// forward always). The line is what its calls make it (the call model's state, handed in), combined with
// what the controller's `line` action sets (the override tests and scenarios use): busy if either is,
// else ringing if either is. Logout and BLF read the combination. A DN never mentioned is idle with no
// feature set.
import type { BlfState } from '../../../firmware/signalling/messages.ts';

export const LINE_STATES = ['idle', 'busy', 'ringing'] as const;
export type LineState = (typeof LINE_STATES)[number];

export const USER_FEATURES = ['none', 'dnd', 'cfa'] as const;
export type UserFeature = (typeof USER_FEATURES)[number];

export class LineStates {
  private readonly lines = new Map<string, LineState>();
  private readonly features = new Map<string, UserFeature>();

  /** `fromCalls`: the line state a DN's calls give it. */
  constructor(private readonly fromCalls: (dn: string) => LineState = () => 'idle') {}

  /** The prime line as logout and BLF see it: the calls' state and the override together. */
  line(dn: string): LineState {
    const set = this.override(dn);
    const calls = this.fromCalls(dn);
    if (set === 'busy' || calls === 'busy') return 'busy';
    return set === 'ringing' || calls === 'ringing' ? 'ringing' : 'idle';
  }

  /** What the controller's `line` action set, whatever the calls are. */
  override(dn: string): LineState {
    return this.lines.get(dn) ?? 'idle';
  }

  /** Sets the override; returns the override it replaced. */
  setLine(dn: string, state: LineState): LineState {
    const before = this.override(dn);
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
