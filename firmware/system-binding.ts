// What one running actor tree is bound to: its hardware, looked up by the tree's actor system.
//
// A machine is built once per process (XState builds the whole state-node tree on every `.provide()`:
// about 200 KiB and 2 ms a phone when each boot provided its own). Its named effects then have to find
// this boot's devices without a closure over them: every actor of one tree shares one `system`, so the
// owner binds the tree's system to its hardware before it starts the root, and an effect reads
// `binding.of(system)`. The map is weak: a stopped tree and its hardware go together.
import type { ActorSystem } from 'xstate';

export type AnySystem = ActorSystem<any>;

export class SystemBinding<T> {
  private readonly bound = new WeakMap<AnySystem, T>();

  constructor(private readonly what: string) {}

  /** Binds `system` (an actor's, before it starts) to `value`. */
  bind(system: AnySystem, value: T): void {
    this.bound.set(system, value);
  }

  /** What `system` is bound to; an effect running in an unbound tree is a wiring bug, said loudly. */
  of(system: AnySystem): T {
    const value = this.bound.get(system);
    if (value === undefined) throw new Error(`${this.what}: this actor system has no ${this.what} bound (bind it before start)`);
    return value;
  }
}
