// What a step's argument is checked against when the file loads: the phone the step is on (its model and
// key modules) and the controller's world. A verb's parse reads it to refuse, at load, a key the phone
// does not have, a cadence its model does not define, a controller that is not in the cluster.
import type { Profile } from '../../firmware/profile.ts';
import type { ControllerConfig } from '../controller/config.ts';

export interface StepContext {
  /** The phone the step is on, by name (`phone`: the phone under test). */
  phone: string;
  /** That phone's model. */
  profile: Profile;
  /** The key modules attached to it, in order (`pkm1`, `pkm2`, ...). */
  pkms: readonly Profile[];
  /** The scenario's controller block, validated. */
  world: ControllerConfig;
}

/** How a message names the phone: `the phone under test`, or `desk2`. */
export function phoneName(ctx: StepContext): string {
  return ctx.phone === 'phone' ? `the phone under test (${ctx.profile.id})` : `${ctx.phone} (${ctx.profile.id})`;
}
