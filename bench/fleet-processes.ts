// The fleet benchmark's processes: each slice of a fleet runs in a child process of its own
// (fleet-worker.ts), so a fleet uses every core the machine gives it. The parent asks every slice for the
// same phase at once and waits for all of them: a phase's wall time is the slowest slice's, as a person
// watching the whole fleet would see it.
//
// Why processes and not worker threads: the garbage collector. In one process every isolate's collector
// sends its parallel and concurrent work to helper threads, and with every core busy with a slice those
// helpers only take time from the other slice. A process of its own can be started with
// `--single-threaded-gc` (a V8 flag is the process's, fixed at its start: a worker cannot have its own,
// and setting it later crashes V8). Measured side by side, 10,000 phones in 2 slices: 25.7 and 26.0 s as
// processes with the flag, 27.5 and 27.0 s as worker threads, runs taken in turn.
import { fork, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import type { MemoryResult, PhaseResult, SliceSpec } from './fleet-rig.ts';

export type SliceRequest =
  | { kind: 'ping' }
  | { kind: 'build'; spec: SliceSpec }
  | { kind: 'register' }
  | { kind: 'login' }
  | { kind: 'idle'; ms: number }
  | { kind: 'memory' }
  | { kind: 'close' };

export type SliceReply =
  | { kind: 'phase'; phase: PhaseResult; heartbeats?: number }
  | { kind: 'memory'; memory: MemoryResult; base: { heapUsed: number; external: number } }
  | { kind: 'closed' }
  | { kind: 'pong' }
  | { kind: 'error'; message: string };

/** The V8 flags of a slice's process: its collector on its own thread, and a young generation big enough
 * for a slice's churn (fewer objects promoted, fewer full collections). */
export const SLICE_NODE_FLAGS = ['--single-threaded-gc', '--max-semi-space-size=21', '--max-old-space-size=8192'];

/** A child process running TypeScript: bin/ts-register.js is loaded before the worker module. */
function tsProcess(url: URL): ChildProcess {
  const hooks = new URL('../bin/ts-register.js', import.meta.url).href;
  return fork(url, [], { execArgv: ['--import', hooks, ...SLICE_NODE_FLAGS], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

class SliceProcess {
  private readonly child = tsProcess(new URL('./fleet-worker.ts', import.meta.url));
  private waiting: { resolve: (r: SliceReply) => void; reject: (e: Error) => void } | undefined;
  private readonly exited: Promise<void>;

  constructor() {
    this.child.on('message', (reply: SliceReply) => {
      const w = this.waiting;
      this.waiting = undefined;
      if (reply.kind === 'error') w?.reject(new Error(`fleet slice: ${reply.message}`));
      else w?.resolve(reply);
    });
    this.exited = new Promise((resolve) => {
      this.child.on('error', (err) => {
        this.waiting?.reject(err);
        this.waiting = undefined;
        // a process that never started has no exit to wait for
        if (this.child.pid === undefined) resolve();
      });
      this.child.on('exit', (code, signal) => {
        this.waiting?.reject(new Error(`fleet slice process exited with ${signal ?? `code ${code}`}`));
        this.waiting = undefined;
        resolve();
      });
    });
  }

  ask(req: SliceRequest): Promise<SliceReply> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.child.send(req);
    });
  }

  /** Ends the process (it has closed its slice, or failed) and waits until it is gone. */
  async stop(): Promise<void> {
    if (this.child.pid !== undefined && this.child.exitCode === null && this.child.signalCode === null) this.child.kill();
    await this.exited;
  }
}

export interface FleetPhase {
  /** The slowest slice's wall time: when the whole fleet got there. */
  wallMs: number;
  /** CPU of every slice's process (all its threads) during the phase. */
  cpuMs: number;
  virtualMs: number;
  heartbeats: number;
}

export interface FleetMemory {
  /** Heap and off-heap every slice's process holds beyond what it held before its slice existed. */
  sliceBytes: number;
  /** The slices' processes' resident sets, summed. */
  rss: number;
}

/** A fleet of `phones` split into `slices` disjoint slices, each in a process of its own. */
export class ProcessFleet {
  private constructor(
    readonly phones: number,
    private readonly slices: SliceProcess[],
  ) {}

  static async build(phones: number, slices: number): Promise<{ fleet: ProcessFleet; build: FleetPhase }> {
    const per = Math.ceil(phones / slices);
    const specs: SliceSpec[] = [];
    for (let k = 0, first = 0; first < phones; k++, first += per) specs.push({ first, count: Math.min(per, phones - first), slice: k });
    const fleet = new ProcessFleet(phones, specs.map(() => new SliceProcess()));
    try {
      // each process has loaded its code before the clock starts: a fleet's build is its phones, not loading code
      await Promise.all(fleet.slices.map((t) => t.ask({ kind: 'ping' })));
      const build = await fleet.all((t, i) => t.ask({ kind: 'build', spec: specs[i] }));
      return { fleet, build };
    } catch (err) {
      await fleet.close();
      throw err;
    }
  }

  register(): Promise<FleetPhase> {
    return this.all((t) => t.ask({ kind: 'register' }));
  }

  login(): Promise<FleetPhase> {
    return this.all((t) => t.ask({ kind: 'login' }));
  }

  idle(ms: number): Promise<FleetPhase> {
    return this.all((t) => t.ask({ kind: 'idle', ms }));
  }

  async memory(): Promise<FleetMemory> {
    const replies = await Promise.all(this.slices.map((t) => t.ask({ kind: 'memory' })));
    let sliceBytes = 0;
    let rss = 0;
    for (const r of replies) {
      if (r.kind !== 'memory') throw new Error(`fleet slice answered ${r.kind} to memory`);
      sliceBytes += r.memory.heapUsed + r.memory.external - r.base.heapUsed - r.base.external;
      rss += r.memory.rss;
    }
    return { sliceBytes, rss };
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.slices.map((t) => t.ask({ kind: 'close' })));
    await Promise.all(this.slices.map((t) => t.stop()));
  }

  /** Every slice through one phase at once; the phase ends when the last slice is through. */
  private async all(ask: (t: SliceProcess, i: number) => Promise<SliceReply>): Promise<FleetPhase> {
    const w0 = performance.now();
    const replies = await Promise.all(this.slices.map(ask));
    const wallMs = performance.now() - w0;
    const out: FleetPhase = { wallMs, cpuMs: 0, virtualMs: 0, heartbeats: 0 };
    for (const r of replies) {
      if (r.kind !== 'phase') throw new Error(`fleet slice answered ${r.kind} to a phase`);
      // each slice measures its own process's CPU (process.cpuUsage() there is all its threads)
      out.cpuMs += r.phase.cpuMs;
      out.virtualMs = Math.max(out.virtualMs, r.phase.virtualMs);
      out.heartbeats += r.heartbeats ?? 0;
    }
    return out;
  }
}
