// The fleet benchmark's threads: each slice of a fleet runs in a worker thread of its own (fleet-worker.ts),
// so a fleet uses every core the machine gives it. The parent asks every slice for the same phase at
// once and waits for all of them: a phase's wall time is the slowest slice's, as a person watching the
// whole fleet would see it.
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
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

/** A worker running TypeScript: bin/ts-register.js is loaded in the thread before the worker module. */
function tsWorker(url: URL): Worker {
  const hooks = new URL('../bin/ts-register.js', import.meta.url).href;
  const code = `import(${JSON.stringify(hooks)})
    .then(() => import(${JSON.stringify(url.href)}))
    .catch((err) => { console.error(err); process.exit(1); });`;
  // a young generation big enough for a slice's churn: fewer objects promoted, fewer full collections
  return new Worker(code, { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 64, maxOldGenerationSizeMb: 8192 } });
}

class SliceThread {
  private readonly worker = tsWorker(new URL('./fleet-worker.ts', import.meta.url));
  private waiting: { resolve: (r: SliceReply) => void; reject: (e: Error) => void } | undefined;

  constructor() {
    this.worker.on('message', (reply: SliceReply) => {
      const w = this.waiting;
      this.waiting = undefined;
      if (reply.kind === 'error') w?.reject(new Error(`fleet slice: ${reply.message}`));
      else w?.resolve(reply);
    });
    this.worker.on('error', (err) => {
      this.waiting?.reject(err);
      this.waiting = undefined;
    });
    this.worker.on('exit', (code) => {
      this.waiting?.reject(new Error(`fleet slice thread exited with code ${code}`));
      this.waiting = undefined;
    });
  }

  ask(req: SliceRequest): Promise<SliceReply> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.worker.postMessage(req);
    });
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

export interface FleetPhase {
  /** The slowest slice's wall time: when the whole fleet got there. */
  wallMs: number;
  /** CPU of the whole process (every thread) during the phase. */
  cpuMs: number;
  virtualMs: number;
  heartbeats: number;
}

export interface FleetMemory {
  /** Heap and off-heap every slice's thread holds beyond what it held before its slice existed. */
  sliceBytes: number;
  /** The process's resident set (all threads). */
  rss: number;
}

/** A fleet of `phones` split into `threads` disjoint slices, each in its own worker thread. */
export class ThreadedFleet {
  private constructor(
    readonly phones: number,
    private readonly threads: SliceThread[],
  ) {}

  static async build(phones: number, threads: number): Promise<{ fleet: ThreadedFleet; build: FleetPhase }> {
    const per = Math.ceil(phones / threads);
    const specs: SliceSpec[] = [];
    for (let k = 0, first = 0; first < phones; k++, first += per) specs.push({ first, count: Math.min(per, phones - first), slice: k });
    const fleet = new ThreadedFleet(phones, specs.map(() => new SliceThread()));
    try {
      // each thread has loaded its code before the clock starts: a fleet's build is its phones, not loading code
      await Promise.all(fleet.threads.map((t) => t.ask({ kind: 'ping' })));
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
    const replies = await Promise.all(this.threads.map((t) => t.ask({ kind: 'memory' })));
    let sliceBytes = 0;
    let rss = 0;
    for (const r of replies) {
      if (r.kind !== 'memory') throw new Error(`fleet slice answered ${r.kind} to memory`);
      sliceBytes += r.memory.heapUsed + r.memory.external - r.base.heapUsed - r.base.external;
      rss = Math.max(rss, r.memory.rss);
    }
    return { sliceBytes, rss };
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.threads.map((t) => t.ask({ kind: 'close' })));
    await Promise.all(this.threads.map((t) => t.terminate()));
  }

  /** Every slice through one phase at once; the phase ends when the last slice is through. */
  private async all(ask: (t: SliceThread, i: number) => Promise<SliceReply>): Promise<FleetPhase> {
    // CPU of the whole process: every thread's (a thread's own process.cpuUsage() is the process's too)
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    const replies = await Promise.all(this.threads.map(ask));
    const wallMs = performance.now() - w0;
    const c = process.cpuUsage(c0);
    const out: FleetPhase = { wallMs, cpuMs: (c.user + c.system) / 1000, virtualMs: 0, heartbeats: 0 };
    for (const r of replies) {
      if (r.kind !== 'phase') throw new Error(`fleet slice answered ${r.kind} to a phase`);
      out.virtualMs = Math.max(out.virtualMs, r.phase.virtualMs);
      out.heartbeats += r.heartbeats ?? 0;
    }
    return out;
  }
}
