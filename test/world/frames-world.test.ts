// Worlds on the frame link (`--link frames`, issue 10): whole Ethernet frames in memory between each
// phone and the controller, the same stacks above. A phone boots, registers and logs in on it as on the
// mock wire; a scenario plays the same on both; a fleet world (`phones:`) builds every phone alike, each
// with a lease of the pool sized to the fleet, a MAC and a DN of its own, and one shared factory image.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseControllerConfig } from '../../sim/controller/config.ts';
import { runScenarioInWorld } from '../../sim/commands/run.ts';
import { MemoryFlash } from '../../sim/flash-memory.ts';
import { factoryImage } from '../../sim/phone-setup.ts';
import { loadScenarioFile } from '../../sim/scenario/load.ts';
import { TraceWriter, type StampedRecord } from '../../sim/trace.ts';
import { VirtualClock } from '../../firmware/clock.ts';
import { World } from '../../sim/world.ts';
import { bootAndLogin } from './helpers.ts';

const SCENARIOS = join(import.meta.dirname, '..', 'scenarios');

describe('a world on the frame link', () => {
  it('boots, registers and logs a hot desk user in, in virtual time, with no serial wire', async () => {
    const config = parseControllerConfig({ users: [{ ext: '5123', pin: '1234', name: 'Alice Smith' }] }, 'frames test');
    const w = await World.build({ profile: '5340', link: { kind: 'frames' }, config, seed: 3 });
    try {
      expect(w.clock).toBeInstanceOf(VirtualClock);
      expect(w.wire).toBeUndefined();
      await bootAndLogin(w);
      expect(w.controller!.callServer.users().map((u) => u.ext)).toEqual(['5123']);
      // nothing dropped but what a phone always drops: the firmware check's DATA blocks after "not wanted"
      const drops = Object.entries(w.phone!.stack!.counters.drops).filter(([reason, n]) => n > 0 && reason !== 'no-listener');
      expect(drops).toEqual([]);
      // frames, not SLIP: every byte counted is a frame's
      expect(w.phone!.stack!.counters.rxFrames).toBeGreaterThan(0);
      expect(w.controller!.counters.links[0].dropped).toBe(0);
    } finally {
      await w.close();
    }
  });

  it.each(['login-5340.yaml', 'call-two-sets.yaml', 'login-handset-5607.yaml'])('plays %s step for step as on the mock wire: same result, same displays', async (file) => {
    const play = async (kind: 'mock' | 'frames') => {
      const trace = new TraceWriter(new VirtualClock());
      // what each phone showed, in its order (phones interleave differently: the mock wire takes line time)
      const displays: Record<string, string[]> = {};
      trace.addSink((r: StampedRecord) => {
        if (r.kind === 'display') (displays[r.node] ??= []).push((r.lines as string[]).join(' | '));
      }, ['display']);
      const result = await runScenarioInWorld(loadScenarioFile(join(SCENARIOS, file)), { link: { kind }, traceWriter: trace });
      return { ok: result.ok, steps: result.steps.map((s) => [s.description, s.ok]), displays };
    };
    const mock = await play('mock');
    const frames = await play('frames');
    expect(mock.ok).toBe(true);
    expect(frames).toEqual(mock);
  });
});

describe('a fleet world (phones:)', () => {
  it('gives 120 phones, more than the 100 default leases, an address each from a pool sized to the fleet', async () => {
    const phones = Array.from({ length: 120 }, (_, i) => ({ name: `p${i}`, profile: i % 10 === 9 ? '5607' : '5340' }));
    const w = await World.build({ profile: '5340', phones, link: { kind: 'frames' }, seed: 5 });
    try {
      // 120 phones and a tenth to spare: 132 addresses from the default scope's first
      expect(w.config.dhcp.pool).toEqual({ from: '192.168.10.100', to: '192.168.10.231' });
      const units = [...w.units.values()];
      const bound = () => units.every((u) => u.phone.stack && u.phone.stack.ip !== '0.0.0.0');
      expect(await w.advance(60_000, bound)).toBe(true);
      expect(new Set(units.map((u) => u.phone.stack!.ip)).size).toBe(120);
      expect(new Set(units.map((u) => u.phone.stack!.mac)).size).toBe(120);
      expect(w.controller!.dhcp.counters.drops['pool-exhausted']).toBe(0);
      // one factory image for the whole fleet: every phone's flash is the shared one, nothing of its own
      expect(units.every((u) => u.flash instanceof MemoryFlash && u.flash.storedBytes === 0)).toBe(true);
    } finally {
      await w.close();
    }
  }, 60_000);

  it('builds every phone alike: the first is the default `phone`, DNs come from free sets: entries, MACs as given', async () => {
    const config = parseControllerConfig(
      { sets: [{ profile: '5340', dn: '5000' }, { profile: '5340', dn: '5001' }, { profile: '6930', dn: '6000' }] },
      'fleet test',
    );
    const w = await World.build({
      profile: '5340',
      config,
      link: { kind: 'frames' },
      phones: [
        { name: 'a', profile: '5340', mac: '00:08:5d:10:00:01' },
        { name: 'b', profile: '5340' },
        { name: 'c', profile: '6930', dn: '7000' },
        { name: 'd', profile: '5340' },
      ],
    });
    try {
      expect([...w.units.keys()]).toEqual(['a', 'b', 'c', 'd']);
      expect(w.phone).toBe(w.units.get('a')!.phone);
      const cs = w.controller!.callServer;
      expect(await w.advance(60_000, () => cs.phones().length === 4)).toBe(true);
      const dnOf = (name: string) => cs.phones().find((p) => p.mac === w.units.get(name)!.phone.stack!.mac)?.dn;
      expect([dnOf('a'), dnOf('b'), dnOf('c')]).toEqual(['5000', '5001', '7000']);
      expect(dnOf('d') ?? '').toBe(''); // no sets: entry left for it: a userless hot desk set
      expect(w.units.get('a')!.phone.stack!.mac).toBe('00:08:5d:10:00:01');
    } finally {
      await w.close();
    }
  });

  it('refuses two phones with one MAC', async () => {
    await expect(World.build({ profile: '5340', link: { kind: 'frames' }, phones: [{ name: 'a', profile: '5340', mac: '00:08:5d:00:00:01' }, { name: 'b', profile: '5340', mac: '00:08:5d:00:00:01' }] })).rejects.toThrow(
      /b: MAC 00:08:5d:00:00:01 is another phone's/,
    );
  });

  it('signs one factory image per family, version and seed for the whole process', () => {
    const a = factoryImage({ family: '53gx', version: [1, 0, 0, 0], seed: 1 });
    expect(factoryImage({ family: '53gx', version: [1, 0, 0, 0], seed: 1 })).toBe(a);
    expect(factoryImage({ family: '53gx', version: [1, 0, 0, 0], seed: 2 })).not.toBe(a);
  });
});
