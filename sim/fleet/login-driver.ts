// `--logins`: each phone's hot desk user logs in as a person would, by the keys of the phone's model
// (docs/design.md "Phone behaviour to follow"), once the phone shows "No User Logged In". With
// `--login-rate R` at most R logins start per second of simulated time, in the order phones became
// idle; without it each starts at once. The PIN goes in through the keypad like any digit: the
// firmware masks it in the trace, and nothing here writes it anywhere.
import type { Clock } from '../../firmware/hal.ts';
import type { LoginMethod } from '../../firmware/profile.ts';

/** The keys, in order, that log `ext` in on a set of this login method. */
export function loginKeys(method: LoginMethod, ext: string, pin: string, loginCode: string): string[] {
  const digits = (s: string) => [...s];
  switch (method) {
    case 'hotdesk-key':
      return ['hotdesk', 'login', ...digits(ext), 'ok', ...digits(pin), 'ok'];
    case 'handset-hotdesk-mode':
      return ['login', ...digits(ext), 'ok', ...digits(pin), 'ok'];
    case 'dial':
      return [...digits(loginCode), '*', ...digits(ext), '#', ...digits(pin), '#'];
    case 'none':
      return [];
  }
}

export interface LoginDriverOptions {
  clock: Clock;
  /** Logins started per second; undefined: each at once. */
  ratePerSecond?: number;
  /** Presses the login keys on phone i. */
  start: (index: number) => void;
}

export class LoginDriver {
  private readonly queue: number[] = [];
  private readonly asked = new Set<number>();
  private timer?: number;
  private nextSlot = 0;

  constructor(private readonly o: LoginDriverOptions) {}

  /** Phone i is idle and logged out: log its user in (once: a phone that logged out again stays out). */
  idle(index: number): void {
    if (this.asked.has(index)) return;
    this.asked.add(index);
    if (this.o.ratePerSecond === undefined) {
      // not from inside the trace record that said so: the key goes in on the clock, as a person's would
      this.o.clock.setTimeout(() => this.o.start(index), 0);
      return;
    }
    this.queue.push(index);
    this.pump();
  }

  private pump(): void {
    if (this.timer !== undefined || this.queue.length === 0) return;
    const gap = 1000 / this.o.ratePerSecond!;
    const wait = Math.max(0, this.nextSlot - this.o.clock.now());
    this.timer = this.o.clock.setTimeout(() => {
      this.timer = undefined;
      const i = this.queue.shift();
      if (i !== undefined) this.o.start(i);
      this.nextSlot = this.o.clock.now() + gap;
      this.pump();
    }, wait);
  }

  stop(): void {
    this.o.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.length = 0;
  }
}
