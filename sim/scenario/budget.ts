// `hotdesk run --timeout D`: the whole run may use at most D of simulation time (virtual on the mock wire,
// real over ports), added up over its scenarios. A step that would run past it fails with that reason;
// the scenarios after it are not run (skipped).
import { StepFailure } from './errors.ts';
import type { ScenarioTarget } from './target.ts';

export class RunBudget {
  private usedMs = 0;

  constructor(
    readonly limitMs: number,
    /** How the limit reads in messages (`--timeout 10m`). */
    readonly label: string,
  ) {}

  get left(): number {
    return Math.max(0, this.limitMs - this.usedMs);
  }

  get spent(): boolean {
    return this.left <= 0;
  }

  /** The target with its clock held to what is left: any other call goes to the target as it is. */
  hold<T extends ScenarioTarget>(target: T): T {
    const advance = async (ms: number, until?: () => boolean): Promise<boolean> => {
      const allowed = Math.min(ms, this.left);
      const from = target.now();
      const held = await target.advance(allowed, until);
      this.usedMs += target.now() - from;
      if (allowed < ms && !held) throw new StepFailure(`the run's ${this.label} ran out (simulation clock)`);
      return held;
    };
    return new Proxy(target, {
      get(t, prop) {
        if (prop === 'advance') return advance;
        const value = Reflect.get(t, prop, t);
        return typeof value === 'function' ? value.bind(t) : value;
      },
    });
  }
}
