// Builds the phone's world for one run: the clock, the link (mock wire, pty pair or real ports), the
// phone firmware on one end and the controller on the other, with trace and capture attached. The CLI,
// the scenario runner, tests and benchmarks all build worlds here, so they run the same parts.
import { VirtualClock } from '../firmware/clock.ts';
import { describeProtocols } from '../firmware/describe.ts';
import type { ByteLink, Clock, Flash, Panel } from '../firmware/hal.ts';
import { Phone } from '../firmware/phone.ts';
import type { Profile } from '../firmware/profile.ts';
import type { TftpClientOptions } from '../firmware/boot/tftp-client.ts';
import { SeededRandom } from '../firmware/random.ts';
import { parseControllerConfig, type ControllerConfig } from './controller/config.ts';
import { Controller } from './controller/controller.ts';
import { devTrustedKey } from './controller/dev-keys/index.ts';
import { PowerLoss } from './flash-memory.ts';
import type { LinkSpec } from './link-spec.ts';
import { PcapFile } from './pcap.ts';
import { parseFirmwareVersion, phoneFlash } from './phone-setup.ts';
import { loadProfile } from './profiles.ts';
import { RealClock } from './real-clock.ts';
import type { ScenarioTarget } from './scenario/target.ts';
import { JsonlFile } from './trace-file.ts';
import { TraceWriter } from './trace.ts';
import { MockWire, type MockWireOptions } from './wire/mock-wire.ts';
import { makePtyPair } from './wire/pty.ts';
import { openSerialLink } from './wire/serial-link.ts';
import { settleIo } from './wire/settle.ts';
import { applyControllerAction } from './controller/actions.ts';

export interface WorldOptions {
  profile: string;
  link: LinkSpec;
  /** The controller's world (a scenario's `controller:` block or a `--config` file). */
  config?: ControllerConfig;
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
  /** The phone's factory firmware version (a.b.c.d) and where its flash lives. */
  phoneFirmware?: string;
  flashPath?: string;
  /** `--trace-lamps`: every lamp toggle in the trace. */
  traceLamps?: boolean;
  /** DHCP INIT's random wait (RFC 2131: 1-10 s). */
  dhcpStartDelayMs?: { min: number; max: number };
  /** What the phone's TFTP client asks for (blksize, windowsize, ...): the download benchmark varies it. */
  tftpOptions?: TftpClientOptions;
}

/** The phone's MAC: Mitel's OUI 00:08:5d with the rest drawn from the seed, so runs repeat. */
export function phoneMac(random: SeededRandom): string {
  const b = random.bytes(3);
  return ['00', '08', '5d', ...[...b].map((x) => x.toString(16).padStart(2, '0'))].join(':');
}

export class World implements ScenarioTarget {
  readonly trace: TraceWriter;
  readonly profile: Profile;
  readonly config: ControllerConfig;
  phone?: Phone;
  flash?: Flash;
  controller?: Controller;
  wire?: MockWire;
  /** Power cuts the flash saw (each followed by a power-on, as a person plugging the phone back in). */
  powerCuts = 0;
  private readonly closers: (() => void | Promise<void>)[] = [];
  private pcap?: PcapFile;
  /** Every display shown, for `wait-display`; `displayBase` is the history index of its first entry. */
  private displayLog: string[][] = [];
  private displayBase = 0;

  private constructor(
    readonly clock: Clock,
    readonly options: WorldOptions,
  ) {
    this.trace = options.trace ?? new TraceWriter(clock);
    this.profile = loadProfile(options.profile);
    this.config = options.config ?? parseControllerConfig({}, 'defaults');
  }

  static async build(options: WorldOptions): Promise<World> {
    const realtime = options.link.kind !== 'mock' || !!options.realtime;
    const clock: Clock = options.clock ?? (realtime ? new RealClock() : new VirtualClock(settleIo));
    const world = new World(clock, options); // an unknown model fails here, before any port is opened
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
    const { phoneLink, controllerLink } = await this.openLinks(random, ends);

    const macRandom = random.fork();
    const phoneRandom = random.fork();
    if (controllerLink && ends !== 'phone') {
      const tap = ends === 'controller' || !phoneLink ? this.pcap?.tap : undefined;
      this.controller = new Controller({ link: controllerLink, clock: this.clock, random: random.fork(), config: this.config, tracer: this.trace.forNode('controller'), tap });
      this.closers.push(() => this.controller?.close());
    }
    if (phoneLink && ends !== 'controller') {
      const mac = phoneMac(macRandom);
      const { flash, layout } = phoneFlash({
        profile: this.profile,
        factoryVersion: o.phoneFirmware ? parseFirmwareVersion(o.phoneFirmware, 'phone firmware') : undefined,
        path: o.flashPath,
        seed: o.seed,
      });
      this.flash = flash;
      if ('close' in flash && typeof flash.close === 'function') this.closers.push(() => (flash as { close(): void }).close());
      const phone = new Phone({
        profile: this.profile,
        mac,
        link: phoneLink,
        clock: this.clock,
        random: phoneRandom,
        flash,
        flashLayout: layout,
        trustedKeys: [devTrustedKey()],
        panel: {
          display: (lines) => {
            this.displayLog.push([...lines]);
            o.panel?.display(lines);
          },
          lamp: (k, c, origin) => o.panel?.lamp(k, c, origin),
        },
        tracer: this.trace.forNode(`phone:${mac}`),
        tap: this.pcap?.tap,
        describeUdp: describeProtocols,
        dhcpStartDelayMs: o.dhcpStartDelayMs,
        tftpOptions: o.tftpOptions,
        onFault: (err) => this.onPhoneFault(err),
        traceLampToggles: o.traceLamps,
      });
      this.phone = phone;
      this.closers.push(() => phone.powerOff());
      phone.powerOn();
    }
  }

