// Builds the phone's world for one run: the clock, the link (mock wire, pty pair or real ports), the
// phone firmware on one end and the controller on the other, with trace and capture attached. The CLI,
// the scenario runner, tests and benchmarks all build worlds here, so they run the same parts.
import { VirtualClock } from '../firmware/clock.ts';
import { EchoPhone } from '../firmware/echo-phone.ts';
import type { ByteLink, Clock, Panel } from '../firmware/hal.ts';
import { NetStack } from '../firmware/link/stack.ts';
import { SeededRandom } from '../firmware/random.ts';
import { ECHO_PORT, echoService, Router, ROUTER_IP } from './controller/router.ts';
import type { LinkSpec } from './link-spec.ts';
import { PcapFile } from './pcap.ts';
import { loadProfile } from './profiles.ts';
import { JsonlFile } from './trace-file.ts';
import { RealClock } from './real-clock.ts';
import type { ScenarioTarget } from './scenario/target.ts';
import { TraceWriter } from './trace.ts';
import { MockWire, type MockWireOptions } from './wire/mock-wire.ts';
import { makePtyPair } from './wire/pty.ts';
import { openSerialLink } from './wire/serial-link.ts';
import { settleIo } from './wire/settle.ts';

export interface WorldOptions {
  profile: string;
  link: LinkSpec;
  /** Run on wall time even on the mock wire (the panel a person uses, `--realtime`). */
  realtime?: boolean;
  /** The clock to run on; by default virtual on the mock wire and real on ports. */
  clock?: Clock;
  seed?: number;
  /** Which ends to build: both (sim, run), or one of them alone on a port (phone, controller). */
  ends?: 'both' | 'phone' | 'controller';
  trace?: TraceWriter;
  /** Writes the trace to this JSON Lines file. */
  tracePath?: string;
  /** Captures to this pcap file at the phone's end, or at the controller's when there is no phone. */
  pcapPath?: string;
  panel?: Panel;
  wire?: Partial<Omit<MockWireOptions, 'clock' | 'random'>>;
  baud?: number;
}

/** The phone's MAC: Mitel's OUI 00:08:5d with the rest drawn from the seed, so runs repeat. */
export function phoneMac(random: SeededRandom): string {
  const b = random.bytes(3);
  return ['00', '08', '5d', ...[...b].map((x) => x.toString(16).padStart(2, '0'))].join(':');
}

export const PHONE_STATIC_IP = '192.168.10.50';

export class World implements ScenarioTarget {
  readonly trace: TraceWriter;
  phone?: EchoPhone;
  phoneStack?: NetStack;
  router?: Router;
  wire?: MockWire;
  private pcap?: PcapFile;
  private readonly closers: (() => void | Promise<void>)[] = [];
  private lastDisplay: string[] = [];

  private constructor(
    readonly clock: Clock,
    readonly options: WorldOptions,
  ) {
    this.trace = options.trace ?? new TraceWriter(clock);
  }

  static async build(options: WorldOptions): Promise<World> {
    loadProfile(options.profile); // an unknown model fails here, before any port is opened
    const realtime = options.link.kind !== 'mock' || !!options.realtime;
    const clock: Clock = options.clock ?? (realtime ? new RealClock() : new VirtualClock(settleIo));
    const world = new World(clock, options);
    try {
      await world.connect();
    } catch (err) {
      await world.close();
      throw err;
    }
    return world;
  }

