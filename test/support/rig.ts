// One phone in service (the in-service actors and the display, as the phone runs them) against a primary
// and a secondary FakeCallServer on a FakeNet, all on a VirtualClock. Every Screen output and every
// datagram the phone sends is kept for the checks; ctx() reads the owners' state for the assertions.
import { createActor, sendTo, setup } from 'xstate';
import { VirtualClock } from '../../firmware/clock.ts';
import { displayLogic } from '../../firmware/display/display.ts';
import { Screen } from '../../firmware/display/screen.ts';
import { nullTracer } from '../../firmware/hal.ts';
import type { TraceRecord } from '../../firmware/hal.ts';
import type { SetAccessCodes } from '../../firmware/acd/agent-codes.ts';
import { sessionMachine } from '../../firmware/hotdesk/session.ts';
import { PublishedView } from '../../firmware/hotdesk/view.ts';
import { inServiceMachine } from '../../firmware/in-service.ts';
import { LampBank } from '../../firmware/keys/lamps.ts';
import { keysMachine } from '../../firmware/keys/machine.ts';
import type { KeyView } from '../../firmware/keys/layout.ts';
import { SeededRandom } from '../../firmware/random.ts';
import { SYSTEM } from '../../firmware/service/events.ts';
import { signallingLinkLogic } from '../../firmware/service/link.ts';
import { serviceMachine } from '../../firmware/service/machine.ts';
import type { Peer } from '../../firmware/signalling/transactions.ts';
import { devClusterTrustedKey } from '../../sim/controller/dev-keys/index.ts';
import { loadProfile } from '../../sim/profiles.ts';
import { FakeNet } from './fake-net.ts';
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
  input?: { accessCodes?: Partial<SetAccessCodes>; dn?: string; pkmKeys?: number[]; firmwareVersion?: string };
}

/** The owners' state as the assertions read it (tests may look inside; the firmware never does). */
export interface RigState {
  user: { ext: string; name: string; language: string } | undefined;
  entryExt: string;
  pin: { length: number };
  logoutPending: boolean;
  softkeys: string[];
  keys: KeyView[];
  hiddenLines: KeyView[];
  pkmEnabled: boolean;
  server: Peer;
  controllerId: string;
  failedOver: boolean;
}

export function rig(opts: RigOptions = {}) {
  const clock = new VirtualClock(() => new Promise<void>((resolve) => setImmediate(resolve)));
  const net = new FakeNet(clock, 5);
  const primary = new FakeCallServer(net, clock, PRIMARY, 'icp-1', opts.users ?? [ALICE]);
  const secondary = new FakeCallServer(net, clock, SECONDARY, 'icp-2', opts.secondaryUsers ?? opts.users ?? [ALICE]);
  const profile = loadProfile(opts.profile ?? '5340');
  const displays: string[][] = [];
  const trace: TraceRecord[] = [];
  const tracer = { record: (r: TraceRecord) => void trace.push(r) };
  const screen = new Screen(profile.display, { display: (lines) => displays.push([...lines]), lamp() {} }, nullTracer);
  const lamps = new LampBank(clock, profile.cadences);
  const transport = net.transportFor(PHONE);
  const published = new PublishedView();
  const events = { registered: 0, reboots: [] as string[] };
  const info = (_: unknown, p: { message: string }) => tracer.record({ kind: 'info', message: p.message });

  const inService = inServiceMachine.provide({
    actions: {
      registered: () => void events.registered++,
      reboot: sendTo(({ system }) => system.get('rig'), ({ event }) => event),
    },
    actors: {
      service: serviceMachine.provide({
        actions: { trace: info, publish: (_, v) => published.setService(v) },
        actors: {
          signalling: signallingLinkLogic(() => ({
            send: (ip, port, bytes) => transport.send(ip, port, bytes),
            listen: (receive) => {
              net.attach(PHONE, { receive });
              return () => net.attach(PHONE, { receive: () => {} });
            },
            clock,
            random: new SeededRandom(42),
            tracer,
            mac: MAC,
            clusterKeys: [devClusterTrustedKey()],
          })),
        },
      }),
      session: sessionMachine.provide({ actions: { trace: info, publish: (_, v) => published.setUser(v.user) } }),
      keys: keysMachine.provide({ actions: { setLamp: (_, p) => void lamps.set(p.key, p.cadence), publish: (_, v) => published.setKeys(v), trace: info } }),
    },
  });
  // the phone's part above the in-service actors: the display, and a reboot that ends the run
  const root = setup({
    types: { events: {} as { type: 'firmware.reboot'; reason: string } },
    actors: {
      display: displayLogic(() => ({
        paint: (shown) => {
          screen.show(...shown.rows);
          published.setSoftkeys(shown.softkeys);
        },
        traceKey: (key) => tracer.record({ kind: 'key', key }),
      })),
      inService,
    },
  }).createMachine({
    invoke: { id: 'display', systemId: SYSTEM.display, src: 'display' },
    initial: 'inService',
    states: {
      inService: {
        invoke: {
          src: 'inService',
          input: {
            service: { callServers: [PRIMARY.ip, SECONDARY.ip], phoneIp: PHONE.ip, mac: MAC, model: profile.id, firmwareVersion: opts.input?.firmwareVersion ?? '1.0', dn: opts.input?.dn },
            keys: { programmableKeys: profile.programmableKeys, pkmKeys: opts.input?.pkmKeys ?? [] },
            session: { loginMethod: profile.loginMethod, mac: MAC, accessCodes: opts.input?.accessCodes, setDn: opts.input?.dn ?? '' },
            calls: { handset: profile.kind === 'handset', setDn: opts.input?.dn ?? '', displayRows: profile.display.rows },
          },
        },
        on: {
          'firmware.reboot': { target: 'restarting', actions: ({ event }) => void events.reboots.push(event.reason) },
        },
      },
      restarting: { type: 'final' },
    },
  });
  const actor = createActor(root, { clock, systemId: 'rig' });
  actor.start();

  const context = (id: string) => actor.system.get(id)?.getSnapshot().context;
  const ctx = (): RigState => {
    const service = context(SYSTEM.service);
    const session = context(SYSTEM.session);
    const keys = context(SYSTEM.keys);
    return {
      user: session?.user,
      entryExt: session?.entryExt ?? '',
      pin: { length: session?.pinLength ?? 0 },
      logoutPending: session?.logoutPending ?? false,
      softkeys: published.view?.softkeys ?? [],
      keys: keys?.keys ?? [],
      hiddenLines: keys?.hiddenLines ?? [],
      pkmEnabled: keys?.pkmEnabled ?? true,
      server: service?.server,
      controllerId: service?.terms?.controllerId ?? '',
      failedOver: service?.failedOver ?? false,
    };
  };
  /** Presses keys, letting 50 ms pass after each (replies arrive within that on the fake net). */
  const press = async (...keys: string[]) => {
    for (const key of keys) {
      // straight to the display, as Phone.press hands a key over
      actor.system.get(SYSTEM.display)?.send({ type: 'key', key });
      await clock.advance(50);
    }
  };
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
    published,
    /** Every actor's context, as a snapshot inspector would see it (for the PIN checks). */
    snapshots: () => [SYSTEM.display, SYSTEM.service, SYSTEM.session, SYSTEM.keys, SYSTEM.calls].map((id) => actor.system.get(id)?.getSnapshot()),
    /** Lets time pass (every alarm runs, promises settle after each instant). */
    advance: (ms: number) => clock.advance(ms),
    press,
    /** Each character of `digits` as a key. */
    dial: (digits: string) => press(...digits),
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
