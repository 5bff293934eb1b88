// The timed parts of a fleet run, each on the world's clock (virtual or real alike): the power-on ramp,
// the primary's kill, the statistics sampler and the steady state's BLF changes.
import type { Clock } from '../../firmware/hal.ts';

/** When phone k (in fleet order) is powered on, in ms from the start: k / rate seconds, or 0. */
export function powerOnAt(k: number, ratePerSecond: number | undefined): number {
  return ratePerSecond === undefined ? 0 : (k * 1000) / ratePerSecond;
}

/** Runs `tick` every `everyMs` until stopped. */
export class Every {
  private timer?: number;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly everyMs: number,
    private readonly tick: () => void,
  ) {
    this.arm();
  }

  private arm(): void {
    this.timer = this.clock.setTimeout(() => {
      if (this.stopped) return;
      this.tick();
      this.arm();
    }, this.everyMs);
  }

  stop(): void {
    this.stopped = true;
    this.clock.clearTimeout(this.timer);
  }
}

/**
 * Steady state's BLF changes: the users' lines in turn go busy, and idle again on the next round, so
 * every watching BLF key (each user's key 2 watches the next user) changes cadence.
 */
export class BlfChanges {
  private next = 0;
  private readonly busy = new Set<string>();
  private readonly every: Every;

  constructor(clock: Clock, ratePerSecond: number, exts: readonly string[], change: (ext: string, state: 'busy' | 'idle') => void) {
    this.every = new Every(clock, 1000 / ratePerSecond, () => {
      const ext = exts[this.next++ % exts.length];
      const state = this.busy.has(ext) ? 'idle' : 'busy';
      if (state === 'busy') this.busy.add(ext);
      else this.busy.delete(ext);
      change(ext, state);
    });
  }

  stop(): void {
    this.every.stop();
  }
}
