// The in-process rig: a real phone and a real controller on a byte link the harness holds both ends
// of, on a FuzzClock. The harness writes fuzzed bytes straight into one end's receive path (its
// ByteLink's receiver, so the NetStack sees them exactly as bytes off the wire), between the frames
// of the real conversation, and watches what each end writes.
import type { ByteLink } from '../firmware/hal.ts';
import { Phone } from '../firmware/phone.ts';
import { SeededRandom } from '../firmware/random.ts';
import type { Direction } from '../firmware/signalling/secure/crypto.ts';
import { isSealed, parseSealed } from '../firmware/signalling/secure/sealed.ts';
import { Controller } from '../sim/controller/controller.ts';
import { devClusterTrustedKey, devTrustedKey } from '../sim/controller/dev-keys/index.ts';
import { ROUTER_IP, ROUTER_MAC } from '../sim/controller/router.ts';
import { phoneFlash } from '../sim/phone-setup.ts';
import { loadProfile } from '../sim/profiles.ts';
import { ownDn } from '../sim/set-programming.ts';
import { FuzzClock } from './clock.ts';
import { datagramOf, Ring, WireReader } from './frames.ts';
import { fuzzConfig, type Corpus } from './capture.ts';
import type { End, PeerSession } from './generators.ts';
import { CountingTracer } from './tracer.ts';

/** Wire latency each way (virtual ms). */
const LATENCY_MS = 1;

class Wire implements ByteLink {
  receiver?: (bytes: Uint8Array) => void;
  /** Bytes this end wrote. */
  written = 0;

  constructor(private readonly send: (bytes: Uint8Array) => void) {}

  write(bytes: Uint8Array): void {
    this.written += bytes.length;
    this.send(bytes.slice());
  }

  onData(receiver: (bytes: Uint8Array) => void): void {
    this.receiver = receiver;
  }
}

export interface PairOptions {
  seed: number;
  corpus: Corpus;
  /** Log a user in once the phone is in service (default true). */
  login?: boolean;
}

export class Pair {
  readonly clock = new FuzzClock();
  readonly phoneTracer = new CountingTracer();
  readonly controllerTracer = new CountingTracer();
  readonly phone: Phone;
  readonly controller: Controller;
  readonly phoneWire: Wire;
  readonly controllerWire: Wire;
  /** Frames each end wrote, most recent last (bounded). */
  readonly fromPhone = new Ring(64);
  readonly fromController = new Ring(64);
  /** Phone faults (the onFault handler: a watchdog restart follows, as in a World). */
  faults: unknown[] = [];
  /** Sessions by id, from both ends' key logs. */
  private readonly keys = new Map<string, { up: Uint8Array; down: Uint8Array }>();
  /** The highest sealed sequence number seen per session and direction. */
  private readonly seqs = new Map<string, bigint>();
  /** Sees every frame the controller writes (the probes). */
  controllerTap?: (frame: Uint8Array) => void;

