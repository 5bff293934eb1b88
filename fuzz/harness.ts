// The in-process harness for one end: a Pair booted and logged in, then `frames` generated frames
// written into the end's receive path, the clock advanced a little after each (so replies and
// their answers flow) and more after each batch (so retransmission timers run). A crash is any
// exception: one escaping the receive path, one escaping a clock task, a handler's throw the end
// caught and traced, a phone fault. A hang is an alarm storm or a failed liveness probe: the phone
// must keep writing (heartbeats), the controller must answer a good DHCP DISCOVER or key exchange.
import { performance } from 'node:perf_hooks';
import { emptyDhcpMessage, encodeDhcpMessage, DHCP_CLIENT_PORT, DHCP_SERVER_PORT, decodeDhcpMessage } from '../firmware/boot/dhcp-message.ts';
import { BROADCAST_MAC } from '../firmware/link/addr.ts';
import { SeededRandom } from '../firmware/random.ts';
import { x25519KeyPair } from '../firmware/signalling/secure/crypto.ts';
import { decodeMessage, encodeMessage, SIGNALLING_PORT } from '../firmware/signalling/messages.ts';
import { HangError } from './clock.ts';
import type { Corpus } from './capture.ts';
import { datagramOf, fromHex, toHex, toWire, udpFrame } from './frames.ts';
import { generate, LAYERS, type End, type FuzzContext, type Layer } from './generators.ts';
import { Pair } from './pair.ts';

export interface HarnessOptions {
  target: End;
  seed: number;
  frames: number;
  corpus: Corpus;
  /** Frames per batch (the clock runs 1 s after each). */
  batch?: number;
  /** Frames between liveness probes. */
  probeEvery?: number;
  /** Only this layer (tests, triage). */
  layer?: Layer;
  /** Test hook: a deliberately broken controller DHCP handler, throwing when this holds. */
  breakDhcp?: (payload: Uint8Array) => boolean;
  onProgress?: (s: EndStats) => void;
}

export interface Finding {
  kind: 'crash' | 'hang';
  /** The end under fuzz in this run. */
  target: End;
  /** Where the exception surfaced: `phone`, `controller`, or `receive path` / `clock task`. */
  where: string;
  message: string;
  seed: number;
  index: number;
  layer: Layer | 'batch' | 'probe';
  /** The frame's wire bytes (SLIP + FCS), hex. */
  frame: string;
  /** Frames fed just before it, in order (batch findings: the whole batch), hex. */
  before?: string[];
}

export interface EndStats {
  target: End;
  frames: number;
  bytes: number;
  wallMs: number;
  crashes: number;
  hangs: number;
  findings: Finding[];
  /** Drops at the end under fuzz, by reason, as the end traced and counted them (link, signalling, secure layer, servers). */
  drops: Record<string, number>;
  /** Controller: what its DHCP server made of each DHCP datagram (offer, ack, nak, ignored: why). */
  dhcp?: Record<string, number>;
  layers: Record<string, number>;
  probes: { sent: number; answered: number; degraded: number };
  /** Phone restarts (watchdog after a fault) and Pair rebuilds (after a hang). */
  restarts: number;
}

const DEFAULT_BATCH = 200;
const DEFAULT_PROBE_EVERY = 2000;
/** Findings kept in full (the counters keep counting past it). */
const MAX_FINDINGS = 500;

/** A Pair for one end under fuzz, with its counting hooks. */
export class EndRig {
  pair!: Pair;
  private taskErrors: string[] = [];
  private faultsSeen = 0;
  readonly dhcpOutcomes = new Map<string, number>();
  private probeMac = '02:66:75:7a:7a:01';

  private constructor(private readonly o: Pick<HarnessOptions, 'target' | 'seed' | 'corpus' | 'breakDhcp'>) {}

  static async open(o: Pick<HarnessOptions, 'target' | 'seed' | 'corpus' | 'breakDhcp'>): Promise<EndRig> {
    const rig = new EndRig(o);
    await rig.build();
    return rig;
  }

