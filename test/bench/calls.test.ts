// Smoke test of the calls benchmark (bench/calls.ts): with --quick it builds its fleet, completes and
// checks every call cycle, counts heartbeats, and reports sane, non-zero numbers in its tables. How
// fast is the benchmark's business (machine- and load-dependent): nothing here times.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { formatTable } from '../../bench/harness.ts';
import { callsBenchmark, callsTables, measureCalls, QUICK } from '../../bench/calls.ts';
import { buildCallsRig, callCycle, dn } from '../../bench/calls-rig.ts';

describe('bench calls --quick', () => {
  it('completes every call cycle and reports calls/s, heartbeats/s and their ratio', async () => {
    const m = await measureCalls(QUICK);
    const pairs = QUICK.phones / 2;
    expect(m.pairs).toBe(pairs);
    for (const x of [m.cyclesPerS, m.heartbeatsPerS, m.ratio, m.cycleInHeartbeats, m.cycleWallMs, m.idleWallMs]) {
      expect(Number.isFinite(x)).toBe(true);
      expect(x).toBeGreaterThan(0);
    }
    // an odd number of rounds: the median of the inverses is the inverse of the median
    expect(m.ratio * m.cycleInHeartbeats).toBeCloseTo(1, 6);
    // every cycle of every round, warm-up included, was checked on the phones and the call server
    expect(m.cyclesChecked).toBe((QUICK.warmup + QUICK.rounds) * pairs);
    // a call is at least the caller's setup, the callee's connect and a release
    expect(m.requestsPerCycle).toBeGreaterThanOrEqual(3);
    expect(m.pushesPerCycle).toBeGreaterThan(0);
    // the idle fleet heartbeats once per phone per interval (give or take one each)
    expect(Math.abs(m.heartbeatsPerRound - QUICK.phones * QUICK.intervals)).toBeLessThanOrEqual(QUICK.phones);
    expect(m.idleVirtualMs).toBeCloseTo(QUICK.intervals * QUICK.heartbeatMs, 3); // virtual ms are floats: 20000.000000000004
    // a cycle runs the clock only as far as the calls need: well under one heartbeat interval
    expect(m.cycleVirtualMs).toBeGreaterThan(0);
    expect(m.cycleVirtualMs).toBeLessThan(QUICK.heartbeatMs);
    expect(m.boot.virtualMs).toBeGreaterThan(0);
    expect(m.boot.wallMs).toBeGreaterThan(0);

    const text = callsTables(m).map(formatTable).join('\n\n');
    expect(text).toMatch(/^heartbeats answered \(idle fleet, 2 x 10 s interval\)\s+\d+\s+[\d,.]+\s+[\d,.]+\s+[\d,.]+\s+1$/m);
    expect(text).toMatch(/^call cycles \(setup \+ answer \+ release, 10 pairs at once\)\s+10\s+[\d,.]+\s+[\d,.]+\s+[\d,.]+\s+[\d.e-]+$/m);
    expect(text).toMatch(/^ {2}ratio [\d.e-]+: for every heartbeat per wall second/m);
    expect(text).toMatch(/^boot, DHCP, TFTP, register, set programming on every set\s+[\d,.]+\s+[\d.]+$/m);
  }, 60_000);

  it('runs from `npm run bench -- --quick calls`: registered, one table each, exit 0', () => {
    const r = spawnSync(process.execPath, ['bin/run-ts.js', 'bench/index.ts', '--quick', 'calls'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^== calls: .*\(quick\)$/m);
    expect(r.stdout).toMatch(/^calls through one controller, 20 desk sets on the mock wire/m);
    expect(r.stdout).toMatch(/^20 desk sets boot and register with one controller/m);
    expect(r.stdout).toMatch(/^== targets: 0 PASS, 0 FAIL$/m);
  }, 60_000);

  it('fails, not reports, a cycle whose call does not complete', async () => {
    const rig = await buildCallsRig({ phones: 4, heartbeatMs: 10_000 });
    try {
      await callCycle(rig); // a good cycle first
      rig.phones[3].powerOff(); // B of the second pair: its call can never ring
      await expect(callCycle(rig)).rejects.toThrow(new RegExp(`${dn(2)} calling ${dn(3)}: A \\w+, B none; expected ringback / ringing`));
    } finally {
      await rig.close();
    }
  }, 60_000);
});
