// `hotdesk run --link PATH --control SOCK`: the scenario's phone runs here and its controller is another
// process at the far end of the port; the scenario's `controller:` steps reach it through that process's
// control socket. Everything else of the target is the world's own.
import { parseControllerAction } from '../controller/actions.ts';
import type { ScenarioTarget } from '../scenario/target.ts';
import type { ControlClient } from './client.ts';

/** The target with its controller actions sent through `client`, in order, each awaited. */
export function withRemoteController<T extends ScenarioTarget>(target: T, client: ControlClient): T {
  const actOnController = async (action: Record<string, unknown>): Promise<void> => {
    // as a local controller does: the whole step is checked before any of it acts
    const parsed = parseControllerAction(action);
    for (const p of parsed) await client.request(p.name, action[p.name] ?? undefined);
  };
  return new Proxy(target, {
    get(t, prop) {
      if (prop === 'actOnController') return actOnController;
      const value = Reflect.get(t, prop, t);
      return typeof value === 'function' ? value.bind(t) : value;
    },
  });
}
