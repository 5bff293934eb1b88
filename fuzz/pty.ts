// The process harness: a real `hotdesk controller --port` child on one end of a socat pty pair, the
// fuzzer on the other, writing the same generated frames over the real serial binding. A crash is the
// process exiting; a hang is the process no longer answering a good DHCP DISCOVER or key exchange
// within a few seconds once the line has drained.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { emptyDhcpMessage, encodeDhcpMessage, decodeDhcpMessage, DHCP_CLIENT_PORT, DHCP_SERVER_PORT } from '../firmware/boot/dhcp-message.ts';
import { BROADCAST_MAC } from '../firmware/link/addr.ts';
import { SeededRandom } from '../firmware/random.ts';
import { x25519KeyPair } from '../firmware/signalling/secure/crypto.ts';
import { decodeMessage, encodeMessage, SIGNALLING_PORT } from '../firmware/signalling/messages.ts';
import { ROUTER_IP, ROUTER_MAC } from '../sim/controller/router.ts';
import { makePtyPair } from '../sim/wire/pty.ts';
import { openSerialLink, type SerialLink } from '../sim/wire/serial-link.ts';
import type { Corpus } from './capture.ts';
import { datagramOf, Ring, toHex, toWire, udpFrame, WireReader } from './frames.ts';
import { generate, LAYERS, type FuzzContext } from './generators.ts';
import type { EndStats, Finding } from './harness.ts';

const HOTDESK = fileURLToPath(new URL('../bin/hotdesk.js', import.meta.url));
const BATCH = 100;
const PROBE_EVERY = 1000;
const PROBE_TIMEOUT_MS = 5000;

export interface PtyOptions {
  seed: number;
  frames: number;
  corpus: Corpus;
  onProgress?: (s: EndStats) => void;
}

interface Child {
  proc: ChildProcess;
  exited?: string;
  stderr: string;
}

