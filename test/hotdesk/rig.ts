// One phone running hotdeskMachine against a primary and a secondary FakeCallServer on a FakeNet, all
// on a VirtualClock. Every Screen output and every datagram the phone sends is kept for the checks.
import { createActor } from 'xstate';
import { VirtualClock } from '../../firmware/clock.ts';
import { Screen } from '../../firmware/display/screen.ts';
import { nullTracer } from '../../firmware/hal.ts';
import type { TraceRecord } from '../../firmware/hal.ts';
import { hotdeskMachine } from '../../firmware/hotdesk/machine.ts';
import type { HotdeskInput } from '../../firmware/hotdesk/types.ts';
import { LampBank } from '../../firmware/keys/lamps.ts';
import { SeededRandom } from '../../firmware/random.ts';
import type { Peer } from '../../firmware/signalling/transactions.ts';
import { loadProfile } from '../../sim/profiles.ts';
import { FakeNet } from '../signalling/fake-net.ts';
import { FakeCallServer } from './fake-call-server.ts';
import type { FakeUser } from './fake-call-server.ts';

export const PHONE: Peer = { ip: '10.0.0.50', port: 6800 };
export const PRIMARY: Peer = { ip: '10.0.0.1', port: 6800 };
export const SECONDARY: Peer = { ip: '10.0.0.2', port: 6800 };
export const MAC = '00:08:5d:12:34:56';

export const ALICE: FakeUser = { ext: '5123', pin: '1234', name: 'Alice Smith' };

export interface RigOptions {
  profile?: string;
  users?: FakeUser[];
  secondaryUsers?: FakeUser[];
  input?: Partial<HotdeskInput>;
}

export function rig(opts: RigOptions = {}) {
  const clock = new VirtualClock(() => new Promise<void>((resolve) => setImmediate(resolve)));
  const net = new FakeNet(clock, 5);
  const primary = new FakeCallServer(net, clock, PRIMARY, 'icp-1', opts.users ?? [ALICE]);
  const secondary = new FakeCallServer(net, clock, SECONDARY, 'icp-2', opts.secondaryUsers ?? opts.users ?? [ALICE]);
  const profile = loadProfile(opts.profile ?? '5340');
  const displays: string[][] = [];
  const trace: TraceRecord[] = [];
  const screen = new Screen(profile.display, { display: (lines) => displays.push([...lines]), lamp() {} }, nullTracer);
  const lamps = new LampBank(clock, profile.cadences);
  const transport = net.transportFor(PHONE);
  const events = { registered: 0, reboots: [] as string[] };
  const actor = createActor(hotdeskMachine, {
    clock,
    input: {
      send: (ip, port, bytes) => transport.send(ip, port, bytes),
      listen: (receive) => {
        net.attach(PHONE, { receive });
        return () => net.attach(PHONE, { receive: () => {} });
      },
      callServers: [PRIMARY.ip, SECONDARY.ip],
      phoneIp: PHONE.ip,
      screen,
      clock,
      random: new SeededRandom(42),
      tracer: { record: (r) => trace.push(r) },
      profile,
      mac: MAC,
      firmwareVersion: '1.0',
      lamps,
      onRegistered: () => events.registered++,
      onReboot: (reason) => events.reboots.push(reason),
      ...opts.input,
    },
  });
  actor.start();

  const ctx = () => actor.getSnapshot().context;
  return {
    clock,
    net,
    primary,
    secondary,
    profile,
    screen,
    lamps,
    displays,
    trace,
    actor,
    events,
    ctx,
    /** Lets time pass (every alarm runs, promises settle after each instant). */
    advance: (ms: number) => clock.advance(ms),
    /** Presses keys, letting 50 ms pass after each (replies arrive within that on the fake net). */
    async press(...keys: string[]) {
      for (const key of keys) {
        actor.send({ type: 'key', key });
        await clock.advance(50);
      }
    },
    /** Each character of `digits` as a key. */
    async dial(digits: string) {
      for (const key of digits) {
        actor.send({ type: 'key', key });
        await clock.advance(50);
      }
    },
    /** Registered and idle: the boot part every test starts from. */
    async boot() {
      await clock.advance(3000);
    },
    shown: () => screen.lines,
    /** Every datagram the phone sent, raw. */
    sentBytes: () => net.sent.filter((d) => d.from.ip === PHONE.ip).map((d) => d.bytes),
  };
}

export type Rig = ReturnType<typeof rig>;

/** Logs in on a HotDesking-key set (5340 and the like). */
export async function hotdeskKeyLogin(r: Rig, ext: string, pin: string): Promise<void> {
  await r.press('hotdesk', 'login');
  await r.dial(ext);
  await r.press('ok');
  await r.dial(pin);
  await r.press('ok');
  await r.advance(500);
}