  async build(): Promise<void> {
    this.pair?.close();
    this.pair = new Pair({ seed: this.o.seed, corpus: this.o.corpus });
    this.pair.clock.onTaskError = (err) => this.taskErrors.push(describe(err));
    this.faultsSeen = 0;
    const c = this.pair.controller;
    const receive = c.dhcp.receive.bind(c.dhcp);
    c.dhcp.receive = (datagram, arrival) => {
      if (this.o.breakDhcp?.(datagram)) throw new Error('injected: the deliberately broken DHCP handler');
      const out = receive(datagram, arrival);
      const key = out.action === 'ignored' ? `dhcp ignored: ${normalize(out.reason)}` : `dhcp ${out.action}`;
      this.dhcpOutcomes.set(key, (this.dhcpOutcomes.get(key) ?? 0) + 1);
      return out;
    };
    await this.pair.start();
    this.take(); // boot and login are not the fuzzer's
  }

  get target(): End {
    return this.o.target;
  }

  context(): FuzzContext {
    const p = this.pair;
    const toPhone = this.o.target === 'phone';
    return {
      end: this.o.target,
      selfMac: toPhone ? this.o.corpus.phoneMac : Pair.ROUTER.mac,
      selfIp: toPhone ? () => p.phoneIp : () => Pair.ROUTER.ip,
      peerMac: toPhone ? Pair.ROUTER.mac : this.o.corpus.phoneMac,
      peerIp: toPhone ? () => Pair.ROUTER.ip : () => p.phoneIp,
      corpus: toPhone ? this.o.corpus.fromController : this.o.corpus.fromPhone,
      live: toPhone ? p.fromController : p.fromPhone,
      out: toPhone ? p.fromPhone : p.fromController,
      session: () => p.session(this.o.target),
    };
  }

  /** Errors (bugs) seen since the last call, each with where it surfaced. */
  take(): { where: string; message: string }[] {
    const out: { where: string; message: string }[] = [];
    for (const m of this.taskErrors.splice(0)) out.push({ where: 'clock task', message: m });
    for (const m of this.pair.phoneTracer.take()) out.push({ where: 'phone', message: m });
    for (const m of this.pair.controllerTracer.take()) out.push({ where: 'controller', message: m });
    const faults = this.pair.faults;
    for (; this.faultsSeen < faults.length; this.faultsSeen++) out.push({ where: 'phone', message: `fault: ${describe(faults[this.faultsSeen])}` });
    return out;
  }

  /** Feeds one frame's bytes in up to three chunks (a UART splits as it likes), then lets 2 ms run. */
  async feed(wire: Uint8Array, r?: SeededRandom): Promise<{ where: string; message: string }[]> {
    const errors: { where: string; message: string }[] = [];
    const p = this.pair;
    p.clock.arm();
    try {
      if (r && wire.length > 2 && r.next() < 0.3) {
        const cut = r.int(1, wire.length - 1);
        p.inject(this.o.target, wire.subarray(0, cut));
        p.inject(this.o.target, wire.subarray(cut));
      } else p.inject(this.o.target, wire);
    } catch (err) {
      errors.push({ where: 'receive path', message: `escaped the receive path: ${describe(err)}` });
    }
    errors.push(...(await this.advance(2)));
    errors.push(...this.take());
    return errors;
  }

  /** Advances the clock; an alarm storm comes back as a hang. */
  async advance(ms: number): Promise<{ where: string; message: string }[]> {
    try {
      await this.pair.clock.advance(ms);
      return [];
    } catch (err) {
      if (err instanceof HangError) return [{ where: 'hang', message: err.message }];
      return [{ where: 'clock', message: `escaped the clock: ${describe(err)}` }];
    }
  }

