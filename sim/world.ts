// Builds the phone's world for one run: the clock, the link (mock wire, pty pair or real ports), the
// phone firmware on one end and the controller on the other, with trace and capture attached. The CLI,
// the scenario runner, tests and benchmarks all build worlds here, so they run the same parts.
import type { InspectionEvent } from 'xstate';
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
import { isCableKind, type LinkSpec } from './link-spec.ts';
import { PcapFile } from './pcap.ts';
import { auditFiles } from './artifacts.ts';
import { parseFirmwareVersion, phoneFlash } from './phone-setup.ts';
import { loadProfile } from './profiles.ts';
import { RealClock } from './real-clock.ts';
import type { ScenarioTarget } from './scenario/target.ts';
import { JsonlFile } from './trace-file.ts';
import { TraceWriter } from './trace.ts';
import type { MockWire, MockWireOptions } from './wire/mock-wire.ts';
import { openCable, openLinks, type LinkOptions } from './world-links.ts';
import { DEFAULT_POOL_SIZE, fleetDhcpPool, fleetPoolSize } from './controller/dhcp/pool-range.ts';
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
  /** A panel for every phone of the world, the first included (the web panel draws them all). */
  panelFor?: (phone: { name: string; profile: Profile; pkms: readonly Profile[]; mac: string }) => Panel | undefined;
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
  /** More phones, each on its own cable to the same controller (mock, frames or pty link only). */
  extraPhones?: { name: string; profile: string; firmware?: string; dn?: string }[];
  /**
   * Every phone of the world, all built alike, each on its own cable (a fleet). Instead of the phone
   * under test plus `extraPhones`: the first is the one phone-facing steps act on unless one is named;
   * `profile`, `phoneFirmware`, `dn` and `pkms` are then taken from it. More than one needs a cable link.
   */
  phones?: PhoneSpec[];
  /** DHCP INIT's random wait (RFC 2131: 1-10 s). */
  dhcpStartDelayMs?: { min: number; max: number };
  /** What the phone's TFTP client asks for (blksize, windowsize, ...): the download benchmark varies it. */
  tftpOptions?: TftpClientOptions;
  /** XState's inspection events of each phone's actor tree (snapshots, events, actors), for tools and tests. */
  inspect?: (phone: string, event: InspectionEvent) => void;
}

/** The dev keys every phone trusts, parsed once per process (each parse is a public-key import). */
let phoneKeys: { trusted: ReturnType<typeof devTrustedKey>[]; cluster: ReturnType<typeof devClusterTrustedKey>[] } | undefined;
function devPhoneKeys() {
  phoneKeys ??= { trusted: [devTrustedKey()], cluster: [devClusterTrustedKey()] };
  return phoneKeys;
}

/** One phone of a fleet world (`phones`). */
export interface PhoneSpec {
  name: string;
  profile: string;
  /** Its factory firmware version (a.b.c.d). */
  firmware?: string;
  /** Its DN; by default the first `sets:` entry of its model that no other phone of the world took. */
  dn?: string;
  /** Key modules, by model (checked against its profile). */
  pkms?: readonly string[];
  /** Its MAC; by default drawn from the seed (never one another phone of the world has). */
  mac?: string;
}

