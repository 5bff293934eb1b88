import { describe, expect, it } from 'vitest';
import { world } from './harness.ts';

describe('call server: registration, heartbeat, health', () => {
  it('acks a register with the heartbeat interval, its id and time, and lists the phone', async () => {
    const w = world({ heartbeatMs: 20_000, identity: { id: 'icp-7' } });
    const p = w.phone(1);
    const ack = await p.register('5000');
    expect(ack).toMatchObject({ type: 'register-ack', result: 'ok', heartbeatSeconds: 20, controllerId: 'icp-7', firmwareVersion: '' });
    expect(w.server.phones()).toEqual([
      expect.objectContaining({ mac: p.mac, model: '5340', firmwareVersion: '1.0.0.1', dn: '5000', ip: p.at.ip, port: 6800, hotdeskExt: '', blf: [] }),
    ]);
  });

  it('updates the last heartbeat and answers with the server time', async () => {
    const w = world();
    const p = w.phone(1);
    await p.register();
    const registeredAt = w.server.phones()[0].lastHeartbeat;
    await w.clock.advance(30_000);
    const ack = await p.ask({ type: 'heartbeat', hotdeskExt: '' });
    expect(ack.type).toBe('heartbeat-ack');
    expect(ack.type === 'heartbeat-ack' && ack.serverTimeMs).toBe(1_700_000_000_000 + w.clock.now() - 5); // answered on arrival, 5 ms latency
    expect(w.server.phones()[0].lastHeartbeat).toBeGreaterThan(registeredAt + 29_000);
  });

  it('answers health-check with its id and whether it takes phones', async () => {
    const w = world({ identity: { id: 'icp-2' } });
    const p = w.phone(1);
    expect(await p.ask({ type: 'health-check' })).toEqual({ type: 'health-ack', controllerId: 'icp-2', inService: true });
    w.server.inService = false;
    expect(await p.ask({ type: 'health-check' })).toEqual({ type: 'health-ack', controllerId: 'icp-2', inService: false });
  });

  it('refuses login from a phone that never registered', async () => {
    const w = world();
    expect(await w.phone(1).ask({ type: 'login-begin', ext: '5123' })).toEqual({ type: 'ack', status: 'rejected' });
  });

  it('a phone registering again from a new address replaces its record', async () => {
    const w = world();
    const a = w.phone(1, '00:08:5d:aa:bb:cc');
    await a.register('5000');
    const moved = w.phone(9, '00:08:5d:aa:bb:cc');
    await moved.register('5000');
    expect(w.server.phones().map((p) => p.ip)).toEqual([moved.at.ip]);
  });

  it('answers call messages it does not handle yet with ack unsupported', async () => {
    const w = world();
    const p = w.phone(1);
    await p.register();
    expect(await p.ask({ type: 'call-setup', callId: 1, line: 0, fromDn: '5000', toDn: '5001' })).toEqual({ type: 'ack', status: 'unsupported' });
  });
});
