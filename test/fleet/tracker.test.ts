// Reading a fleet's progress from trace records (sim/fleet/milestones.ts, tracker.ts, verdict.ts), and
// the login keys and pacing (login-driver.ts), on records and clocks made here.
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../firmware/clock.ts';
import type { HotdeskView } from '../../firmware/hotdesk/view.ts';
import { LoginDriver, loginKeys } from '../../sim/fleet/login-driver.ts';
import { readSignal } from '../../sim/fleet/milestones.ts';
import { ProgressLine, progressText } from '../../sim/fleet/progress-line.ts';
import { planShard } from '../../sim/fleet/shard-plan.ts';
import { FleetTracker } from '../../sim/fleet/tracker.ts';
import { judge } from '../../sim/fleet/verdict.ts';
import type { StampedRecord } from '../../sim/trace.ts';

let seq = 0;
const rec = (node: string, kind: StampedRecord['kind'], fields: Record<string, unknown>): StampedRecord => ({ seq: ++seq, t: 0, node, kind, ...fields });
const state = (mac: string, value: string) => rec(`phone:${mac}`, 'state', { machine: 'phone', value });
const info = (node: string, message: string) => rec(node, 'info', { message });

describe('trace records as milestones', () => {
  it('reads each record the fleet cares about, and nothing else', () => {
    const mac = '00:08:5d:00:00:01';
    expect(readSignal(state(mac, 'network.acquiring'))).toBeUndefined();
    expect(readSignal(state(mac, 'network.firmware.checking'))).toEqual({ from: 'phone', mac, signal: { kind: 'dhcp-acked' } });
    expect(readSignal(state(mac, 'network.upToDate'))?.signal).toEqual({ kind: 'firmware-checked' });
    expect(readSignal(state(mac, 'network.inService.current'))?.signal).toEqual({ kind: 'firmware-checked' });
    expect(readSignal(state(mac, 'network.downloadFailed'))?.signal).toEqual({ kind: 'firmware-failed' });
    expect(readSignal(info(`phone:${mac}`, 'service: registered with icp-2 at 192.168.10.2:6800 (failover)'))?.signal).toEqual({ kind: 'registered', controllerId: 'icp-2' });
    expect(readSignal(info(`phone:${mac}`, 'hotdesk: user 6000001 logged in'))?.signal).toEqual({ kind: 'logged-in', ext: '6000001' });
    expect(readSignal(rec(`phone:${mac}`, 'display', { lines: ['No User Logged In'] }))?.signal).toEqual({ kind: 'idle' });
    expect(readSignal(rec(`phone:${mac}`, 'display', { lines: ['DHCP: Ack'] }))).toBeUndefined();
    expect(readSignal(info('controller', `callserver: login 6000001 on ${mac}: wrong-pin (2 left)`))?.signal).toEqual({ kind: 'login-answer', ext: '6000001', mac, code: 'wrong-pin' });
    expect(readSignal(rec('controller', 'frame', { dir: 'rx', proto: 'sig', summary: '192.168.16.5:6800 > 192.168.10.1:6800 sealed: req #12 heartbeat seq=3' }))?.signal).toEqual({ kind: 'heartbeat' });
    expect(readSignal(rec('controller', 'frame', { dir: 'tx', proto: 'sig', summary: '... heartbeat-ack ...' }))).toBeUndefined();
    expect(readSignal(info('runner', 'step 1 ok'))).toBeUndefined();
  });
});

