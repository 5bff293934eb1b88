// A datagram network for TFTP tests, in virtual time: one server, any number of clients, and a pipe that
// can drop, duplicate and reorder packets from a seeded generator (a failing seed replays exactly).
import { VirtualClock } from '../../../firmware/clock.ts';
import { SeededRandom } from '../../../firmware/random.ts';
import { decodeTftp } from '../../../firmware/boot/tftp-packet.ts';
import { createActor, type Actor } from 'xstate';
import { tftpClientMachine, type TftpClientInput, type TftpDone, type TftpFailure } from '../../../firmware/boot/tftp-client.ts';
import { TftpServer, type TftpServerConfig } from '../../../sim/controller/tftp/tftp-server.ts';

export const SERVER_IP = '10.0.0.1';

export interface Faults {
  drop?: number;
  duplicate?: number;
  /** Probability that a packet is held back by up to 3 latencies, letting later ones overtake it. */
  reorder?: number;
}

export interface WirePacket {
  t: number;
  from: 'client' | 'server';
  port: number;
  op: string;
  block?: number;
  bytes: number;
}

export type TftpClientActor = Actor<typeof tftpClientMachine>;

/** What the owner of a download may say besides the client's input: the first-block decision, and ears. */
export type DownloadConfig = Partial<Omit<TftpClientInput, 'serverIp' | 'file' | 'seed'>> & {
  /** Sees block 1 before it is stored (sets confirmFirstBlock): 'abort' stops the download. */
  onFirstBlock?(bytes: Uint8Array): 'continue' | 'abort';
  onProgress?(received: number, total?: number): void;
  onDone?(done: TftpDone): void;
  onError?(failure: TftpFailure): void;
};

/** What one client saw: the file as streamed to "flash", and how it ended. */
export interface Download {
  /** The client's actor, created, not started. */
  client: TftpClientActor;
  file: Uint8Array;
  writes: number;
  /** Writes that did not land right after the previous one (streaming must be in order). */
  misplacedWrites: number;
  done?: TftpDone;
  error?: TftpFailure;
  progress: Array<[number, number | undefined]>;
}

export class TftpNet {
  readonly clock = new VirtualClock();
  readonly server: TftpServer;
  readonly wire: WirePacket[] = [];
  private readonly noise: SeededRandom;
  private readonly seeds: SeededRandom;
  private readonly clients = new Map<string, { actor: TftpClientActor; port: number }>();

  constructor(
    files: Record<string, Uint8Array>,
    server: Partial<Omit<TftpServerConfig, 'clock' | 'random' | 'send' | 'lookup'>> = {},
    readonly opts: { seed?: number; faults?: Faults; latencyMs?: number } = {},
  ) {
    this.seeds = new SeededRandom(opts.seed ?? 1);
    this.noise = this.seeds.fork();
    this.server = new TftpServer({
      ports: [20001, 69], // the controller serves both: the phone's first try answers
      ...server,
      clock: this.clock,
      random: this.seeds.fork(),
      lookup: (name) => files[name],
      send: (fromPort, to, bytes) => {
        this.log('server', fromPort, bytes);
        const client = this.clients.get(to.ip);
        if (!client || client.port !== to.port) return;
        // delivered while the client runs: once it has ended, its port is closed
        this.carry(() => client.actor.getSnapshot().status === 'active' && client.actor.send({ type: 'tftp.rx', srcPort: fromPort, bytes }));
      },
    });
  }

  /** A client on its own address, wired to the server; not started. */
  download(file: string, cfg: DownloadConfig = {}, ip = `10.0.1.${this.clients.size + 2}`): Download {
    let sink = new Uint8Array(1024);
    const { onFirstBlock, onProgress, onDone, onError, ...input } = cfg;
    const wired = tftpClientMachine.provide({
      actions: {
        transmit: (_, { dstPort, srcPort, bytes }) => {
          this.log('client', dstPort, bytes);
          this.carry(() => this.server.receive({ ip, port: srcPort }, dstPort, bytes));
        },
      },
    });
    const client = createActor(wired, {
      clock: this.clock,
      input: { ...input, serverIp: SERVER_IP, file, seed: this.seeds.int(0, 0xffffffff), confirmFirstBlock: onFirstBlock !== undefined },
    });
    const d: Download = { client, file: new Uint8Array(0), writes: 0, misplacedWrites: 0, progress: [] };
    client.on('tftp.firstBlock', (e) => client.send(onFirstBlock?.(e.bytes) === 'abort' ? { type: 'tftp.abort' } : { type: 'tftp.accept' }));
    client.on('tftp.data', ({ offset, bytes }) => {
      d.writes++;
      if (offset !== d.file.length) d.misplacedWrites++;
      while (sink.length < offset + bytes.length) {
        const bigger = new Uint8Array(sink.length * 2);
        bigger.set(sink);
        sink = bigger;
      }
      sink.set(bytes, offset);
      d.file = sink.subarray(0, Math.max(d.file.length, offset + bytes.length));
    });
    client.on('tftp.progress', ({ received, total }) => {
      d.progress.push([received, total]);
      onProgress?.(received, total);
    });
    client.on('tftp.done', ({ done }) => {
      d.done = done;
      onDone?.(done);
    });
    client.on('tftp.failed', ({ failure }) => {
      d.error = failure;
      onError?.(failure);
    });
    this.clients.set(ip, { actor: client, port: client.getSnapshot().context.localPort });
    return d;
  }

  /** Runs the clock until nothing is scheduled (every transfer ended) or `limitMs` passed. */
  settle(limitMs = 24 * 3600_000): void {
    const end = this.clock.now() + limitMs;
    for (;;) {
      const next = this.clock.nextAlarm();
      if (next === undefined || next > end) break;
      this.clock.advanceSync(next - this.clock.now());
    }
  }

  count(from: 'client' | 'server', op?: string): number {
    return this.wire.filter((p) => p.from === from && (op === undefined || p.op === op)).length;
  }

  private carry(deliver: () => void): void {
    const f = this.opts.faults ?? {};
    const latency = this.opts.latencyMs ?? 1;
    if (f.drop && this.noise.next() < f.drop) return;
    const copies = f.duplicate && this.noise.next() < f.duplicate ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const held = f.reorder && this.noise.next() < f.reorder ? this.noise.next() * 3 * latency : 0;
      this.clock.setTimeout(deliver, latency + held);
    }
  }

  private log(from: 'client' | 'server', port: number, bytes: Uint8Array): void {
    const d = decodeTftp(bytes);
    const p = d.ok ? d.packet : undefined;
    this.wire.push({
      t: this.clock.now(),
      from,
      port,
      op: p?.op ?? 'garbage',
      block: p && (p.op === 'DATA' || p.op === 'ACK') ? p.block : undefined,
      bytes: bytes.length,
    });
  }
}

/** Bytes that are not all the same, so a misplaced block shows. */
export function pattern(size: number, seed = 7): Uint8Array {
  return new SeededRandom(seed).bytes(size);
}
