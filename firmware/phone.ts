// The phone as a device: power, the bootloader, a network stack per boot, the root machine, and the
// fault handler. Everything from the world arrives through the HAL (link, clock, flash, panel, tracer).
import { createActor, type ActorRefFrom, type InspectionEvent } from 'xstate';
import { Bootloader } from './boot/bootloader.ts';
import type { FlashLayout } from './boot/flash-layout.ts';
import type { TrustedKey } from './boot/image-keys.ts';
import type { TftpClientOptions } from './boot/tftp-client.ts';
import { Screen } from './display/screen.ts';
import { LampBank, showLampsOn, traceLamps } from './keys/lamps.ts';
import type { ByteLink, Clock, Flash, FrameTap, Panel, Random, Tracer } from './hal.ts';
import { LinkSwitch } from './link/link-switch.ts';
import { NetStack, type DescribeUdp } from './link/stack.ts';
import { bindBoard, boardMachine } from './board.ts';
import { PublishedView, type HotdeskView } from './hotdesk/view.ts';
import type { SetAccessCodes } from './acd/agent-codes.ts';
import type { Profile } from './profile.ts';
import { after } from './clock-interface.ts';
import { DHCP_CLIENT_PORT } from './boot/dhcp-message.ts';
import { SYSTEM } from './service/events.ts';

export interface PhoneOptions {
  profile: Profile;
  mac: string;
  link: ByteLink;
  clock: Clock;
  random: Random;
  flash: Flash;
  flashLayout: FlashLayout;
  trustedKeys: readonly TrustedKey[];
  /** The cluster keys it trusts to sign a controller's half of the signalling key exchange. */
  clusterKeys: readonly TrustedKey[];
  /** Where signalling session keys are written (HOTDESK_KEYLOG), as SSLKEYLOGFILE does for TLS. */
  keyLog?: (line: string) => void;
  /** Entropy for the signalling session keys: a real source, never the seed (see SecureEndpoint). */
  entropy?: (n: number) => Uint8Array;
  panel: Panel;
  tracer: Tracer;
  tap?: FrameTap;
  describeUdp?: DescribeUdp;
  dhcpStartDelayMs?: { min: number; max: number };
  tftpOptions?: TftpClientOptions;
  tftpPorts?: readonly number[];
  /** A fault the firmware can't handle (a flash that lost power, a bug): the world decides what follows. */
  onFault?: (error: unknown) => void;
  /** `--trace-lamps`: every lamp toggle in the trace, not only cadence changes. */
  traceLampToggles?: boolean;
  /** Pause between a reboot request and the next power-on, as the hardware takes to restart. */
  rebootMs?: number;
  /** The set's own DN (its programming on the controller); none for a userless hot desk set. */
  dn?: string;
  /** Key modules attached, in order (pkm1, pkm2, ...): their profiles, already checked against `profile.pkm`. */
  pkms?: readonly Profile[];
  /** Feature access codes the set dials (the register-ack carries none). */
  accessCodes?: Partial<SetAccessCodes>;
  /** XState's inspection events of the phone's actor tree, every boot (createActor's `inspect`). */
  inspect?: (event: InspectionEvent) => void;
}

type PhoneActor = ActorRefFrom<typeof boardMachine>;

export class Phone {
  readonly screen: Screen;
  readonly bootloader: Bootloader;
  /** Every lamp of the set and its key modules, keyed `key:N` / `pkmM:N`. */
  readonly lamps: LampBank;
  stack?: NetStack;
  boots = 0;
  private actor?: PhoneActor;
  private readonly link: LinkSwitch;
  private rebootTimer: number | undefined;
  private powered = false;
  private lastState = '';
  /** What the in-service owners published last: user, keys, softkeys, controller. */
  private readonly published = new PublishedView();

  constructor(private readonly o: PhoneOptions) {
    this.link = new LinkSwitch(o.link, (err) => this.fault(err));
    this.screen = new Screen(o.profile.display, o.panel, o.tracer);
    this.lamps = new LampBank(o.clock, o.profile.cadences);
    showLampsOn(this.lamps, o.panel);
    traceLamps(this.lamps, o.tracer, { toggles: o.traceLampToggles });
    this.bootloader = new Bootloader({
      flash: o.flash,
      layout: o.flashLayout,
      trustedKeys: o.trustedKeys,
      family: o.profile.firmware?.family,
      tracer: o.tracer,
    });
  }

  get on(): boolean {
    return this.powered;
  }

  /** The root machine's state, e.g. `network.firmware.upgrading`. */
  get state(): string {
    return this.lastState;
  }

  powerOn(): void {
    if (this.powered) return;
    this.powered = true;
    this.guard(() => this.start());
  }

  /** Pulls the plug: timers and the network stack stop where they are; flash keeps what was written. */
  powerOff(): void {
    if (!this.powered) return;
    this.powered = false;
    this.o.clock.clearTimeout(this.rebootTimer);
    this.actor?.stop();
    this.actor = undefined;
    this.stack?.close();
    this.link.detach();
    this.o.tracer.record({ kind: 'state', machine: 'phone', value: 'off' });
    this.lastState = 'off';
  }

