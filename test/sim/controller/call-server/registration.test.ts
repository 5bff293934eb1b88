import { describe, expect, it } from 'vitest';
import { FakePhone, SERVER, user, world } from './harness.ts';

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

  it('refuses a phone\'s call-setup that names a call id (the controller names calls)', async () => {
    const w = world();
    const p = w.phone(1);
    await p.register();
    expect(await p.ask({ type: 'call-setup', callId: 1, line: 0, fromDn: '5000', toDn: '5001', ring: 'ring' })).toEqual({ type: 'ack', status: 'rejected' });
  });
});

describe('call server: a forged register from a phone\'s own address (issue "Security and reliability")', () => {
  it('takes nothing over: the real phone keeps its registration, its PIN works and nobody is locked', async () => {
    const w = world({ users: [user('5123', '1234')] });
    const real = w.phone(1);
    await real.register('5000');
    // another host at the very same IP and port, claiming another MAC, and registering for it
    const forger = new FakePhone(w, '00:08:5d:66:66:66', real.at, 999);
    w.net.attach(real.at, { receive: (ip, port, b) => (real.endpoint.receive(ip, port, b), forger.endpoint.receive(ip, port, b)) });
    expect(await forger.register('5000')).toMatchObject({ type: 'register-ack', result: 'ok' });
    // two phones at one address: each its own session, neither evicted
    expect(w.server.phones().map((p) => p.mac).sort()).toEqual([real.mac, forger.mac].sort());
    expect(await real.login('5123', '1234')).toMatchObject({ code: 'ok' });
    expect(w.server.users()).toEqual([expect.objectContaining({ ext: '5123', mac: real.mac })]);
    // and a register for the real phone's MAC on the forger's session is refused
    expect(await forger.ask({ type: 'register', mac: real.mac, model: '5340', firmwareVersion: '1', dn: '', hotdeskExt: '5123', sessionToken: new Uint8Array(16), layoutCrc: 0 })).toMatchObject({
      type: 'register-ack',
      result: 'refused',
    });
    expect(w.server.users()).toEqual([expect.objectContaining({ ext: '5123', mac: real.mac })]);
  });
});

describe('call server: a phone whose session lapsed (review: one lost heartbeat)', () => {
  it('keeps its registration on the new session it opens: logins and pushes work there', async () => {
    const w = world({ users: [user('5123', '1234')] });
    const p = w.phone(1);
    await p.register('5000');
    // a request went unanswered: the phone forgets the session and opens a new one with its next request
    p.endpoint.forget(SERVER, w.clock.now());
    expect(await p.ask({ type: 'heartbeat', hotdeskExt: '' })).toMatchObject({ type: 'heartbeat-ack' });
    expect(await p.login('5123', '1234')).toMatchObject({ code: 'ok' });
    expect(w.server.phones()).toEqual([expect.objectContaining({ mac: p.mac })]);
  });
});
