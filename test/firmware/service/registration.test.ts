import { describe, expect, it } from 'vitest';
import { rig } from '../../support/rig.ts';

describe('hotdesk registration', () => {
  it('shows Set/ICP, Waiting for ACK..., Waiting for COMMS..., then No User Logged In', async () => {
    const r = rig();
    await r.boot();
    expect(r.displays).toEqual([['Set 10.0.0.50', 'ICP 10.0.0.1'], ['Waiting for ACK...'], ['Waiting for COMMS...'], ['No User Logged In']]);
    const reg = r.primary.got('register');
    expect(reg).toHaveLength(1);
    expect(reg[0]).toMatchObject({ mac: '00:08:5d:12:34:56', model: '5340', firmwareVersion: '1.0', hotdeskExt: '' });
    expect(r.events.registered).toBe(1);
    expect(r.ctx().controllerId).toBe('icp-1');
  });

  it('sends heartbeats at the interval the register-ack gives', async () => {
    const r = rig();
    r.primary.heartbeatSeconds = 10;
    await r.boot();
    await r.advance(35_000);
    expect(r.primary.got('heartbeat')).toHaveLength(3);
    expect(r.primary.got('heartbeat')[0]).toEqual({ type: 'heartbeat', hotdeskExt: '' });
  });

  it('handsets in HotDesk mode also idle on No User Logged In, with a Login softkey', async () => {
    const r = rig({ profile: '5607' });
    await r.boot();
    expect(r.shown()).toEqual(['No User Logged In']);
    expect(r.ctx().softkeys).toEqual(['login']);
  });

  it('registers with the secondary when the primary never answers, and fails back later', async () => {
    const r = rig();
    r.primary.up = false;
    await r.advance(20_000);
    expect(r.secondary.got('register')).toHaveLength(1);
    expect(r.ctx().server.ip).toBe('10.0.0.2');
    r.primary.up = true;
    await r.advance(25_000);
    expect(r.primary.got('health-check').length).toBeGreaterThan(0);
    expect(r.ctx().server.ip).toBe('10.0.0.1');
    expect(r.events.registered).toBe(1); // the image is confirmed once
  });
});
