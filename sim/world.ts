// Builds the phone's world for one run: the clock, the link (mock wire, pty pair or real ports), the
// phone firmware on one end and the controller on the other, with trace and capture attached. The CLI,
// the scenario runner, tests and benchmarks all build worlds here, so they run the same parts.
import { osEntropy } from './entropy.ts';
import { VirtualClock } from '../firmware/clock.ts';
import { describeProtocolsWith } from '../firmware/describe.ts';
import { KeyLogReader } from '../firmware/signalling/secure/keylog.ts';
import type { ByteLink, Clock, Flash, FrameTap, Panel } from '../firmware/hal.ts';
import { Phone } from '../firmware/phone.ts';
import type { HotdeskView } from '../firmware/hotdesk/view.ts';
import type { Profile } from '../firmware/profile.ts';
import type { TftpClientOptions } from '../firmware/boot/tftp-client.ts';
import { SeededRandom } from '../firmware/random.ts';
import { parseControllerConfig, type ControllerConfig } from './controller/config.ts';
import { Controller } from './controller/controller.ts';
import { devClusterTrustedKey, devTrustedKey } from './controller/dev-keys/index.ts';
import { keyLogFromEnv } from './keylog.ts';
import { PowerLoss } from './flash-memory.ts';
import type { LinkSpec } from './link-spec.ts';
import { PcapFile } from './pcap.ts';
import { auditFiles } from './artifacts.ts';
import { parseFirmwareVersion, phoneFlash } from './phone-setup.ts';
import { loadProfile } from './profiles.ts';
import { RealClock } from './real-clock.ts';
import type { ScenarioTarget } from './scenario/target.ts';
import { JsonlFile } from './trace-file.ts';
import { TraceWriter } from './trace.ts';
import type { MockWire, MockWireOptions } from './wire/mock-wire.ts';
import { openCable, openLinks } from './world-links.ts';
import { settleIo } from './wire/settle.ts';
import { applyControllerAction } from './controller/actions.ts';
import { checkPkms, ownDn } from './set-programming.ts';

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
  /** The phone under test's own DN (default: the first `sets:` entry of its profile; see set-programming.ts). */
  dn?: string;
  /** Key modules attached to the phone under test, by model, in order (pkm1, pkm2, ...). */
  pkms?: readonly string[];
  /** More phones, each on its own cable to the same controller (mock link or pty only). */
  extraPhones?: { name: string; profile: string; firmware?: string; dn?: string }[];
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

/** The name of the phone under test, in `on:` and in `world.units`. */
export const MAIN_PHONE = 'phone';

/** One phone of the world, with the history of what it showed (for `wait-display`). */
export class PhoneUnit {
  /** Displays shown and not yet read past by a `wait-display`. */
  readonly log: string[][] = [];
  /** The history index of `log[0]`. */
  base = 0;
  /** Set right after construction: the phone's panel writes into this unit's log. */
  phone!: Phone;

  constructor(
    readonly name: string,
    readonly flash: Flash,
  ) {}
}

export class World implements ScenarioTarget {
  readonly trace: TraceWriter;
  readonly profile: Profile;
  readonly config: ControllerConfig;
  /** The key modules attached to the phone under test (checked against its profile). */
  readonly pkms: readonly Profile[];
  controller?: Controller;
  /** The phones of this world: the one under test first (named `phone`), then any others, by name. */
  readonly units = new Map<string, PhoneUnit>();
  private main?: PhoneUnit;
  private selected?: PhoneUnit;
  wire?: MockWire;
  /** Power cuts the flash saw (each followed by a power-on, as a person plugging the phone back in). */
  powerCuts = 0;
  private readonly closers: (() => void | Promise<void>)[] = [];
  private pcap?: PcapFile;
  /**
   * The signalling session keys of this world's phones and controller: its trace names what the sealed
   * datagrams carry (each node knows its own), and HOTDESK_KEYLOG gets them for a capture reader.
   */
  private readonly sessionKeys = new KeyLogReader();
  private readonly keyFile = keyLogFromEnv();
  private readonly keyLines = new Set<string>();
  private readonly keyLog = (line: string) => {
    // the phone and the controller each log the session they share: the file gets it once
    if (this.keyLines.has(line)) return;
    this.keyLines.add(line);
    this.sessionKeys.add(line);
    this.keyFile?.(line);
  };
  private readonly describeUdp = describeProtocolsWith(this.sessionKeys);

