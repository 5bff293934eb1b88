// The harness's virtual clock: firmware/clock.ts's, with every alarm run under watch. An exception
// escaping a clock task (a handler's throw the stack re-raised, a timer's bug) is caught and reported
// instead of unwinding the run; an alarm storm (more alarms in one advance than any real run sets)
// is a hang.
import { VirtualClock } from '../firmware/clock.ts';
import type { TimerId } from '../firmware/hal.ts';

export class HangError extends Error {}

/** Lets promise chains started by an alarm (Transactions' requests) finish before time moves on. */
async function microtasks(): Promise<void> {
  for (let i = 0; i < 8; i++) await Promise.resolve();
}

export class FuzzClock extends VirtualClock {
  /** Alarms run since the last `arm()`. */
  fired = 0;
  /** Past this many alarms before the next `arm()`, the next alarm throws HangError out of advance. */
  budget = 200_000;
  onTaskError: (err: unknown) => void = (err) => {
    throw err;
  };

  constructor() {
    super(microtasks);
  }

  arm(): void {
    this.fired = 0;
  }

  override setTimeout(fn: () => void, ms: number): TimerId {
    return super.setTimeout(() => {
      if (++this.fired > this.budget) throw new HangError(`more than ${this.budget} clock alarms without settling`);
      try {
        fn();
      } catch (err) {
        this.onTaskError(err);
      }
    }, ms);
  }
}