describe('the tracker', () => {
  const plans = planShard([{ profile: '5340', count: 3 }], { index: 0, of: 1 });
  const [a, b, c] = plans;

  it('times each milestone from power-on, counts as it goes, and settles phones that reached their phase', () => {
    let now = 0;
    const idle: number[] = [];
    const t = new FleetTracker({ phones: plans, target: { logins: true, rehome: false }, now: () => now, onIdle: (i) => idle.push(i) });
    t.poweredOn(0);
    t.poweredOn(1);
    now = 100;
    t.poweredOn(2);
    t.sink(state(b.mac, 'network.firmware.checking')); // b: powered at 0, so this counts
    now = 2000;
    for (const p of [a, b, c]) t.sink(state(p.mac, 'network.firmware.checking'));
    expect(t.counts.dhcpAck).toBe(3);
    expect(t.histograms.dhcpAck.summary()).toMatchObject({ count: 3, p50: 1900, max: 2000 }); // b 100 ms, c 1900, a 2000
    now = 3000;
    for (const p of [a, b]) t.sink(state(p.mac, 'network.upToDate'));
    t.sink(info(`phone:${a.mac}`, 'service: registered with icp-1 at 192.168.10.1:6800 (boot)'));
    t.sink(rec(`phone:${a.mac}`, 'display', { lines: ['No User Logged In'] }));
    t.sink(rec(`phone:${c.mac}`, 'display', { lines: ['No User Logged In'] })); // c is not registered yet
    expect(idle).toEqual([0]);
    t.sink(info(`phone:${a.mac}`, `hotdesk: user ${b.ext} logged in`)); // not a's user
    expect(t.counts.loggedIn).toBe(0);
    t.sink(info(`phone:${a.mac}`, `hotdesk: user ${a.ext} logged in`));
    expect(t.counts.loggedIn).toBe(1);
    expect(t.allSettled).toBe(false);
    // b's login refused: it can no longer get there, and counts as failed at once
    t.sink(info(`phone:${b.mac}`, 'service: registered with icp-1 at 192.168.10.1:6800 (boot)'));
    t.loginStarted(1);
    t.sink(info('controller', `callserver: login ${b.ext} on ${b.mac}: wrong-pin (2 left)`));
    expect(t.counts.failed).toBe(1);

    const view = (ext?: string): HotdeskView => ({ controllerId: 'icp-1', user: ext ? { ext } : undefined }) as unknown as HotdeskView;
    const v = judge(t, (i) => [view(a.ext), view(), undefined][i]);
    expect(v.reached).toBe(1);
    expect(v.causes).toEqual([undefined, 'login-wrong-pin', 'firmware-not-checked']);
    expect(v.failures).toEqual({ 'login-wrong-pin': 1, 'firmware-not-checked': 1 });
    // the trace said logged in, but the phone shows nobody: not there
    expect(judge(t, () => view()).causes[0]).toBe('user-lost');
  });

  it('re-homing counts from the kill, for registrations with another element', () => {
    let now = 0;
    const t = new FleetTracker({ phones: plans, target: { logins: false, rehome: true }, now: () => now });
    t.poweredOn(0);
    t.sink(info(`phone:${a.mac}`, 'service: registered with icp-1 at 192.168.10.1:6800 (boot)'));
    now = 60_000;
    t.killed('icp-1');
    now = 101_500;
    t.sink(info(`phone:${a.mac}`, 'service: registered with icp-2 at 192.168.10.2:6800 (failover)'));
    expect(t.histograms.rehomed.summary()).toMatchObject({ count: 1, max: 41_500 });
    expect(t.reached(0)).toBe(true);
    expect(t.reached(1)).toBe(false);
  });
});

describe('logins', () => {
  it('each login method has its keys', () => {
    expect(loginKeys('hotdesk-key', '61', '1234', '222')).toEqual(['hotdesk', 'login', '6', '1', 'ok', '1', '2', '3', '4', 'ok']);
    expect(loginKeys('handset-hotdesk-mode', '61', '12', '222')).toEqual(['login', '6', '1', 'ok', '1', '2', 'ok']);
    expect(loginKeys('dial', '61', '12', '222')).toEqual(['2', '2', '2', '*', '6', '1', '#', '1', '2', '#']);
  });

  it('--login-rate paces the logins in the order phones went idle; each phone once', async () => {
    const clock = new VirtualClock();
    const started: [number, number][] = [];
    const d = new LoginDriver({ clock, ratePerSecond: 2, start: (i) => started.push([i, clock.now()]) });
    d.idle(3);
    d.idle(1);
    d.idle(3);
    d.idle(2);
    await clock.advance(5000);
    expect(started).toEqual([
      [3, 0],
      [1, 500],
      [2, 1000],
    ]);
    const now = new LoginDriver({ clock, start: (i) => started.push([i, clock.now()]) });
    now.idle(7);
    await clock.advance(0);
    expect(started.at(-1)).toEqual([7, 5000]);
  });
});

describe('the progress line', () => {
  it('redraws in place at most every 200 ms of wall time, and ends on a fresh line', () => {
    const out: string[] = [];
    let wall = 0;
    const line = new ProgressLine({ write: (s: string) => out.push(s) }, 200, () => wall);
    const counts = { poweredOn: 10, dhcpAck: 9, firmwareChecked: 8, registered: 7, loggedIn: 6, rehomed: 0, failed: 1, heartbeats: 0, lampChanges: 0, blfChanges: 0, faults: 0, callsAttempted: 0, callsConnected: 0, callsFailed: 0 };
    line.update({ counts, phones: 12, simMs: 5000 });
    wall = 100;
    line.update({ counts, phones: 12, simMs: 6000 });
    wall = 300;
    line.update({ counts: { ...counts, rehomed: 2 }, phones: 12, simMs: 7000 });
    line.end();
    expect(out).toEqual([
      '\r\x1b[2K[ 5.00 s]  powered 10/12  booted 8  registered 7  logged in 6  failed 1',
      '\r\x1b[2K[ 7.00 s]  powered 10/12  booted 8  registered 7  logged in 6  re-homed 2  failed 1',
      '\n',
    ]);
    expect(progressText({ counts, phones: 12, simMs: 65_000 })).toMatch(/^\[  1m05s\]/);
  });
});
