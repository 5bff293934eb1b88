// PIN lockout per hot desk user: `failures` wrong PINs within `windowMs` lock the user for
// `durationMs`, whatever set they try from. Time is read from the injected clock on each question, so
// a lock ends exactly on the clock with no timer left to cancel, and a day of virtual time costs nothing.
import type { Clock } from '../../../firmware/hal.ts';

export interface LockoutPolicy {
  failures: number; // wrong PINs that lock, 1..255 (attemptsLeft is a u8 on the wire)
  windowMs: number; // ... counted within this sliding window
  durationMs: number; // how long the lock lasts
}

/** Mitel's hot desk PIN security: 3 wrong PINs in 5 minutes lock the user for 15 minutes. */
export const DEFAULT_LOCKOUT: LockoutPolicy = { failures: 3, windowMs: 5 * 60_000, durationMs: 15 * 60_000 };

export type LockStatus = { locked: true; remainingMs: number } | { locked: false; attemptsLeft: number };

interface Record {
  failures: number[]; // times of recent wrong PINs, oldest first
  lockedUntil: number;
}

export class LockoutBook {
  private readonly byExt = new Map<string, Record>();

  constructor(
    private readonly clock: Clock,
    private readonly policy: LockoutPolicy = DEFAULT_LOCKOUT,
  ) {}

  status(ext: string): LockStatus {
    const r = this.fresh(ext);
    const now = this.clock.now();
    if (r && r.lockedUntil > now) return { locked: true, remainingMs: r.lockedUntil - now };
    return { locked: false, attemptsLeft: this.policy.failures - (r?.failures.length ?? 0) };
  }

  /** Counts one wrong PIN; the answer says whether it locked the user. */
  recordFailure(ext: string): LockStatus {
    const now = this.clock.now();
    const r = this.fresh(ext) ?? { failures: [], lockedUntil: 0 };
    r.failures.push(now);
    if (r.failures.length >= this.policy.failures) {
      r.failures = []; // a lock starts a clean slate: after it, the user gets every attempt back
      r.lockedUntil = now + this.policy.durationMs;
    }
    this.byExt.set(ext, r);
    return this.status(ext);
  }

  /** A right PIN forgets the earlier wrong ones. */
  recordSuccess(ext: string): void {
    this.byExt.delete(ext);
  }

  /** The administrator reset the user's PIN: the wrong tries, and a lock they caused, are forgotten. */
  clear(ext: string): void {
    this.byExt.delete(ext);
  }

  /** The record with failures older than the window dropped, or undefined when nothing is left. */
  private fresh(ext: string): Record | undefined {
    const r = this.byExt.get(ext);
    if (!r) return undefined;
    const now = this.clock.now();
    while (r.failures.length > 0 && r.failures[0] <= now - this.policy.windowMs) r.failures.shift();
    if (r.failures.length === 0 && r.lockedUntil <= now) {
      this.byExt.delete(ext); // nothing to remember: keeps the map from growing with every typo
      return undefined;
    }
    return r;
  }
}