  private async openLinks(random: SeededRandom, ends: string): Promise<{ phoneLink?: ByteLink; controllerLink?: ByteLink }> {
    const o = this.options;
    switch (o.link.kind) {
      case 'mock': {
        const wire = new MockWire({ clock: this.clock, random: random.fork(), ...o.wire });
        this.wire = wire;
        this.closers.push(() => wire.close());
        await wire.ready;
        return { phoneLink: wire.phoneEnd, controllerLink: wire.controllerEnd };
      }
      case 'pty': {
        const pair = await makePtyPair();
        this.closers.push(() => pair.close());
        const [a, b] = await Promise.all([openSerialLink(pair.a, o.baud), openSerialLink(pair.b, o.baud)]);
        this.closers.push(() => a.close(), () => b.close());
        return { phoneLink: a, controllerLink: b };
      }
      case 'ports': {
        const links: { phoneLink?: ByteLink; controllerLink?: ByteLink } = {};
        if (ends !== 'controller') {
          const a = await openSerialLink(o.link.phone, o.baud);
          this.closers.push(() => a.close());
          links.phoneLink = a;
        }
        if (ends !== 'phone') {
          const b = await openSerialLink(o.link.controller, o.baud);
          this.closers.push(() => b.close());
          links.controllerLink = b;
        }
        return links;
      }
      case 'port': {
        const port = await openSerialLink(o.link.phone, o.baud);
        this.closers.push(() => port.close());
        return ends === 'controller' ? { controllerLink: port } : { phoneLink: port };
      }
    }
  }

  /**
   * A fault in the phone: a flash that lost power means the phone lost power; plugging it back in is
   * what a person would do. Anything else is a firmware bug: the watchdog restarts the phone.
   */
  private onPhoneFault(err: unknown): void {
    const phone = this.phone!;
    phone.powerOff();
    if (err instanceof PowerLoss) this.powerCuts++;
    this.clock.setTimeout(() => {
      (this.flash as { powerOn?(): void }).powerOn?.();
      phone.powerOn();
    }, 1000);
  }

  /** Power off, wait, power on (a scenario's `power: cycle`). */
  powerCycle(offMs = 1000): void {
    if (!this.phone) throw new Error('there is no phone on this end of the link');
    this.phone.powerOff();
    this.clock.setTimeout(() => this.phone!.powerOn(), offMs);
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
    return this.phone?.screen.lines ?? [];
  }

  displaysSince(from: number): { index: number; lines: string[] }[] {
    // what a wait has moved past is never read again: forget it, so long runs hold only what is new
    const forget = Math.min(from - this.displayBase, this.displayLog.length - 1);
    if (forget > 0) {
      this.displayLog.splice(0, forget);
      this.displayBase += forget;
    }
    const start = Math.max(from, this.displayBase);
    return this.displayLog.slice(start - this.displayBase).map((lines, i) => ({ index: start + i, lines }));
  }

  press(key: string): void {
    if (!this.phone) throw new Error('there is no phone on this end of the link');
    this.phone.press(key);
  }

  power(action: 'off' | 'on' | 'cycle'): void {
    if (!this.phone) throw new Error('there is no phone on this end of the link');
    if (action === 'cycle') this.powerCycle();
    else if (action === 'off') this.phone.powerOff();
    else this.phone.powerOn();
  }

  firmware(): { version: string; confirmed: boolean } | undefined {
    const boot = this.phone?.bootloader;
    const running = boot?.running;
    if (!boot || !running) return undefined;
    const version = boot.inspect().slots[running.slot].version;
    return version === undefined ? undefined : { version, confirmed: running.mode === 'normal' || boot.inspect().slots[running.slot].state === 'confirmed' };
  }

  lamp(key: string): string {
    if (!this.phone) throw new Error('there is no phone on this end of the link');
    return this.phone.lamps.get(key).cadence;
  }

  async actOnController(action: Record<string, unknown>): Promise<void> {
    if (!this.controller) throw new Error('this link has no controller at the far end (a device or another process is there)');
    applyControllerAction(this.controller, action);
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
