// The phone's calls as tests, scenarios and panels read them (HotdeskView.calls): plain data the calls
// owner publishes on every change.

/** A call's state as the phone shows it (the scenario contract's STATE). */
export const CALL_STATES = ['dialling', 'ringback', 'ringing', 'connected', 'held', 'waiting', 'conference'] as const;
export type CallState = (typeof CALL_STATES)[number];

export interface CallView {
  /** The call id the controller named (0 while still dialling). */
  call: number;
  /** The line appearance key number (0: the prime line, no key). */
  line: number;
  /** The visible key that shows the appearance (`key:N`), if any. */
  key?: string;
  /** The DN of the line the call is on. */
  dn: string;
  /** The far DN ("" while dialling: the digits so far are `dialled`). */
  party: string;
  state: CallState;
  /** The digits dialled so far (dialling only). */
  dialled?: string;
  /** An offered call that is ringing audibly now (false: no-ring, or delay-ring before its delay). */
  ringer?: boolean;
}