  constructor(private readonly o: PairOptions) {
    const random = new SeededRandom(o.seed);
    const config = fuzzConfig();
    const keyLog = (line: string) => {
      const [, id, up, down] = line.split(' ');
      this.keys.set(id, { up: Buffer.from(up, 'hex'), down: Buffer.from(down, 'hex') });
    };
    const phoneReader = new WireReader((f) => this.note(f, this.fromPhone, 'up'));
    const controllerReader = new WireReader((f) => {
      this.note(f, this.fromController, 'down');
      this.controllerTap?.(f);
    });
    this.phoneWire = new Wire((b) => {
      phoneReader.push(b);
      this.clock.setTimeout(() => this.controllerWire.receiver?.(b), LATENCY_MS);
    });
    this.controllerWire = new Wire((b) => {
      controllerReader.push(b);
      this.clock.setTimeout(() => this.phoneWire.receiver?.(b), LATENCY_MS);
    });
    // a fuzz run replays from its seed, session keys included (a lab: nothing here is secret)
    const keys = random.fork();
    this.controller = new Controller({ link: this.controllerWire, clock: this.clock, random: random.fork(), config, tracer: this.controllerTracer, keyLog, entropy: (n) => keys.bytes(n) });
    const profile = loadProfile('5340');
    const { flash, layout } = phoneFlash({ profile, seed: o.seed });
    this.phone = new Phone({
      profile,
      mac: o.corpus.phoneMac,
      link: this.phoneWire,
      clock: this.clock,
      random: random.fork(),
      flash,
      flashLayout: layout,
      trustedKeys: [devTrustedKey()],
      clusterKeys: [devClusterTrustedKey()],
      keyLog,
      panel: { display() {}, lamp() {} },
      tracer: this.phoneTracer,
      dhcpStartDelayMs: { min: 0, max: 0 },
      onFault: (err) => {
        this.faults.push(err);
        this.phone.powerOff();
        this.clock.setTimeout(() => this.phone.powerOn(), 1000);
      },
      accessCodes: config.accessCodes,
      dn: ownDn(config.sets, profile.id),
    });
  }

  private note(frame: Uint8Array, ring: Ring, direction: Direction): void {
    ring.add(frame);
    const d = datagramOf(frame);
    if (!d || !isSealed(d.payload)) return;
    const p = parseSealed(d.payload);
    if (!p.ok) return;
    const k = `${Buffer.from(p.header.sessionId).toString('hex')} ${direction}`;
    if ((this.seqs.get(k) ?? -1n) < p.header.seq) this.seqs.set(k, p.header.seq);
  }

  /** Boots the phone (and logs a user in); throws when it does not get there. */
  async start(): Promise<void> {
    this.phone.powerOn();
    const shows = (t: string) => this.phone.screen.lines.some((l) => l.includes(t));
    await this.run(60_000, () => shows('No User Logged In'));
    if (!shows('No User Logged In')) throw new Error(`fuzz: the phone did not come into service (${this.phone.state})`);
    if (this.o.login === false) return;
    for (const k of ['hotdesk', 'login', '5', '1', '2', '3', 'ok', '1', '2', '3', '4', 'ok']) {
      this.phone.press(k);
      await this.clock.advance(100);
    }
    await this.run(10_000, () => shows('Alice Smith'));
    if (!shows('Alice Smith')) throw new Error('fuzz: the login did not complete');
  }

  /** Advances the clock in steps until `until` holds or `ms` pass. */
  async run(ms: number, until: () => boolean, step = 100): Promise<void> {
    for (let t = 0; t < ms && !until(); t += step) await this.clock.advance(step);
  }

  get phoneIp(): string {
    return this.phone.stack?.ip ?? '0.0.0.0';
  }

  /** The newest live session, as the fuzzed end's peer speaks in it. */
  session(target: End): PeerSession | undefined {
    const direction: Direction = target === 'controller' ? 'up' : 'down';
    const last = [...this.keys.entries()].pop();
    if (!last) return undefined;
    const [idHex, keys] = last;
    const k = `${idHex} ${direction}`;
    return { id: Buffer.from(idHex, 'hex'), key: direction === 'up' ? keys.up : keys.down, direction, seq: this.seqs.get(k) ?? 0n };
  }

  /** Remembers the sequence number a forged datagram used. */
  noteSeq(s: PeerSession): void {
    const k = `${Buffer.from(s.id).toString('hex')} ${s.direction}`;
    if ((this.seqs.get(k) ?? -1n) < s.seq) this.seqs.set(k, s.seq);
  }

  /** Feeds bytes into one end's receive path, as the wire would. */
  inject(target: End, bytes: Uint8Array): void {
    const wire = target === 'phone' ? this.phoneWire : this.controllerWire;
    wire.receiver?.(bytes);
  }

  static readonly ROUTER = { mac: ROUTER_MAC, ip: ROUTER_IP };

  close(): void {
    this.phone.powerOff();
    this.controller.close();
  }
}
