// What a dialled number is: when it is complete, and which numbers a set with nobody logged in may call.
// The phone and the call server read the same rules, so a userless set and its controller agree.

/** The operator: one digit, complete as soon as it is dialled. */
export const OPERATOR_DN = '0';
/** Emergency numbers: always allowed, complete as soon as they are dialled. */
export const EMERGENCY_DNS: readonly string[] = Object.freeze(['911', '112', '999']);
/** A number with no `#` and no full length is complete after this long without a digit. */
export const DIAL_PAUSE_MS = 4000;

/**
 * A set with no user and no DN of its own may dial these, and nothing else (a handset's Alarm key
 * calls the alarm DN besides: that is the key's call, not a dialled one).
 */
export function userlessMayCall(dn: string): boolean {
  return dn === OPERATOR_DN || EMERGENCY_DNS.includes(dn);
}

/** True when `digits` (no `#`) are a whole number: the operator, an emergency number, or the plan's length. */
export function numberComplete(digits: string, dialDigits: number): boolean {
  if (digits === OPERATOR_DN || EMERGENCY_DNS.includes(digits)) return true;
  return dialDigits > 0 && digits.length >= dialDigits;
}
