// The clock every simulation injects (see hal.ts): the firmware's only source of time and alarms.
// It lives beside the clock implementations; hal.ts re-exports it with the other doors to the world.

/** An opaque handle for a scheduled alarm. */
export type TimerId = number;

/**
 * One clock per simulation. It is also XState's clock (`createActor(machine, { clock })`), so state
 * machine delays, protocol timers and lamp cadences all share one notion of "now".
 */
export interface Clock {
  /** Milliseconds since the simulation started (may be fractional on the virtual clock). */
  now(): number;
  /** Runs `fn` once, `ms` milliseconds from now. */
  setTimeout(fn: () => void, ms: number): TimerId;
  clearTimeout(id: TimerId | undefined): void;
}

/** Sets an alarm on the injected clock: `after(clock, 500, retransmit)` reads as what it does. */
export function after(clock: Clock, ms: number, fn: () => void): TimerId {
  return clock.setTimeout(fn, ms);
}
