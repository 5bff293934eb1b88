// Whole worlds (phone + controller on the mock wire, virtual clock) for hot desking tests that need
// many runs or measurements a scenario file cannot express.
import { parseControllerConfig } from '../../sim/controller/config.ts';
import { World } from '../../sim/world.ts';
import { displayShows } from '../../sim/scenario/verbs.ts';

export const PRIMARY_ID = 'icp-1';
export const SECONDARY_ID = 'icp-2';
export const SECONDARY_IP = '192.168.10.2';

/**
 * A primary and one secondary; Alice is a resilient user on a resilient set (both have the cluster's
 * second member as their secondary element).
 */
export async function clusterWorld(seed: number, heartbeat: string): Promise<World> {
  const config = parseControllerConfig(
    {
      'heartbeat-interval': heartbeat,
      cluster: [{ id: SECONDARY_ID, ip: SECONDARY_IP }],
      sets: [{ profile: '5340', dn: '5000', secondary: SECONDARY_IP }],
      users: [{ ext: '5123', pin: '1234', name: 'Alice Smith', secondary: SECONDARY_IP }],
    },
    'failover test',
  );
  return World.build({ profile: '5340', link: { kind: 'mock' }, config, seed });
}

/** Runs the clock until the phone shows `text`; throws with the display when it does not. */
export async function waitDisplay(w: World, text: string, ms: number): Promise<void> {
  if (!(await w.advance(ms, () => displayShows(w.display(), text)))) {
    throw new Error(`"${text}" not shown within ${ms} ms; display [${w.display().join(' | ')}]`);
  }
}

/** Boots and logs Alice in with the HotDesking key. */
export async function bootAndLogin(w: World): Promise<void> {
  await waitDisplay(w, 'No User Logged In', 60_000);
  for (const key of ['hotdesk', 'login', '5', '1', '2', '3', 'ok', '1', '2', '3', '4', 'ok']) {
    w.press(key);
    await w.advance(0);
  }
  await waitDisplay(w, 'Alice Smith', 10_000);
}