  /** Is the end alive? `degraded`: answered only part of the probe. */
  async probe(): Promise<{ ok: boolean; degraded: boolean; message: string; errors: { where: string; message: string }[] }> {
    const p = this.pair;
    const errors: { where: string; message: string }[] = [];
    if (this.o.target === 'phone') {
      const before = p.phoneWire.written;
      p.clock.arm();
      for (let t = 0; t < 90_000 && p.phoneWire.written === before; t += 1000) errors.push(...(await this.advance(1000)));
      errors.push(...this.take());
      const ok = p.phoneWire.written > before;
      return { ok, degraded: false, message: ok ? 'ok' : `the phone wrote nothing for 90 s (state ${p.phone.state || 'off'})`, errors };
    }
    // the controller: a good DISCOVER from a probe MAC, and a good key exchange from a probe address
    const mac = Uint8Array.from(Buffer.from(this.probeMac.replace(/:/g, ''), 'hex'));
    const xid = 0x0fee0000 + (p.clock.now() & 0xffff);
    const discover = emptyDhcpMessage(1, xid, mac);
    discover.options.push({ code: 53, data: new Uint8Array([1]) });
    const kxPort = 40999;
    const pair = x25519KeyPair(new Uint8Array(32).fill(7));
    const kx = encodeMessage({ type: 'key-exchange', mac: this.probeMac, phoneKey: pair.publicKey, nonce: new Uint8Array(16).fill(1) }, { txid: xid, flags: 1 });
    let dhcp = false;
    let signalling = false;
    p.controllerTap = (f) => {
      const d = datagramOf(f);
      if (!d) return;
      if (d.dstPort === DHCP_CLIENT_PORT) {
        const m = decodeDhcpMessage(d.payload);
        if (m.ok && m.msg.xid === xid) dhcp = true;
      } else if (d.dstPort === kxPort) {
        const m = decodeMessage(d.payload);
        if (m.ok && m.msg.type === 'key-exchange-ack' && m.msg.result === 'ok') signalling = true;
      }
    };
    try {
      p.clock.arm();
      p.inject('controller', toWire(udpFrame({ srcMac: this.probeMac, dstMac: BROADCAST_MAC, srcIp: '0.0.0.0', dstIp: '255.255.255.255', srcPort: DHCP_CLIENT_PORT, dstPort: DHCP_SERVER_PORT, payload: encodeDhcpMessage(discover) })));
      p.inject('controller', toWire(udpFrame({ srcMac: this.probeMac, dstMac: Pair.ROUTER.mac, srcIp: '192.168.10.254', dstIp: Pair.ROUTER.ip, srcPort: kxPort, dstPort: SIGNALLING_PORT, payload: kx })));
    } catch (err) {
      errors.push({ where: 'receive path', message: `probe escaped the receive path: ${describe(err)}` });
    }
    for (let t = 0; t < 500 && !(dhcp && signalling); t += 10) errors.push(...(await this.advance(10)));
    p.controllerTap = undefined;
    errors.push(...this.take());
    const ok = dhcp || signalling;
    const message = dhcp && signalling ? 'ok' : !ok ? 'the controller answered neither a good DHCP DISCOVER nor a key exchange' : dhcp ? 'no key-exchange-ack' : 'no DHCP OFFER';
    return { ok, degraded: ok && !(dhcp && signalling), message, errors };
  }

  /** Drops at the end under fuzz, by reason. */
  drops(): Record<string, number> {
    const p = this.pair;
    const out: Record<string, number> = {};
    const add = (k: string, n: number) => {
      if (n > 0) out[k] = (out[k] ?? 0) + n;
    };
    const tracer = this.o.target === 'phone' ? p.phoneTracer : p.controllerTracer;
    for (const [k, n] of tracer.drops) add(k, n);
    if (this.o.target === 'controller') {
      const t = p.controller.tftp.stats;
      add('tftp refused', t.refused);
      add('tftp failed', t.failed);
    }
    return out;
  }

  close(): void {
    this.pair.close();
  }
}

