// A fleet on a cluster of two, its primary killed once every user is logged in: every phone re-homes to
// the secondary with its user still there (resilient hot desking: set and user both have icp-2 as their
// secondary). In-process, virtual time.
import { describe, expect, it } from 'vitest';
import { parseFleetOptions } from '../../sim/fleet/options.ts';
import { runFleet } from '../../sim/fleet/runner.ts';
import { summarize } from '../../sim/fleet/summary.ts';

describe('a controller kill at scale', () => {
  it('every phone re-homes to the secondary with its user', async () => {
    const o = parseFleetOptions({ phones: '5340:20,6930:12,5607:8', logins: true, 'kill-at': '40s' });
    expect(o.cluster).toBe(2);
    const { stats, inventory } = await runFleet(o);
    const s = summarize(stats);
    expect(s).toMatchObject({ ok: true, phones: 40, reached: 40, target: 'rehomed-with-user', failures: {}, killAtMs: 40_000 });
    expect(s.counts).toMatchObject({ registered: 40, loggedIn: 40, rehomed: 40 });
    // everyone was logged in on the primary before the kill, and re-homed after it
    expect(s.milestones.loggedIn.max).toBeLessThan(40_000);
    // three missed heartbeats of 30 s at most: the re-homing takes tens of seconds, never nothing
    expect(s.milestones.rehomed.p50).toBeGreaterThan(1000);
    expect(s.milestones.rehomed.max).toBeLessThan(120_000);
    for (const phone of inventory) {
      expect(phone, phone.name).toMatchObject({ controller: 'icp-2', reached: true });
      expect(phone.milestones.rehomed, phone.name).toBeGreaterThan(0);
    }
  }, 180_000);

  it('phones not yet re-homed when the run ends are failures, by cause', async () => {
    const { stats } = await runFleet(parseFleetOptions({ phones: '5340:6', logins: true, 'kill-at': '30s', for: '35s' }));
    expect(stats.reached).toBe(0);
    expect(stats.failures).toEqual({ 'not-rehomed': 6 });
    expect(summarize(stats).ok).toBe(false);
  }, 120_000);
});
