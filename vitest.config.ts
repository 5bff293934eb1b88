import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // every world the suite builds writes its trace and pcap for the PIN audit run at the end
    globalSetup: ['test/audit/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // HIL tests own real ptys and child processes: keep files apart so two never fight for a core.
    pool: 'forks',
    // many suites wait on real time (ptys, child processes, tmux, real peers) more than they compute:
    // a third worker lets the CPU-bound suites run while they wait, on a 2-core machine
    maxWorkers: 3,
  },
});