/** Runs the harness for one end. */
export async function fuzzEnd(o: HarnessOptions): Promise<EndStats> {
  const batch = o.batch ?? DEFAULT_BATCH;
  const probeEvery = o.probeEvery ?? DEFAULT_PROBE_EVERY;
  // one stream for the frames, independent of the Pair's own (seeded from the same seed)
  const r = new SeededRandom(o.seed ^ (o.target === 'phone' ? 0x5048 : 0x4354));
  const started = performance.now();
  const rig = await EndRig.open(o);
  const stats: EndStats = { target: o.target, frames: 0, bytes: 0, wallMs: 0, crashes: 0, hangs: 0, findings: [], drops: {}, layers: {}, probes: { sent: 0, answered: 0, degraded: 0 }, restarts: 0 };
  for (const l of LAYERS) stats.layers[l] = 0;
  const bankedDrops: Record<string, number> = {};
  let ctx = rig.context();
  let recent: string[] = [];
  const rebuild = async () => {
    for (const [k, n] of Object.entries(rig.drops())) bankedDrops[k] = (bankedDrops[k] ?? 0) + n;
    stats.restarts += rig.pair.faults.length;
    await rig.build();
    ctx = rig.context();
  };
  const report = (kind: 'crash' | 'hang', index: number, layer: Finding['layer'], frame: string, errs: { where: string; message: string }[], before?: string[]) => {
    if (kind === 'crash') stats.crashes++;
    else stats.hangs++;
    if (stats.findings.length >= MAX_FINDINGS) return;
    const seen = new Set<string>();
    const unique = errs.filter((e) => !seen.has(e.message) && seen.add(e.message));
    stats.findings.push({ kind, target: o.target, where: unique.map((e) => e.where).join(', '), message: unique.map((e) => e.message).join(' | '), seed: o.seed, index, layer, frame, before });
  };
  for (let i = 0; i < o.frames; i++) {
    const g = generate(r, ctx, o.layer);
    stats.layers[g.layer]++;
    stats.bytes += g.wire.length;
    const errs = await rig.feed(g.wire, r);
    const hex = toHex(g.wire);
    recent.push(hex);
    if (errs.length > 0) {
      const hang = errs.some((e) => e.where === 'hang');
      report(hang ? 'hang' : 'crash', i, g.layer, hex, errs);
      if (hang) await rebuild();
    }
    // the forged sequence numbers of `session` frames move on
    const s = ctx.session();
    if (s) rig.pair.noteSeq(s);
    stats.frames++;
    if ((i + 1) % batch === 0 || i + 1 === o.frames) {
      rig.pair.clock.arm();
      const late = [...(await rig.advance(1000)), ...rig.take()];
      if (late.length > 0) {
        const hang = late.some((e) => e.where === 'hang');
        report(hang ? 'hang' : 'crash', i, 'batch', hex, late, recent.slice(0, -1));
        if (hang) await rebuild();
      }
      recent = [];
    }
    if ((i + 1) % probeEvery === 0 || i + 1 === o.frames) {
      stats.probes.sent++;
      const pr = await rig.probe();
      if (pr.errors.length > 0) report(pr.errors.some((e) => e.where === 'hang') ? 'hang' : 'crash', i, 'probe', hex, pr.errors);
      if (pr.ok) stats.probes.answered++;
      else {
        report('hang', i, 'probe', hex, [{ where: o.target, message: `probe: ${pr.message}` }]);
        await rebuild();
      }
      if (pr.degraded) stats.probes.degraded++;
      stats.wallMs = performance.now() - started;
      o.onProgress?.(stats);
    }
  }
  stats.restarts += rig.pair.faults.length;
  for (const [k, n] of Object.entries(rig.drops())) bankedDrops[k] = (bankedDrops[k] ?? 0) + n;
  if (o.target === 'controller') stats.dhcp = sortCounts(Object.fromEntries(rig.dhcpOutcomes));
  stats.drops = Object.fromEntries(Object.entries(bankedDrops).sort((a, b) => b[1] - a[1]));
  rig.close();
  stats.wallMs = performance.now() - started;
  return stats;
}

export interface ReplayResult {
  reproduced: boolean;
  errors: { where: string; message: string }[];
}

/** Replays one finding on a fresh Pair (booted and logged in as the run's was): the frames before it, then it. */
export async function replayFinding(f: Pick<Finding, 'target' | 'seed' | 'frame' | 'before'>, corpus: Corpus, hooks: Pick<HarnessOptions, 'breakDhcp'> = {}): Promise<ReplayResult> {
  const rig = await EndRig.open({ target: f.target, seed: f.seed, corpus, breakDhcp: hooks.breakDhcp });
  try {
    const errors: { where: string; message: string }[] = [];
    for (const b of f.before ?? []) errors.push(...(await rig.feed(fromHex(b))));
    errors.push(...(await rig.feed(fromHex(f.frame))));
    rig.pair.clock.arm();
    errors.push(...(await rig.advance(1000)), ...rig.take());
    return { reproduced: errors.length > 0, errors };
  } finally {
    rig.close();
  }
}

function sortCounts(c: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(c).sort((a, b) => b[1] - a[1]));
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    // where it was thrown: the first frame in the firmware or the simulator
    const at = err.stack?.split('\n').find((l) => /\/(firmware|sim)\//.test(l))?.match(/\/((firmware|sim)\/[^):]+:\d+:\d+)/)?.[1];
    return `${err.name}: ${err.message}${at ? ` (${at})` : ''}`;
  }
  return String(err);
}

function normalize(reason: string): string {
  return reason.replace(/0x[0-9a-f]+/gi, '0x..').replace(/\d+(\.\d+){3}/g, 'A.B.C.D').replace(/([0-9a-f]{2}:){5}[0-9a-f]{2}/g, 'MAC').replace(/\b\d+\b/g, 'N');
}
