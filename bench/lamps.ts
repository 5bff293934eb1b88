// The lamps' two promises (issue 5), measured in one run:
//  1. real time (lamps-realtime.ts): 200 lamps blinking on a RealClock while the thread is busy with
//     other work: toggle error p50/p99/max against the ideal schedule, p99 <= 2 ms, and no drift;
//  2. virtual time (lamps-virtual.ts): a simulated day of a 5340 with three PKMs in <= 1 s of wall
//     time when nobody watches, and what a watcher counting every toggle costs.
//
//   npm run bench -- lamps [--quick]      (--quick: the real-time run lasts a few seconds)
import type { BenchOptions, BenchResult, Benchmark } from './harness.ts';
import { measureRealtimeLamps } from './lamps-realtime.ts';
import { measureVirtualLamps } from './lamps-virtual.ts';

export const lampsBenchmark: Benchmark = {
  name: 'lamps',
  summary: 'toggle error and drift of 200 lamps on wall time under load; a simulated day of a 5340 with three PKMs',
  async run(opts: BenchOptions): Promise<BenchResult> {
    const realtime = await measureRealtimeLamps(
      opts.quick ? { lamps: 200, seconds: 4, windowSeconds: 1, sliceMs: 0.5 } : { lamps: 200, seconds: 60, windowSeconds: 10, sliceMs: 0.5 },
    );
    const virtual = await measureVirtualLamps(opts);
    return { tables: [realtime.table, virtual.table], verdicts: [...realtime.verdicts, ...virtual.verdicts] };
  },
};
