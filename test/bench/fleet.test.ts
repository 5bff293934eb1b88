// Smoke test of the fleet benchmark (bench/fleet.ts): with tiny fleets it builds each size in two
// worker processes, brings every phone from power-on to its user logged in, measures memory, idles the
// fleet with heartbeats flowing, and prints its tables and target verdicts. How fast is the benchmark's
// business (machine- and load-dependent): nothing here times.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { formatTable } from '../../bench/harness.ts';
import { fleetTables, growth, measureFleet, type SizeMeasurement } from '../../bench/fleet.ts';
import { FleetSlice, fleetExt, fleetMac, fleetProfile } from '../../bench/fleet-rig.ts';

describe('bench fleet', () => {
  it('brings every phone of each size up to its user logged in, in two processes, and reports the targets', async () => {
    const m = await measureFleet({ sizes: [4, 8], processes: 2, idlePhones: 8, idleMs: 120_000 });
    expect(m.sizes.map((s) => s.phones)).toEqual([4, 8]);
    for (const s of m.sizes) {
      expect(s.register.virtualMs).toBeGreaterThan(0); // DHCP's first wait alone is 1-10 s
      expect(s.upWallMs).toBeGreaterThan(0);
      expect(s.upCpuMs).toBeGreaterThan(0);
      expect(s.memory.sliceBytes).toBeGreaterThan(0);
      expect(s.memory.rss).toBeGreaterThan(s.memory.sliceBytes);
    }
    // an idle registered phone heartbeats every 30 s (the default interval): 4 each in 2 minutes, give or take one
    expect(m.idle.phase.virtualMs).toBe(120_000);
    expect(Math.abs(m.idle.phase.heartbeats - 8 * 4)).toBeLessThanOrEqual(8);
    const { tables, verdicts } = fleetTables(m);
    const text = tables.map(formatTable).join('\n\n');
    expect(text).toMatch(/^fleets on the frame link, 2 worker processes/m);
    expect(text).toMatch(/^8\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d,.]+\s+[\d,.]+$/m);
    expect(text).toMatch(/^4 -> 8\s+2\s+/m);
    expect(text).toMatch(/^8 registered phones with their users logged in, idle for 2 simulated minutes/m);
    expect(verdicts.map((v) => v.target)).toEqual([
      '10,000 phones (mixed models) powered on, registered and logged in, 2 processes, <= 30 s wall',
      '<= 64 KiB heap per idle registered phone (at 8 phones)',
      'a simulated hour of 1,000 idle registered phones <= 10 s wall',
      'wall time per phone grows no faster than linearly from one size to the next (growth <= 1.1)',
      'memory per phone grows no faster than linearly from one size to the next (growth <= 1.1)',
    ]);
    // a tiny fleet can never pass the 10,000-phone or 1,000-phone targets
    expect(verdicts[0].pass).toBe(false);
    expect(verdicts[2].pass).toBe(false);
  }, 120_000);

  it('names every phone of a fleet from its place in it, so slices are disjoint', () => {
    expect([0, 1, 2, 6, 9, 10].map(fleetProfile)).toEqual(['5340', '5340', '5340', '6930', '5607', '5340']);
    expect(fleetMac(0)).toBe('00:08:5d:00:00:00');
    expect(fleetMac(70_000)).toBe('00:08:5d:01:11:70');
    expect(fleetExt(9_999)).toBe('109999');
  });

  it('reads growth per phone: a cost that doubles with the fleet is linear', () => {
    const size = (phones: number, wall: number) => ({ phones, upWallMs: wall }) as SizeMeasurement;
    expect(growth(size(10, 100), size(20, 200), (s) => s.upWallMs)).toBe(1);
    expect(growth(size(10, 100), size(100, 400), (s) => s.upWallMs)).toBeCloseTo(0.4);
  });

  it('fails, not reports, a fleet that does not come up within its budget', async () => {
    const { slice } = await FleetSlice.build({ first: 0, count: 3, slice: 0, budgetMs: 500 });
    try {
      // DHCP's first wait is at least a second: nobody can be idle half a second after power-on
      await expect(slice.register()).rejects.toThrow(/phones idle with nobody logged in: 0\/3 within 0.5 s of virtual time; the next is in/);
    } finally {
      await slice.close();
    }
  });

  it('runs from `npm run bench -- --quick fleet`: registered, its tables, exit 0', () => {
    const r = spawnSync(process.execPath, ['bin/run-ts.js', 'bench/index.ts', '--quick', 'fleet'], { encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^== fleet: .*\(quick\)$/m);
    expect(r.stdout).toMatch(/^growth from one size to the next, per phone/m);
    expect(r.stdout).toMatch(/^ {2}(PASS|FAIL) {2}a simulated hour of 1,000 idle registered phones <= 10 s wall$/m);
    expect(r.stdout).toMatch(/^== targets: \d+ PASS, \d+ FAIL$/m);
  }, 120_000);
});
