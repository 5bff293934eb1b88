// Resilience: when the controller stops answering heartbeats the phone re-homes to the next `call_srv`
// address, registering with its hot desk user so a resilient user stays logged in (keys and lamps
// untouched), then asks its primary now and then whether it is back, and fails back when it is.
//
// A heartbeat is one transaction of HEARTBEAT_TRIES transmissions (0 and 0.5 s, given up at 1.5 s): a
// single lost datagram is not a miss. After a miss the next heartbeat goes out half an interval later
// (not a whole one), so MISSED_HEARTBEATS_LIMIT misses in a row start the fail-over about two intervals
// after the controller died (worst case 2 x interval + 4.5 s): the phone is back in service on the
// secondary within three intervals of the death, while an outage of one interval and a bit is still
// no fail-over. The fail-over is shown in three steps:
//   `Resiliency 1/3` / `Lost ICP <ip>`      contact lost, the phone drops what it had in flight
//   `Resiliency 2/3` / `ICP <next ip>`      registering with the next controller
//   `Resiliency 3/3` / `<controller id>`    registered there; then back to the user's screen
import type { Peer } from './peers.ts';
import { samePeer } from './peers.ts';

export const HEARTBEAT_TRIES = 2;
export const MISSED_HEARTBEATS_LIMIT = 3;
/** Each fail-over step stays up at least this long. */
export const RESILIENCY_STEP_MS = 1000;
/** A failed-over phone sends health-check to its primary this often. */
export const HEALTH_CHECK_MS = 20_000;
export const HEALTH_CHECK_TRIES = 2;

/** After a missed heartbeat the next goes out this much later: half an interval (see above). */
export function reprobeDelay(heartbeatMs: number): number {
  return heartbeatMs / 2;
}

/** The server after `current` in the list, wrapping; the primary when `current` is not listed. */
export function nextServer(servers: readonly Peer[], current: Peer): Peer {
  const i = servers.findIndex((s) => samePeer(s, current));
  return servers[(i + 1) % servers.length];
}

export function resiliencyScreen(step: 1 | 2 | 3, detail: string): string[] {
  return [`Resiliency ${step}/3`, detail];
}
