import { describe, expect, it } from 'vitest';
import type { KeyEntry } from '../../../firmware/signalling/key-layout.ts';
import { SYSTEM } from '../../../firmware/service/events.ts';
import { ALICE, PRIMARY, SECONDARY, hotdeskKeyLogin, rig } from '../../support/rig.ts';

const KEYS: KeyEntry[] = [
  { key: 1, type: 'line', dn: '5123', label: 'Alice' },
  { key: 2, type: 'blf', dn: '5124', label: 'Bob' },
];

/** Boots, logs Alice in, and kills the primary until the phone is on the secondary. */
async function failedOverWithUser(r: ReturnType<typeof rig>): Promise<ReturnType<typeof rig>> {
  await r.boot();
  await hotdeskKeyLogin(r, '5123', '1234');
  r.primary.up = false;
  await r.advance(100_000);
  expect(r.ctx().server).toEqual(SECONDARY);
  return r;
}

describe('resilience and clustering', () => {
  it('fails over after 3 missed heartbeats with the three-step display; the user stays logged in', async () => {
    const r = rig({ users: [{ ...ALICE, keys: KEYS }] });
    await r.boot();
    await hotdeskKeyLogin(r, '5123', '1234');
    await r.advance(500);
    r.primary.blf('5124', 'logged-out');
    await r.advance(100);
    const keysBefore = r.ctx().keys;
    r.primary.up = false;
    const seen = r.displays.length;
    await r.advance(3 * 30_000 + 5_000);
    const shown = r.displays.slice(seen);
    expect(shown).toEqual([
      ['Resiliency 1/3', 'Lost ICP 10.0.0.1'],
      ['Resiliency 2/3', 'ICP 10.0.0.2'],
      ['Resiliency 3/3', 'icp-2'],
      ['Alice Smith', '5123'],
    ]);
    expect(r.secondary.got('register').at(-1)).toMatchObject({ hotdeskExt: '5123' });
    expect(r.secondary.got('blf-subscribe')).toEqual([{ type: 'blf-subscribe', dns: ['5124'] }]);
    expect(r.ctx().user?.ext).toBe('5123');
    expect(r.ctx().keys).toEqual(keysBefore);
    expect(r.lamps.get('key:2').cadence).toBe('hotdesk-logged-out');
    expect(r.ctx().server).toEqual(SECONDARY);
  });

  it('a single lost heartbeat is not a fail-over', async () => {
    const r = rig();
    await r.boot();
    r.primary.up = false;
    await r.advance(30_000 + 2_000);
    r.primary.up = true;
    await r.advance(60_000);
    expect(r.ctx().server).toEqual(PRIMARY);
    expect(r.secondary.got('register')).toHaveLength(0);
  });

  it('heartbeats keep their interval; a miss is probed half an interval later; misses count only in a row', async () => {
    const r = rig();
    r.primary.heartbeatSeconds = 10;
    await r.boot();
    // when each heartbeat reached the controller (a down one hears nothing: its misses are the gaps)
    const at: number[] = [];
    const watch = async (ms: number) => {
      for (let t = 0; t < ms; t += 100) {
        const n = r.primary.got('heartbeat').length;
        await r.advance(100);
        if (r.primary.got('heartbeat').length > n) at.push(r.clock.now());
      }
    };
    await watch(20_500);
    expect(at).toHaveLength(2);
    expect(at[1] - at[0]).toBeGreaterThanOrEqual(10_000);
    expect(at[1] - at[0]).toBeLessThan(10_200);
    // two misses in a row (each one transaction of 2 transmissions, given up after 1.5 s), then an answer:
    // down for 14 s from 7 s after a heartbeat, so the beats 10 s and 16.5 s after it are lost
    await r.advance(7_000 - (r.clock.now() - at[1]));
    r.primary.up = false;
    await r.advance(14_000);
    r.primary.up = true;
    await watch(40_000);
    // the first heard after the outage: an interval, then a miss (1.5 s) and half an interval, twice
    expect(at[2] - at[1]).toBeGreaterThanOrEqual(10_000 + 2 * (1_500 + 5_000));
    expect(at[2] - at[1]).toBeLessThan(23_200);
    // and then the interval again
    expect(at[3] - at[2]).toBeGreaterThanOrEqual(10_000);
    expect(at[3] - at[2]).toBeLessThan(10_200);
    expect(r.ctx().server).toEqual(PRIMARY);
    // and the misses before that answer do not add up with the next two
    await r.advance(7_000 - (r.clock.now() - at[at.length - 1]));
    r.primary.up = false;
    await r.advance(14_000);
    r.primary.up = true;
    await r.advance(30_000);
    expect(r.ctx().server).toEqual(PRIMARY);
    expect(r.secondary.got('register')).toHaveLength(0);
  });

  it('a re-home leaves one heartbeat running: the new controller hears one per interval', async () => {
    const r = await failedOverWithUser(rig());
    const before = r.secondary.got('heartbeat').length;
    await r.advance(90_000);
    // 30 s intervals: three in 90 s (a heartbeat left running from before the fail-over would double it)
    expect(r.secondary.got('heartbeat').length - before).toBe(3);
    // and a redirect pushed by the secondary moves it again, still with one heartbeat
    r.primary.up = true;
    r.secondary.push({ type: 'redirect', ip: PRIMARY.ip, port: PRIMARY.port, reason: 'maintenance' });
    await r.advance(5_000);
    expect(r.ctx().server).toEqual(PRIMARY);
    const onPrimary = r.primary.got('heartbeat').length;
    const onSecondary = r.secondary.got('heartbeat').length;
    await r.advance(90_000);
    expect(r.primary.got('heartbeat').length - onPrimary).toBe(3);
    expect(r.secondary.got('heartbeat').length).toBe(onSecondary);
  });

  it("the link's heartbeat stops when its owner cancels its own (as the service does on leaving its controller)", async () => {
    const r = rig();
    await r.boot();
    await r.advance(31_000);
    expect(r.primary.got('heartbeat')).toHaveLength(1);
    const link = r.actor.system.get(SYSTEM.link)!;
    const service = r.actor.system.get(SYSTEM.service)!;
    const id = service.getSnapshot().context.expect.heartbeat as string;
    link.send({ type: 'sig.cancel', owner: service });
    await r.advance(120_000);
    expect(r.primary.got('heartbeat')).toHaveLength(1);
    // a late message change under the stopped one's id starts nothing; a new id starts afresh
    const terms = { msg: { type: 'heartbeat', hotdeskExt: '5123' }, every: 30_000, afterMiss: 15_000, tries: 2, replyTo: service } as const;
    link.send({ type: 'sig.keepalive', id, ...terms });
    await r.advance(61_000);
    expect(r.primary.got('heartbeat')).toHaveLength(1);
    link.send({ type: 'sig.keepalive', id: 'heartbeat:new', ...terms });
    await r.advance(61_000);
    expect(r.primary.got('heartbeat')).toHaveLength(3);
  });

  it('fails back to the primary once it answers health-check in service, user kept', async () => {
    const r = await failedOverWithUser(rig());
    r.primary.up = true;
    r.primary.inService = false;
    await r.advance(25_000);
    expect(r.ctx().server).toEqual(SECONDARY); // up but not taking phones yet
    r.primary.inService = true;
    await r.advance(25_000);
    expect(r.ctx().server).toEqual(PRIMARY);
    expect(r.primary.got('register').at(-1)).toMatchObject({ hotdeskExt: '5123' });
    expect(r.shown()).toEqual(['Alice Smith', '5123']);
    await r.advance(31_000);
    expect(r.primary.got('heartbeat').at(-1)).toEqual({ type: 'heartbeat', hotdeskExt: '5123' });
  });

  it("health-checks the primary at the interval the secondary's register-ack gives", async () => {
    const r = rig();
    r.secondary.healthCheckSeconds = 7;
    await failedOverWithUser(r);
    r.primary.up = true;
    r.primary.inService = false; // it answers, but is not taking phones: the phone keeps asking
    const before = r.primary.got('health-check').length;
    await r.advance(70_000);
    const asked = r.primary.got('health-check').length - before;
    expect(asked).toBeGreaterThanOrEqual(9); // every 7 s, not the default 20 s (which would be 3 or 4)
    expect(asked).toBeLessThanOrEqual(11);
  });

  it('a re-home to a controller expecting another firmware logs out and asks for a reboot', async () => {
    const r = rig();
    r.secondary.firmwareVersion = '2.0';
    await r.boot();
    await hotdeskKeyLogin(r, '5123', '1234');
    r.primary.up = false;
    await r.advance(100_000);
    expect(r.events.reboots).toHaveLength(1);
    expect(r.secondary.got('logout-request')).toEqual([{ type: 'logout-request', reason: 'failover-version', ext: '5123' }]);
    expect(r.actor.getSnapshot().status).toBe('done');
  });

  it('redirect: a user homed elsewhere re-homes the phone there and the login completes there', async () => {
    const r = rig({ users: [{ ...ALICE, homedAt: SECONDARY }], secondaryUsers: [{ ...ALICE, keys: KEYS }] });
    await r.boot();
    await hotdeskKeyLogin(r, '5123', '1234');
    await r.advance(3000);
    expect(r.secondary.got('register')).toHaveLength(1);
    expect(r.secondary.got('login-begin')).toEqual([{ type: 'login-begin', ext: '5123' }]);
    expect(r.ctx().user?.ext).toBe('5123');
    expect(r.ctx().server).toEqual(SECONDARY);
    expect(r.ctx().failedOver).toBe(false); // the user's home: no fail-back to the primary
    expect(r.ctx().keys.map((k) => k.id)).toEqual(['key:1', 'key:2']);
    expect(r.shown()).toEqual(['Alice Smith', '5123']);
    expect(r.ctx().pin.length).toBe(0);
  });

  it('a redirect pushed by the controller moves the phone', async () => {
    const r = rig();
    await r.boot();
    r.primary.push({ type: 'redirect', ip: SECONDARY.ip, port: SECONDARY.port, reason: 'maintenance' });
    await r.advance(3000);
    expect(r.ctx().server).toEqual(SECONDARY);
    expect(r.shown()).toEqual(['No User Logged In']);
  });
});

describe('a login redirected to a home controller that never takes the phone', () => {
  it('is not followed round in a loop: the second redirect of one login fails it and wipes the PIN', async () => {
    const r = rig({ users: [{ ...ALICE, homedAt: SECONDARY }] });
    r.secondary.up = false;
    await r.boot();
    await hotdeskKeyLogin(r, '5123', '1234');
    await r.advance(31_000);
    expect(r.ctx().pin.length).toBe(0);
    expect(r.ctx().user).toBeUndefined();
  });
});
