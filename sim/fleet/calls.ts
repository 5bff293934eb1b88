// `--calls RATE`: calls in steady state, placed and answered through the phones' own keys as a person
// would. RATE times a second the next free pair in fleet order (phone k calls phone k+1's user, or its
// set's DN without --logins) goes: the caller off-hook, the number and `#`; the called phone answers
// with off-hook a ring after its call starts ringing; after --call-hold the caller hangs up, and each
// phone rests a moment after its call ended before it takes part in another. The trace's `call` records
// say where each call is (tracker.ts onCall). Call setup (post-dial delay) is timed from the caller's
// `#` to the called phone ringing; a call that does not connect within CALL_SETUP_BUDGET_MS, or ends
// before it does, is a failed call.
//
//   free --dial--> dialling --callee ringing: answer--> connected --hold--> on-hook --both idle--> free
//                      +---- no connect in budget / ended first: failed, on-hook ----^
import type { Clock } from '../../firmware/hal.ts';
import { Every } from './schedule.ts';

/** How long a call may take from the last digit to connected before it counts as failed. */
export const CALL_SETUP_BUDGET_MS = 10_000;
/** A person picks up after a ring, not in the instant the set starts ringing. */
export const ANSWER_AFTER_MS = 1_000;
/** After its call ended, a phone shows "Call Ended" a while: it is free again after this. */
export const REST_MS = 1_000;

interface ActiveCall {
  caller: number;
  callee: number;
  dialledAt: number;
  rang: boolean;
  connected: boolean;
  /** Counted as failed: later records of the call change nothing. */
  failed: boolean;
  timer?: number;
}

export interface CallDriverOptions {
  clock: Clock;
  ratePerSecond: number;
  holdMs: number;
  phones: number;
  /** Whether phone i may take part (it reached its phase). */
  ready: (index: number) => boolean;
  /** Presses off-hook and the number of phone `callee` on phone `caller`. */
  dial: (caller: number, callee: number) => void;
  press: (index: number, key: string) => void;
  attempted: () => void;
  /** The called phone rings, `setupMs` after the caller's last digit. */
  rang: (setupMs: number) => void;
  connected: () => void;
  failed: (cause: string) => void;
}

export class CallDriver {
  private next = 0;
  /** Phones in a call of ours, by index: the call. */
  private readonly busy = new Map<number, ActiveCall>();
  private readonly every: Every;

  constructor(private readonly o: CallDriverOptions) {
    this.every = new Every(o.clock, 1000 / o.ratePerSecond, () => this.place());
  }

  /** The next pair (k, k+1) that is free and ready, from where the last call left off. */
  private place(): void {
    const n = this.o.phones;
    if (n < 2) return;
    for (let tries = 0; tries < n; tries++) {
      const caller = this.next;
      const callee = (caller + 1) % n;
      this.next = (this.next + 1) % n;
      if (this.busy.has(caller) || this.busy.has(callee) || !this.o.ready(caller) || !this.o.ready(callee)) continue;
      const call: ActiveCall = { caller, callee, dialledAt: this.o.clock.now(), rang: false, connected: false, failed: false };
      this.busy.set(caller, call);
      this.busy.set(callee, call);
      this.o.attempted();
      this.o.dial(caller, callee);
      call.timer = this.o.clock.setTimeout(() => this.fail(call, 'not-connected'), CALL_SETUP_BUDGET_MS);
      return;
    }
  }

  /** A `call` record of phone i. */
  onCall(i: number, state: string, cause: string | undefined): void {
    const call = this.busy.get(i);
    if (!call || call.failed) return;
    if (i === call.callee && state === 'ringing' && !call.rang) {
      call.rang = true;
      this.o.rang(this.o.clock.now() - call.dialledAt);
      this.o.clock.setTimeout(() => {
        if (this.busy.get(call.callee) === call) this.o.press(call.callee, 'offhook');
      }, ANSWER_AFTER_MS);
      return;
    }
    if (i === call.caller && state === 'connected' && !call.connected) {
      call.connected = true;
      this.o.clock.clearTimeout(call.timer);
      this.o.connected();
      call.timer = this.o.clock.setTimeout(() => this.o.press(call.caller, 'onhook'), this.o.holdMs);
      return;
    }
    if (state !== 'idle') return;
    if (!call.connected && i === call.caller) return this.fail(call, cause ?? 'ended');
    // a side that hung up (or was hung up on) is free again after a rest
    this.release(i, call);
  }

  private release(i: number, call: ActiveCall): void {
    if (this.busy.get(i) !== call) return;
    this.o.clock.setTimeout(() => {
      if (this.busy.get(i) === call) this.busy.delete(i);
    }, REST_MS);
  }

  private fail(call: ActiveCall, cause: string): void {
    if (call.failed) return;
    call.failed = true;
    this.o.clock.clearTimeout(call.timer);
    this.o.failed(cause);
    // both put the phone down, and rest before their next call
    this.o.press(call.caller, 'onhook');
    this.o.press(call.callee, 'onhook');
    this.release(call.caller, call);
    this.release(call.callee, call);
  }

  stop(): void {
    this.every.stop();
    for (const call of this.busy.values()) this.o.clock.clearTimeout(call.timer);
  }
}