  private async connect(): Promise<void> {
    const o = this.options;
    const random = new SeededRandom(o.seed ?? 1);
    const ends = o.ends ?? 'both';
    if (o.tracePath) {
      const file = new JsonlFile(o.tracePath);
      this.trace.addSink(file.sink);
      this.closers.push(() => file.close());
    }
    if (o.pcapPath) {
      const pcap = new PcapFile(o.pcapPath, this.clock);
      this.pcap = pcap;
      this.closers.push(() => pcap.close());
    }
    let phoneLink: ByteLink | undefined;
    let controllerLink: ByteLink | undefined;

    switch (o.link.kind) {
      case 'mock': {
        const wire = new MockWire({ clock: this.clock, random: random.fork(), ...o.wire });
        this.wire = wire;
        this.closers.push(() => wire.close());
        await wire.ready;
        phoneLink = wire.phoneEnd;
        controllerLink = wire.controllerEnd;
        break;
      }
      case 'pty': {
        const pair = await makePtyPair();
        this.closers.push(() => pair.close());
        const [a, b] = await Promise.all([openSerialLink(pair.a, o.baud), openSerialLink(pair.b, o.baud)]);
        this.closers.push(() => a.close(), () => b.close());
        phoneLink = a;
        controllerLink = b;
        break;
      }
      case 'ports': {
        if (ends !== 'controller') {
          const a = await openSerialLink(o.link.phone, o.baud);
          this.closers.push(() => a.close());
          phoneLink = a;
        }
        if (ends !== 'phone') {
          const b = await openSerialLink(o.link.controller, o.baud);
          this.closers.push(() => b.close());
          controllerLink = b;
        }
        break;
      }
      case 'port': {
        const port = await openSerialLink(o.link.phone, o.baud);
        this.closers.push(() => port.close());
        if (ends === 'controller') controllerLink = port;
        else phoneLink = port;
        break;
      }
    }

    const macRandom = random.fork();
    if (controllerLink && ends !== 'phone') {
      const tap = ends === 'controller' || !phoneLink ? this.pcap?.tap : undefined;
      this.router = new Router({ link: controllerLink, clock: this.clock, tracer: this.trace.forNode('controller'), tap });
      this.router.serve(ECHO_PORT, echoService);
      this.closers.push(() => this.router?.close());
    }
    if (phoneLink && ends !== 'controller') {
      const mac = phoneMac(macRandom);
      const tracer = this.trace.forNode(`phone:${mac}`);
      this.phoneStack = new NetStack({ mac, link: phoneLink, clock: this.clock, tracer, tap: this.pcap?.tap, ip: PHONE_STATIC_IP });
      const panel: Panel = {
        display: (lines) => {
          this.lastDisplay = [...lines];
          o.panel?.display(lines);
        },
        lamp: (key, cadence, origin) => o.panel?.lamp(key, cadence, origin),
      };
      this.phone = new EchoPhone({ stack: this.phoneStack, clock: this.clock, panel, tracer, controllerIp: ROUTER_IP });
      this.phone.start();
      this.closers.push(() => this.phone?.stop(), () => this.phoneStack?.close());
    }
  }

  // ScenarioTarget

  now(): number {
    return this.clock.now();
  }

  async advance(ms: number, until?: () => boolean): Promise<boolean> {
    if (this.clock instanceof VirtualClock) return this.clock.advance(ms, until);
    return advanceRealTime(this.clock, ms, until);
  }

  display(): string[] {
    return this.lastDisplay;
  }

  press(key: string): void {
    throw new Error(`this phone has no key "${key}" yet`);
  }

  lamp(_key: string): string {
    return 'off';
  }

  async controller(_action: Record<string, unknown>): Promise<void> {
    if (!this.router) throw new Error('this link has no controller at the far end (a device or another process is there)');
    throw new Error('no controller actions exist yet');
  }

  async close(): Promise<void> {
    for (const close of this.closers.reverse()) {
      try {
        await close();
      } catch {
        // closing is best effort: a port already gone must not hide the run's result
      }
    }
    this.closers.length = 0;
    if (this.clock instanceof RealClock) this.clock.stopAll();
  }
}

/** Waits on wall time, checking `until` every few milliseconds (real links, the panel). */
async function advanceRealTime(clock: Clock, ms: number, until?: () => boolean): Promise<boolean> {
  const end = clock.now() + ms;
  for (;;) {
    if (until?.()) return true;
    const left = end - clock.now();
    if (left <= 0) return false;
    await new Promise<void>((resolve) => clock.setTimeout(resolve, Math.min(left, 5)));
  }
}
