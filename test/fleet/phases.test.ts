// The phases besides boot and login, in-process in virtual time: the power-on ramp, steady state
// (heartbeats, BLF changes, calls through the phones' keys), --config under the fleet's directory, and
// a fleet that cannot get there (its failures by cause, exit 1 in the CLI).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../sim/controller/config.ts';
import { parseFleetOptions } from '../../sim/fleet/options.ts';
import { runFleet } from '../../sim/fleet/runner.ts';
import { summarize } from '../../sim/fleet/summary.ts';
import { hotdeskWith } from './cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'fleet-phases-'));
const config = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

describe('fleet phases', () => {
  it('--ramp powers phones on at RATE a second, in fleet order', async () => {
    const { stats, inventory } = await runFleet(parseFleetOptions({ phones: '5340:6,6930:2', ramp: '4' }));
    expect(inventory.map((l) => l.poweredOnAt)).toEqual([0, 250, 500, 750, 1000, 1250, 1500, 1750]);
    expect(stats.reached).toBe(8);
    // each phone's times count from its own power-on: the last one on is not 1.75 s slower for it
    for (const l of inventory) expect(l.milestones.registered!, l.name).toBeLessThan(15_000);
  }, 120_000);

  it('steady state: heartbeats, BLF changes lighting the watching keys, and calls answered and hung up', async () => {
    const heartbeats = config('hb.yaml', 'heartbeat-interval: 5s\n');
    const o = parseFleetOptions({ phones: '5340:4,6930:2,5607:2', logins: true, config: heartbeats, steady: '30s', 'blf-rate': '2', calls: '1', 'call-hold': '2s' });
    const { stats } = await runFleet(o);
    const s = summarize(stats);
    expect(s).toMatchObject({ ok: true, reached: 8, failures: {} });
    // 8 phones, a heartbeat every 5 s, 30 s of steady state at the least
    expect(s.steady.heartbeats).toBeGreaterThanOrEqual(8 * 6);
    expect(s.steady.blfChanges).toBe(60);
    // the lamps that changed after the logins: BLF keys following the busy/idle lines, the calls' lines
    const atSteady = stats.rows.find((r) => r.timeMs >= s.milestones.loggedIn.max)!;
    expect(s.steady.lampChanges - atSteady.lampChanges).toBeGreaterThan(30);
    expect(s.calls.attempted).toBeGreaterThanOrEqual(20); // a tick with no free pair places none
    expect(s.calls.failed).toBe(0);
    expect(s.calls.connected).toBeGreaterThanOrEqual(s.calls.attempted - 2); // the last may still be ringing
    expect(s.milestones.callSetup.count).toBeGreaterThanOrEqual(s.calls.connected);
  }, 120_000);

  it('--config is the base of the fleet world, checked as any config; a clash with the directory is an error', async () => {
    const clash = config('clash.yaml', 'users: [{ ext: "6000000", pin: "1234" }]\n');
    await expect(runFleet(parseFleetOptions({ phones: '5340:2', config: clash }))).rejects.toThrow(/repeats extension 6000000/);
    const typo = config('typo.yaml', 'heartbeat-intervall: 5s\n');
    await expect(runFleet(parseFleetOptions({ phones: '5340:2', config: typo }))).rejects.toThrow(ConfigError);
    const pool = config('pool.yaml', 'dhcp: { pool: { from: 192.168.10.100, to: 192.168.10.120 } }\n');
    await expect(runFleet(parseFleetOptions({ phones: '5340:2', config: pool, shard: '0/2' }))).rejects.toThrow(/sharded fleet/);
  });

  it('a fleet that cannot get there: failures by cause, and exit 1', async () => {
    const down = config('dhcp-down.yaml', 'dhcp: { down: true }\n');
    const r = await hotdeskWith(['fleet', '--phones', '5340:3', '--config', down, '--timeout', '20s', '--json']);
    expect(r.code).toBe(1);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ ok: false, phones: 3, reached: 0, failed: 3 });
    expect(s.failures).toEqual({ 'no-dhcp-ack': 3 });
    expect(s.counts).toMatchObject({ poweredOn: 3, dhcpAck: 0, registered: 0 });
  }, 60_000);
});
