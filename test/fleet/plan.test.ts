// Who is who in a fleet: the mix, its interleaving, and the shards (sim/fleet/phone-mix.ts,
// shard-plan.ts): disjoint, and together exactly the whole fleet.
import { describe, expect, it } from 'vitest';
import { EnvironmentError, UsageError } from '../../sim/commands/usage.ts';
import { parseIpv4 } from '../../firmware/link/addr.ts';
import { interleave, parsePhoneMix } from '../../sim/fleet/phone-mix.ts';
import { fleetMac, parseShard, planShard, shardPool, shardSlice } from '../../sim/fleet/shard-plan.ts';
import { fleetPin } from '../../sim/fleet/directory.ts';

describe('--phones', () => {
  it('reads MODEL:COUNT pairs', () => {
    expect(parsePhoneMix('5340:6000,6930:3000,5607:1000')).toEqual([
      { profile: '5340', count: 6000 },
      { profile: '6930', count: 3000 },
      { profile: '5607', count: 1000 },
    ]);
  });

  it.each([
    ['', /required/],
    ['5340', /MODEL:COUNT/],
    ['5340:0', /at least one/],
    ['5340:2,5340:3', /twice/],
    ['9999:3', /unknown profile "9999"/],
    ['5412:3', /key module/],
    ['5340:70000', /at most/],
  ])('refuses %j', (text, reason) => {
    expect(() => parsePhoneMix(text)).toThrow(UsageError);
    expect(() => parsePhoneMix(text)).toThrow(reason);
  });

  it('interleaves the models in proportion, so every slice has about the mix', () => {
    const order = interleave(parsePhoneMix('5340:60,6930:30,5607:10'));
    expect(order).toHaveLength(100);
    const first20 = order.slice(0, 20);
    expect(first20.filter((m) => m === '5340')).toHaveLength(12);
    expect(first20.filter((m) => m === '6930')).toHaveLength(6);
    expect(first20.filter((m) => m === '5607')).toHaveLength(2);
    expect(order.filter((m) => m === '5607')).toHaveLength(10);
  });
});

describe('--shard', () => {
  it('reads I/N, and auto/N from JOB_COMPLETION_INDEX', () => {
    expect(parseShard(undefined)).toEqual({ index: 0, of: 1 });
    expect(parseShard('2/4')).toEqual({ index: 2, of: 4 });
    expect(parseShard('auto/4', { JOB_COMPLETION_INDEX: '3' })).toEqual({ index: 3, of: 4 });
  });

  it('bad usage is exit 2; what the environment lacks is exit 3', () => {
    for (const bad of ['4/4', 'x/4', '1/0', '1-4']) expect(() => parseShard(bad), bad).toThrow(UsageError);
    expect(() => parseShard('auto/4', {})).toThrow(EnvironmentError);
    expect(() => parseShard('auto/4', { JOB_COMPLETION_INDEX: 'one' })).toThrow(EnvironmentError);
    expect(() => parseShard('auto/4', { JOB_COMPLETION_INDEX: '4' })).toThrow(EnvironmentError);
  });

  it('shards never overlap, and together are the whole fleet', () => {
    const mix = parsePhoneMix('5340:50,6930:33,5607:20');
    const whole = planShard(mix, { index: 0, of: 1 });
    const shards = [0, 1, 2, 3].map((index) => planShard(mix, { index, of: 4 }));
    const joined = shards.flat();
    expect(joined).toEqual(whole);
    for (const key of ['mac', 'dn', 'ext', 'name'] as const) expect(new Set(joined.map((p) => p[key])).size).toBe(103);
    // DNs and extensions are never the same number either
    expect(new Set([...joined.map((p) => p.dn), ...joined.map((p) => p.ext)]).size).toBe(206);
    expect(shards.map((s) => s.length)).toEqual([25, 26, 26, 26]);
    expect(shardSlice(103, { index: 3, of: 4 })).toEqual({ first: 77, count: 26 });
  });

  it("each shard's DHCP pool is its own block, big enough for its phones, inside the controller's /16", () => {
    const mix = parsePhoneMix('5340:1000');
    const pools = [0, 1, 2, 3].map((index) => shardPool(mix, { index, of: 4 }));
    const ranges = pools.map((p) => [parseIpv4(p.from)!, parseIpv4(p.to)!]);
    for (const [from, to] of ranges) expect(to - from + 1).toBeGreaterThanOrEqual(250);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i][0]).toBeGreaterThan(ranges[i - 1][1]);
    expect(pools[0].from).toBe('192.168.16.1');
    expect(() => shardPool(parsePhoneMix('5340:60000'), { index: 0, of: 60 })).toThrow(/needs \d+ addresses/);
  });

  it('MACs are Mitel OUI plus the place in the fleet', () => {
    expect(fleetMac(0)).toBe('00:08:5d:00:00:01');
    expect(fleetMac(0x1234)).toBe('00:08:5d:00:12:35');
  });

  it('PINs are eight digits, the same for one seed and place, and differ across places', () => {
    expect(fleetPin(1, 7)).toMatch(/^\d{8}$/);
    expect(fleetPin(1, 7)).toBe(fleetPin(1, 7));
    const pins = new Set(Array.from({ length: 1000 }, (_, g) => fleetPin(1, g)));
    expect(pins.size).toBeGreaterThan(995);
    expect(fleetPin(2, 7)).not.toBe(fleetPin(1, 7));
  });
});