  private constructor(
    readonly clock: Clock,
    readonly options: WorldOptions,
  ) {
    this.trace = options.trace ?? new TraceWriter(clock);
    this.profile = loadProfile(options.profile);
    this.config = options.config ?? parseControllerConfig({}, 'defaults');
    const pkms = checkPkms(this.profile, options.pkms ?? []);
    if (!pkms.ok) throw new Error(pkms.reason);
    this.pkms = pkms.modules;
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
    const audit = auditFiles(this.config.users.map((u) => u.pin));
    const tracePath = o.tracePath ?? audit?.trace;
    const pcapPath = o.pcapPath ?? audit?.pcap;
    if (tracePath) {
      const file = new JsonlFile(tracePath);
      this.trace.addSink(file.sink);
      this.closers.push(() => file.close());
    }
    if (pcapPath) {
      const pcap = new PcapFile(pcapPath, this.clock);
      this.pcap = pcap;
      this.closers.push(() => pcap.close());
    }
    const linkOptions = { clock: this.clock, random, wire: o.wire, baud: o.baud };
    const { phoneLink, controllerLink, wire } = await openLinks(o.link, ends, linkOptions, this.closers);
    this.wire = wire;

    const macRandom = random.fork();
    const phoneRandom = random.fork();
    if (controllerLink && ends !== 'phone') {
      const tap = ends === 'controller' || !phoneLink ? this.pcap?.tap : undefined;
      this.controller = new Controller({
        link: controllerLink,
        clock: this.clock,
        random: random.fork(),
        config: this.config,
        tracer: this.trace.forNode('controller'),
        tap,
        keyLog: this.keyLog,
        describeUdp: this.describeUdp,
      });
      this.closers.push(() => this.controller?.close());
    }
    if (phoneLink && ends !== 'controller') {
      this.main = this.buildPhone({ name: MAIN_PHONE, profile: this.profile, firmware: o.phoneFirmware, flashPath: o.flashPath }, phoneLink, macRandom, phoneRandom, this.pcap?.tap);
    }
    for (const spec of o.extraPhones ?? []) {
      if (this.units.has(spec.name)) throw new Error(`two phones are named "${spec.name}"`);
      if (o.link.kind !== 'mock' && o.link.kind !== 'pty') {
        throw new Error('more than one phone needs the mock link or pty (each phone gets its own cable to the controller)');
      }
      const { phoneLink: link, controllerLink: far } = await openCable(o.link.kind, linkOptions, this.closers);
      this.controller?.router.attach(far);
      this.buildPhone({ name: spec.name, profile: loadProfile(spec.profile), firmware: spec.firmware, dn: spec.dn }, link, macRandom, phoneRandom.fork());
    }
  }

