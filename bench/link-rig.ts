// The test rig of the link benchmark: a phone (host) and its router (router mode) NetStack, over the
// mock wire with the line-rate model off (bytes cross as fast as the host moves them) or over a direct
// in-memory ByteLink pair (no serial port streams at all), and a pump that streams datagrams through.
import { VirtualClock } from '../firmware/clock.ts';
import type { ByteLink } from '../firmware/hal.ts';
import { SeededRandom } from '../firmware/random.ts';
import { NetStack } from '../firmware/link/stack.ts';
import { MockWire } from '../sim/wire/mock-wire.ts';

export const PHONE_MAC = '02:00:00:00:00:01';
export const ROUTER_MAC = '02:00:00:00:00:fe';
export const PHONE_IP = '10.0.0.2';
export const ROUTER_IP = '10.0.0.1';
export const PHONE_PORT = 5000;
export const ROUTER_PORT = 6800;

export type Direction = 'up' | 'down';

export interface LinkRig {
  phone: NetStack;
  router: NetStack;
  /** Datagrams delivered at the router (up) and at the phone (down) since the rig was built. */
  delivered: Record<Direction, number>;
  /** True when both ends run synchronously (direct link): the pump never has to yield. */
  synchronous: boolean;
  close(): Promise<void>;
}

/** Two ByteLinks back to back, delivering every write to the other end at once, in the same call. */
export function directLinkPair(): [ByteLink, ByteLink] {
  const receivers: ((b: Uint8Array) => void)[] = [() => {}, () => {}];
  const end = (me: 0 | 1): ByteLink => ({
    write: (bytes) => receivers[1 - me](bytes),
    onData: (r) => {
      receivers[me] = r;
    },
  });
  return [end(0), end(1)];
}

export async function buildRig(kind: 'mock-wire' | 'direct'): Promise<LinkRig> {
  const clock = new VirtualClock(); // lineRate off and no latency: the wire sets no alarms
  let phoneLink: ByteLink;
  let routerLink: ByteLink;
  let closeWire = async () => {};
  if (kind === 'mock-wire') {
    const wire = new MockWire({ clock, random: new SeededRandom(1), lineRate: false });
    await wire.ready;
    phoneLink = wire.phoneEnd;
    routerLink = wire.controllerEnd;
    closeWire = () => wire.close();
  } else {
    [phoneLink, routerLink] = directLinkPair();
  }
  const phone = new NetStack({ mac: PHONE_MAC, link: phoneLink, clock, ip: PHONE_IP, traceFrames: false });
  const router = new NetStack({ mac: ROUTER_MAC, link: routerLink, clock, ip: ROUTER_IP, mode: 'router', traceFrames: false });
  const delivered = { up: 0, down: 0 };
  router.bind(ROUTER_PORT, () => delivered.up++);
  phone.bind(PHONE_PORT, () => delivered.down++);
  const rig: LinkRig = {
    phone,
    router,
    delivered,
    synchronous: kind === 'direct',
    close: async () => {
      phone.close();
      router.close();
      await closeWire();
    },
  };
  // Warm up: the phone resolves the router by ARP, the router learns the phone from its datagram.
  send(rig, 'up', new Uint8Array(8));
  await waitFor(() => delivered.up === 1);
  send(rig, 'down', new Uint8Array(8));
  await waitFor(() => delivered.down === 1);
  return rig;
}

export function send(rig: LinkRig, dir: Direction, payload: Uint8Array): void {
  if (dir === 'up') rig.phone.sendUdp({ dstIp: ROUTER_IP, dstPort: ROUTER_PORT, srcPort: PHONE_PORT, payload });
  else rig.router.sendUdp({ dstIp: PHONE_IP, dstPort: PHONE_PORT, srcPort: ROUTER_PORT, payload });
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function waitFor(done: () => boolean, turns = 1000): Promise<void> {
  for (let i = 0; i < turns && !done(); i++) await turn();
  if (!done()) throw new Error('link rig: the warm-up datagram never arrived');
}

/**
 * Streams `count` datagrams in each direction of `dirs`, at once, keeping at most `window` per
 * direction sent and not yet delivered (the mock ports hand bytes over on later ticks, so the pump
 * yields to let them). Resolves when all arrived; returns the number of datagrams delivered.
 */
export async function pump(rig: LinkRig, dirs: readonly Direction[], count: number, payload: Uint8Array, window = 64): Promise<number> {
  const start = { up: rig.delivered.up, down: rig.delivered.down };
  const sent = { up: 0, down: 0 };
  const arrived = (d: Direction) => rig.delivered[d] - start[d];
  for (let idle = 0; ; ) {
    let progress = false;
    for (const d of dirs) {
      while (sent[d] < count && sent[d] - arrived(d) < window) {
        send(rig, d, payload);
        sent[d]++;
        progress = true;
      }
    }
    if (dirs.every((d) => arrived(d) >= count)) break;
    if (rig.synchronous && !progress) throw new Error(`link rig: datagrams lost (${dirs.map(arrived).join('/')} of ${count})`);
    const before = dirs.reduce((n, d) => n + arrived(d), 0);
    await turn();
    idle = dirs.reduce((n, d) => n + arrived(d), 0) === before && !progress ? idle + 1 : 0;
    if (idle > 1000) throw new Error(`link rig: stalled at ${dirs.map(arrived).join('/')} of ${count}`);
  }
  return dirs.length * count;
}