/** A phone as the world builds it: every phone, the phone under test included, goes through this. */
interface ResolvedPhone {
  name: string;
  profile: Profile;
  firmware?: string;
  flashPath?: string;
  dn?: string;
  pkms?: readonly Profile[];
  mac?: string;
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
  private readonly macs = new Set<string>();
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
    const first = options.phones?.[0];
    this.profile = loadProfile(first?.profile ?? options.profile);
    const config = options.config ?? parseControllerConfig({}, 'defaults');
    // a DHCP pool for every phone of the world, unless the config names one (dhcp: { pool })
    const phones = options.phones?.length ?? 1 + (options.extraPhones?.length ?? 0);
    const roomy = config.dhcp.pool !== undefined || fleetPoolSize(phones) <= DEFAULT_POOL_SIZE;
    this.config = roomy ? config : { ...config, dhcp: { ...config.dhcp, pool: fleetDhcpPool(phones) } };
    const pkms = checkPkms(this.profile, (first ? first.pkms : options.pkms) ?? []);
    if (!pkms.ok) throw new Error(pkms.reason);
    this.pkms = pkms.modules;
  }

  static async build(options: WorldOptions): Promise<World> {
    const kind = options.link.kind;
    const realtime = (kind !== 'mock' && kind !== 'frames') || !!options.realtime;
    // the frame link has no port I/O to settle between instants: only yield to the event loop now and then
    const clock: Clock = options.clock ?? (realtime ? new RealClock() : new VirtualClock(kind === 'frames' ? settleNowAndThen() : settleIo));
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
    // ACD agents' PINs are PINs too (they log in through the same hot desk login)
    const audit = auditFiles([...this.config.users, ...(this.config.agents ?? [])].map((u) => u.pin));
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
    const linkOptions: LinkOptions = { clock: this.clock, random, wire: o.wire, baud: o.baud };
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
    if (!phoneLink || ends === 'controller') return;
    const specs = this.phoneSpecs();
    const freeDns = o.phones ? new FreeSetDns(this.config.sets, specs) : undefined;
    for (const [i, spec] of specs.entries()) {
      if (this.units.has(spec.name)) throw new Error(`two phones are named "${spec.name}"`);
      let link = phoneLink;
      if (i > 0) {
        const kind = o.link.kind;
        if (!isCableKind(kind)) throw new Error('more than one phone needs the mock, frames or pty link (each phone gets its own cable to the controller)');
        const cable = await openCable(kind, linkOptions, this.closers);
        this.controller?.router.attach(cable.controllerLink);
        link = cable.phoneLink;
      }
      if (o.phones) {
        // a fleet's phones are alike: each has a random stream of its own, and a DN no other phone took
        spec.dn ??= freeDns!.take(spec.profile.id);
        this.buildPhone(spec, link, macRandom, phoneRandom.fork(), i === 0 ? this.pcap?.tap : undefined);
      } else {
        // the phone under test keeps the stream it always had (its runs replay as before); each other phone forks one
        this.buildPhone(spec, link, macRandom, i === 0 ? phoneRandom : phoneRandom.fork(), i === 0 ? this.pcap?.tap : undefined);
      }
    }
  }

  /** Every phone to build, the first being the one phone-facing steps act on by default. */
  private phoneSpecs(): ResolvedPhone[] {
    const o = this.options;
    if (o.phones) {
      if (o.phones.length === 0) throw new Error('a world with phones: needs at least one phone');
      const profiles = new Map<string, Profile>([[this.profile.id, this.profile]]);
      return o.phones.map((p, i) => {
        const profile = profiles.get(p.profile) ?? loadProfile(p.profile);
        profiles.set(p.profile, profile);
        const pkms = i === 0 ? { ok: true as const, modules: this.pkms } : checkPkms(profile, p.pkms ?? []);
        if (!pkms.ok) throw new Error(`${p.name}: ${pkms.reason}`);
        return { name: p.name, profile, firmware: p.firmware, dn: p.dn, pkms: pkms.modules, mac: p.mac };
      });
    }
    return [
      { name: MAIN_PHONE, profile: this.profile, firmware: o.phoneFirmware, flashPath: o.flashPath, dn: ownDn(this.config.sets, this.profile.id, o.dn), pkms: this.pkms },
      ...(o.extraPhones ?? []).map((p) => ({ name: p.name, profile: loadProfile(p.profile), firmware: p.firmware, dn: p.dn })),
    ];
  }

  /** Builds, registers and powers on one phone of the world on its link. */
  private buildPhone(spec: ResolvedPhone, link: ByteLink, macRandom: SeededRandom, random: SeededRandom, tap?: FrameTap): PhoneUnit {
    const o = this.options;
    const mac = spec.mac ?? this.freshMac(macRandom);
    if (this.macs.has(mac)) throw new Error(`${spec.name}: MAC ${mac} is another phone's`);
    this.macs.add(mac);
    const { flash, layout } = phoneFlash({
      profile: spec.profile,
      factoryVersion: spec.firmware ? parseFirmwareVersion(spec.firmware, `${spec.name} firmware`) : undefined,
      path: spec.flashPath,
      seed: o.seed,
    });
    if ('close' in flash && typeof flash.close === 'function') this.closers.push(() => (flash as { close(): void }).close());
    const unit = new PhoneUnit(spec.name, flash);
    // the panel (a terminal) shows one phone, the first of the world; a board (the web page) each of them
    const shown = this.units.size === 0 ? o.panel : undefined;
    const board = o.panelFor?.({ name: spec.name, profile: spec.profile, pkms: spec.pkms ?? [], mac });
    unit.phone = new Phone({
      profile: spec.profile,
      mac,
      link,
      clock: this.clock,
      random,
      flash,
      flashLayout: layout,
      trustedKeys: devPhoneKeys().trusted,
      clusterKeys: devPhoneKeys().cluster,
      keyLog: this.keyLog,
      // session keys from the OS, never from the seed: a run replays, its keys do not
      entropy: osEntropy,
      panel: {
        display: (lines) => {
          unit.log.push([...lines]);
          shown?.display(lines);
          board?.display(lines);
        },
        lamp: (k, c, origin) => {
          shown?.lamp(k, c, origin);
          board?.lamp(k, c, origin);
        },
        softkeys: (labels) => {
          shown?.softkeys?.(labels);
          board?.softkeys?.(labels);
        },
        keyLabels: (keys) => {
          shown?.keyLabels?.(keys);
          board?.keyLabels?.(keys);
        },
        masked: (masked) => {
          shown?.masked?.(masked);
          board?.masked?.(masked);
        },
      },
      tracer: this.trace.forNode(`phone:${mac}`),
      tap,
      describeUdp: this.describeUdp,
      dhcpStartDelayMs: o.dhcpStartDelayMs,
      tftpOptions: o.tftpOptions,
      onFault: (err) => this.onPhoneFault(unit, err),
      traceLampToggles: o.traceLamps,
      ...(o.inspect ? { inspect: (e: InspectionEvent) => o.inspect!(spec.name, e) } : {}),
      // the feature access codes the set dials are the controller's (the register-ack carries none)
      accessCodes: this.config.accessCodes,
      // the set's own programming (sets:) and its key modules
      ...(spec.dn !== undefined ? { dn: spec.dn } : {}),
      ...(spec.pkms && spec.pkms.length > 0 ? { pkms: spec.pkms } : {}),
    });
    this.units.set(spec.name, unit);
    this.main ??= unit;
    this.closers.push(() => unit.phone.powerOff());
    unit.phone.powerOn();
    return unit;
  }

  /** A MAC from the seed that no phone of this world has yet (24 random bits collide in big fleets). */
  private freshMac(random: SeededRandom): string {
    for (;;) {
      const mac = phoneMac(random);
      if (!this.macs.has(mac)) return mac;
    }
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

/**
 * The `sets:` DNs no phone of a fleet world names: each phone without a DN of its own takes the first
 * one left of its model, in `sets:` order (a queue per model: a fleet of 10,000 does not rescan the list).
 */
class FreeSetDns {
  private readonly byModel = new Map<string, string[]>();
  private readonly next = new Map<string, number>();

  constructor(sets: ControllerConfig['sets'], phones: readonly { dn?: string }[]) {
    const named = new Set(phones.flatMap((p) => (p.dn === undefined ? [] : [p.dn])));
    for (const set of sets) {
      if (set.dn === undefined || named.has(set.dn)) continue;
      const list = this.byModel.get(set.profile) ?? [];
      list.push(set.dn);
      this.byModel.set(set.profile, list);
    }
  }

  take(model: string): string | undefined {
    const list = this.byModel.get(model);
    const i = this.next.get(model) ?? 0;
    if (!list || i >= list.length) return undefined;
    this.next.set(model, i + 1);
    return list[i];
  }
}

/** A settle for a world without port I/O: a real turn of the event loop once in a while, so timers and
 *  file writes of the process still get their turn during a long virtual run. */
function settleNowAndThen(every = 64): () => Promise<void> {
  let n = 0;
  return () => (++n % every === 0 ? settleIo() : Promise.resolve());
}