  /** Builds, registers and powers on one phone of the world on its link. */
  private buildPhone(
    spec: { name: string; profile: Profile; firmware?: string; flashPath?: string; dn?: string },
    link: ByteLink,
    macRandom: SeededRandom,
    random: SeededRandom,
    tap?: FrameTap,
  ): PhoneUnit {
    const o = this.options;
    const mac = phoneMac(macRandom);
    const { flash, layout } = phoneFlash({
      profile: spec.profile,
      factoryVersion: spec.firmware ? parseFirmwareVersion(spec.firmware, `${spec.name} firmware`) : undefined,
      path: spec.flashPath,
      seed: o.seed,
    });
    if ('close' in flash && typeof flash.close === 'function') this.closers.push(() => (flash as { close(): void }).close());
    const unit = new PhoneUnit(spec.name, flash);
    const isMain = spec.name === MAIN_PHONE;
    unit.phone = new Phone({
      profile: spec.profile,
      mac,
      link,
      clock: this.clock,
      random,
      flash,
      flashLayout: layout,
      trustedKeys: [devTrustedKey()],
      clusterKeys: [devClusterTrustedKey()],
      keyLog: this.keyLog,
      // session keys from the OS, never from the seed: a run replays, its keys do not
      entropy: osEntropy,
      panel: {
        display: (lines) => {
          unit.log.push([...lines]);
          if (isMain) o.panel?.display(lines);
        },
        lamp: (k, c, origin) => {
          if (isMain) o.panel?.lamp(k, c, origin);
        },
        softkeys: (labels) => {
          if (isMain) o.panel?.softkeys?.(labels);
        },
        keyLabels: (keys) => {
          if (isMain) o.panel?.keyLabels?.(keys);
        },
        masked: (masked) => {
          if (isMain) o.panel?.masked?.(masked);
        },
      },
      tracer: this.trace.forNode(`phone:${mac}`),
      tap,
      describeUdp: this.describeUdp,
      dhcpStartDelayMs: o.dhcpStartDelayMs,
      tftpOptions: o.tftpOptions,
      onFault: (err) => this.onPhoneFault(unit, err),
      traceLampToggles: o.traceLamps,
      // the feature access codes the set dials are the controller's (the register-ack carries none)
      accessCodes: this.config.accessCodes,
      // the set's own programming (sets:) and its key modules: the phone under test's
      // (another phone of the world registers with the DN its scenario names, if any)
      ...(isMain ? { dn: ownDn(this.config.sets, spec.profile.id, o.dn), pkms: this.pkms } : spec.dn ? { dn: spec.dn } : {}),
    });
    this.units.set(spec.name, unit);
    this.closers.push(() => unit.phone.powerOff());
    unit.phone.powerOn();
    return unit;
  }

  /** The phone under test, or the one the running step named with `on:`. */
  get phone(): Phone | undefined {
    return (this.selected ?? this.main)?.phone;
  }

  get flash(): Flash | undefined {
    return (this.selected ?? this.main)?.flash;
  }

  /** Points the phone-facing steps at a named phone (`undefined`: the phone under test). */
  select(name: string | undefined): void {
    if (name === undefined || name === MAIN_PHONE) {
      this.selected = undefined;
      return;
    }
    const unit = this.units.get(name);
    if (!unit) throw new Error(`no phone named "${name}" (phones: ${[...this.units.keys()].join(', ')})`);
    this.selected = unit;
  }

  /**
   * A fault in the phone: a flash that lost power means the phone lost power; plugging it back in is
   * what a person would do. Anything else is a firmware bug: the watchdog restarts the phone.
   */
  private onPhoneFault(unit: PhoneUnit, err: unknown): void {
    unit.phone.powerOff();
    if (err instanceof PowerLoss) this.powerCuts++;
    this.clock.setTimeout(() => {
      (unit.flash as { powerOn?(): void }).powerOn?.();
      unit.phone.powerOn();
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
    const unit = this.selected ?? this.main;
    if (!unit) return [];
    // what a wait has moved past is never read again: forget it, so long runs hold only what is new
    const forget = Math.min(from - unit.base, unit.log.length - 1);
    if (forget > 0) {
      unit.log.splice(0, forget);
      unit.base += forget;
    }
    const start = Math.max(from, unit.base);
    return unit.log.slice(start - unit.base).map((lines, i) => ({ index: start + i, lines }));
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
    const slot = boot.inspect().slots[running.slot]; // one read of the boot record and header
    return slot.version === undefined ? undefined : { version: slot.version, confirmed: running.mode === 'normal' || slot.state === 'confirmed' };
  }

  hotdesk(): HotdeskView | undefined {
    return this.phone?.hotdesk;
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