function startController(port: string): Child {
  const proc = spawn(process.execPath, [HOTDESK, 'controller', '--port', port], { stdio: ['ignore', 'ignore', 'pipe'] });
  const child: Child = { proc, stderr: '' };
  proc.stderr!.setEncoding('utf8');
  proc.stderr!.on('data', (t: string) => {
    child.stderr = (child.stderr + t).slice(-4000);
  });
  proc.once('exit', (code, signal) => {
    child.exited = `the controller process exited (code ${code}, signal ${signal}): ${child.stderr.trim().split('\n').slice(-3).join(' / ')}`;
  });
  return child;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function fuzzPty(o: PtyOptions): Promise<EndStats> {
  const started = performance.now();
  const stats: EndStats = { target: 'controller', frames: 0, bytes: 0, wallMs: 0, crashes: 0, hangs: 0, findings: [], drops: {}, layers: {}, probes: { sent: 0, answered: 0, degraded: 0 }, restarts: 0 };
  for (const l of LAYERS) stats.layers[l] = 0;
  const pair = await makePtyPair();
  let child = startController(pair.b);
  let link: SerialLink | undefined;
  const out = new Ring(64);
  let watch: ((f: Uint8Array) => void) | undefined;
  const reader = new WireReader((f) => {
    out.add(f);
    watch?.(f);
  });
  try {
    link = await openSerialLink(pair.a);
    link.onData((b) => reader.push(b));
    const l = link;
    const ctx: FuzzContext = {
      end: 'controller',
      selfMac: ROUTER_MAC,
      selfIp: () => ROUTER_IP,
      peerMac: o.corpus.phoneMac,
      peerIp: () => '192.168.10.100',
      corpus: o.corpus.fromPhone,
      live: new Ring(1),
      out,
      session: () => undefined,
    };
    const r = new SeededRandom(o.seed ^ 0x505459);
    let probeN = 0;
    const probe = async (): Promise<boolean> => {
      // the line drains first: a backlog is the fuzzer's, not the controller's
      for (let t = 0; t < PROBE_TIMEOUT_MS && l.stats.bytesQueued > 0; t += 5) await sleep(5);
      const mac = '02:66:75:7a:7a:02';
      const xid = 0x0fef0000 + (++probeN & 0xffff);
      const discover = emptyDhcpMessage(1, xid, Uint8Array.from(Buffer.from(mac.replace(/:/g, ''), 'hex')));
      discover.options.push({ code: 53, data: new Uint8Array([1]) });
      const kx = encodeMessage({ type: 'key-exchange', mac, phoneKey: x25519KeyPair(new Uint8Array(32).fill(9)).publicKey, nonce: new Uint8Array(16).fill(2) }, { txid: xid, flags: 1 });
      let answered = false;
      watch = (f) => {
        const d = datagramOf(f);
        if (d?.dstPort === DHCP_CLIENT_PORT) {
          const m = decodeDhcpMessage(d.payload);
          if (m.ok && m.msg.xid === xid) answered = true;
        } else if (d?.dstPort === 40998) {
          const m = decodeMessage(d.payload);
          if (m.ok && m.msg.type === 'key-exchange-ack') answered = true;
        }
      };
      l.write(toWire(udpFrame({ srcMac: mac, dstMac: BROADCAST_MAC, srcIp: '0.0.0.0', dstIp: '255.255.255.255', srcPort: DHCP_CLIENT_PORT, dstPort: DHCP_SERVER_PORT, payload: encodeDhcpMessage(discover) })));
      l.write(toWire(udpFrame({ srcMac: mac, dstMac: ROUTER_MAC, srcIp: '192.168.10.253', dstIp: ROUTER_IP, srcPort: 40998, dstPort: SIGNALLING_PORT, payload: kx })));
      for (let t = 0; t < PROBE_TIMEOUT_MS && !answered && !child.exited; t += 5) await sleep(5);
      watch = undefined;
      return answered;
    };
    // the controller is up when it answers the first probe
    let up = false;
    for (let k = 0; k < 4 && !up && !child.exited; k++) up = await probe();
    if (!up) throw new Error(`the controller process never answered a probe${child.exited ? `: ${child.exited}` : ''}`);
    let batch: string[] = [];
    const finding = (kind: Finding['kind'], index: number, message: string): Finding => ({ kind, target: 'controller', where: 'controller process (pty)', message, seed: o.seed, index, layer: 'batch', frame: batch[batch.length - 1] ?? '', before: batch.slice(0, -1) });
    const restart = async () => {
      child.proc.kill('SIGKILL');
      await sleep(100);
      child = startController(pair.b);
      stats.restarts++;
      for (let k = 0; k < 4 && !child.exited; k++) if (await probe()) break;
    };
    for (let i = 0; i < o.frames; i++) {
      const g = generate(r, ctx);
      stats.layers[g.layer]++;
      stats.bytes += g.wire.length;
      l.write(g.wire);
      batch.push(toHex(g.wire));
      stats.frames++;
      if ((i + 1) % BATCH === 0 || i + 1 === o.frames) {
        for (let t = 0; t < 10_000 && l.stats.bytesQueued > 0; t += 2) await sleep(2);
        await sleep(1);
        if (child.exited) {
          stats.crashes++;
          stats.findings.push(finding('crash', i, child.exited));
          await restart();
        } else if ((i + 1) % PROBE_EVERY === 0 || i + 1 === o.frames) {
          stats.probes.sent++;
          if (await probe()) stats.probes.answered++;
          else if (child.exited) {
            stats.crashes++;
            stats.findings.push(finding('crash', i, child.exited));
            await restart();
          } else {
            stats.hangs++;
            stats.findings.push(finding('hang', i, `no answer to a good DHCP DISCOVER or key exchange within ${PROBE_TIMEOUT_MS} ms`));
            await restart();
          }
          stats.wallMs = performance.now() - started;
          o.onProgress?.(stats);
        }
        batch = [];
      }
    }
  } finally {
    await link?.close().catch(() => {});
    if (!child.exited) {
      child.proc.kill('SIGTERM');
      await new Promise<void>((resolve) => (child.exited ? resolve() : child.proc.once('exit', () => resolve())));
    }
    await pair.close();
  }
  stats.wallMs = performance.now() - started;
  return stats;
}