  private start(): void {
    this.boots++;
    this.lamps.reset(); // a booting set lights nothing
    this.published.reset();
    const booted = this.bootloader.boot();
    if (!booted.ok) {
      this.screen.show('No valid firmware', 'Service required');
      this.o.tracer.record({ kind: 'error', message: `bootloader: ${booted.message}` });
      return;
    }
    const stack = new NetStack({
      mac: this.o.mac,
      link: this.link.fresh(),
      clock: this.o.clock,
      tracer: this.o.tracer,
      tap: this.o.tap,
      describeUdp: this.o.describeUdp,
      // a handler's throw (the flash losing power mid-download) is a device fault, not a stray exception
      onHandlerError: (err) => this.fault(err),
    });
    this.stack = stack;
    const hardware = {
      stack,
      screen: this.screen,
      panel: this.o.panel,
      lamps: this.lamps,
      bootloader: this.bootloader,
      clock: this.o.clock,
      random: this.o.random,
      tracer: this.o.tracer,
      published: this.published,
      clusterKeys: this.o.clusterKeys,
      keyLog: this.o.keyLog,
      entropy: this.o.entropy,
      inspect: this.o.inspect,
    };
    const actor = createActor(boardMachine, {
      clock: this.o.clock,
      inspect: this.o.inspect,
      input: {
        profile: this.o.profile,
        mac: this.o.mac,
        running: booted.header.version,
        firmwareFile: this.o.profile.firmware?.file ?? `${this.o.profile.id}.bin`,
        dn: this.o.dn,
        pkmKeys: (this.o.pkms ?? []).map((p) => p.programmableKeys),
        // the first wait is drawn here, from the phone's own stream, as the first thing each boot does
        dhcpFirstDelayMs: firstDhcpWait(this.o.random, this.o.dhcpStartDelayMs ?? DHCP_INIT_WAIT_MS),
        dhcpSeed: this.o.random.int(0, 0xffffffff),
        dhcpStartDelayMs: this.o.dhcpStartDelayMs,
        tftpOptions: this.o.tftpOptions,
        tftpPorts: this.o.tftpPorts,
        accessCodes: this.o.accessCodes,
      },
    });
    bindBoard(actor.system, hardware);
    this.actor = actor;
    // DHCP's datagrams go straight to the client of this stay on the network, the root's `dhcp` child (none
    // between stays: dropped). The board reads its own root's children here, no machine does
    // (docs/design.md "What tests and tools read")
    stack.bind(DHCP_CLIENT_PORT, (d) => actor.getSnapshot().children.dhcp?.send({ type: 'dhcp.rx', msg: d.payload }));
    actor.subscribe({
      next: (snapshot) => {
        const value = stateName(snapshot.value);
        if (value !== this.lastState) {
          this.lastState = value;
          this.o.tracer.record({ kind: 'state', machine: 'phone', value });
        }
        if (snapshot.status === 'done') this.scheduleReboot();
      },
      error: (err) => this.fault(err),
    });
    actor.start();
    // The mock cable and a serial port have carrier as soon as they exist.
    actor.send({ type: 'link.up' });
  }

  /**
   * A key, by its contract name, straight to its owner: the display, which hands it to the owner of the
   * layer that takes it and traces it (`masked` while it goes to a PIN entry, never the digit). The
   * display lives as long as the phone is on, so no machine needs to relay keys to it.
   */
  press(key: string): void {
    const display = this.actor?.system.get(SYSTEM.display);
    if (!display) return; // off, or between boots: a key does nothing
    this.guard(() => display.send({ type: 'key', key }));
  }

  /** What the hot desk side shows: user, keys, softkeys, controller (undefined until in service). */
  get hotdesk(): HotdeskView | undefined {
    return this.actor ? this.published.view : undefined;
  }

  private scheduleReboot(): void {
    this.actor = undefined;
    this.stack?.close();
    this.rebootTimer = after(this.o.clock, this.o.rebootMs ?? 2000, () => {
      if (!this.powered) return;
      this.guard(() => this.start());
    });
  }

  /** Runs firmware work; anything thrown out of it is a fault, handled once, never an unhandled crash. */
  private guard(work: () => void): void {
    try {
      work();
    } catch (err) {
      this.fault(err);
    }
  }

  private fault(err: unknown): void {
    this.o.tracer.record({ kind: 'error', message: `fault: ${err instanceof Error ? err.message : String(err)}` });
    if (this.o.onFault) this.o.onFault(err);
    else this.powerOff();
  }
}

/** RFC 2131 4.4.1: a client waits 1 to 10 s before its first DISCOVER. */
const DHCP_INIT_WAIT_MS = { min: 1_000, max: 10_000 };

function firstDhcpWait(random: Random, range: { min: number; max: number }): number {
  return random.int(Math.max(0, range.min), Math.max(0, range.min, range.max));
}

/** `{ network: { firmware: 'upgrading' } }` -> `network.firmware.upgrading`. */
export function stateName(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const [k, v] = Object.entries(value)[0] ?? [];
    return k === undefined ? '' : `${k}.${stateName(v)}`;
  }
  return String(value);
}
