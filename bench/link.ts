// The link's two measurable promises (docs/design.md, "The link"), measured in one run:
//  1. throughput (link-throughput.ts): >= 20,000 datagrams/s of 512 bytes through the whole stack over
//     the mock wire, as a ratio to a buffer-copy baseline;
//  2. memory (link-memory.ts): < 64 KiB per idle link.
//
//   npm run bench -- link [--quick]
import type { BenchOptions, BenchResult, Benchmark } from './harness.ts';
import { measureIdleMemory } from './link-memory.ts';
import { measureThroughput } from './link-throughput.ts';

export const linkBenchmark: Benchmark = {
  name: 'link',
  summary: 'datagrams/s through the whole NetStack over the mock wire vs a buffer copy; bytes per idle link',
  async run(opts: BenchOptions): Promise<BenchResult> {
    const throughput = await measureThroughput(opts);
    const memory = await measureIdleMemory(opts);
    return { tables: [throughput.table, memory.table], verdicts: [...throughput.verdicts, ...memory.verdicts] };
  },
};
