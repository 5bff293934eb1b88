// Transfer (consulted and blind) and the three-party conference over sealed signalling: who is told
// what, and which legs are left (docs/design.md "Calls", docs/protocol.md call-transfer, call-conference).
import { describe, expect, it } from 'vitest';
import { OK, REJECTED, callIdOf, conference, connect, dial, hold, offeredId, registered, release, said, settle, transfer } from './call-harness.ts';
import { set, world } from './harness.ts';
import type { FakePhone, World } from './harness.ts';

/** x calls a, a answers and holds it: [x's leg, a's held leg]. */
async function heldCall(w: World, x: FakePhone, a: FakePhone): Promise<[number, number]> {
  const px = callIdOf(await dial(x, '5000'));
  await settle(w);
  const h1 = offeredId(a);
  expect(await connect(a, h1)).toEqual(OK);
  expect(await hold(a, h1)).toEqual(OK);
  return [px, h1];
}

async function three() {
  const w = world({ sets: [set('5000'), set('5001'), set('5002')] });
  const a = await registered(w, 1, '5000');
  const x = await registered(w, 2, '5001');
  const y = await registered(w, 3, '5002');
  return { w, a, x, y };
}

function clear(...phones: FakePhone[]): void {
  for (const p of phones) said(p);
}

/** x's call held on a, and a's consultation with y answered; what each was told so far forgotten. */
async function consulted() {
  const t = await three();
  const { w, a, x, y } = t;
  const [px, h1] = await heldCall(w, x, a);
  const h2 = callIdOf(await dial(a, '5002'));
  await settle(w);
  const py = offeredId(y);
  await connect(y, py);
  await settle(w);
  clear(a, x, y);
  return { ...t, px, py, h1, h2 };
}

describe('calls: transfer', () => {
  it('consulted: the two far ends are joined and told their new party; the transferring set is not told', async () => {
    const { w, a, x, y, px, py, h1, h2 } = await consulted();
    expect(await transfer(a, h1, h2)).toEqual(OK);
    await settle(w);
    expect(said(x)).toEqual([`connect ${px} 5001>5002`]);
    expect(said(y)).toEqual([`connect ${py} 5001>5002`]);
    expect(said(a)).toEqual([]);
    expect(w.server.calls()).toEqual([
      { id: px, dn: '5001', party: '5002', state: 'connected', mac: x.mac, line: 0 },
      { id: py, dn: '5002', party: '5001', state: 'connected', mac: y.mac, line: 0 },
    ]);
    expect(w.server.counters.calls).toMatchObject({ transfers: 1, released: expect.objectContaining({ transferred: 2 }) });
    await release(x, px);
    await settle(w);
    expect(said(y)).toEqual([`release ${py} normal`]);
  });

  it('blind: the held party becomes the caller of the ringing call, and is connected when it is answered', async () => {
    const { w, a, x, y } = await three();
    const [px, h1] = await heldCall(w, x, a);
    const h2 = callIdOf(await dial(a, '5002'));
    await settle(w);
    const py = offeredId(y);
    clear(a, x, y);
    expect(await transfer(a, h1, h2)).toEqual(OK);
    await settle(w);
    expect(said(x)).toEqual([`alerting ${px} 5001>5002`]);
    // offered by a, rung by x now: y is told who calls it before it answers
    expect(said(y)).toEqual([`alerting ${py} 5001>5002`]);
    expect(w.server.calls().find((c) => c.id === px)).toMatchObject({ state: 'ringback', party: '5002' });
    expect(await connect(y, py)).toEqual(OK);
    await settle(w);
    expect(said(x)).toEqual([`connect ${px} 5001>5002`]);
    expect(said(y)).toEqual([]);
    expect(said(a)).toEqual([]);
    expect(w.server.calls().map((c) => [c.id, c.state])).toEqual([
      [px, 'connected'],
      [py, 'connected'],
    ]);
  });

  it('refuses a transfer naming another phone\'s call or a call it does not have', async () => {
    const { w, a, x, y } = await three();
    const [px, h1] = await heldCall(w, x, a);
    expect(await transfer(a, h1, px)).toEqual(REJECTED);
    expect(await transfer(a, h1, 9999)).toEqual(REJECTED);
    expect(await transfer(y, h1, px)).toEqual(REJECTED);
    expect(w.server.counters.calls.transfers).toBe(0);
    expect(w.server.calls()).toHaveLength(2);
  });
});

describe('calls: conference', () => {
  async function conferenced() {
    const t = await consulted();
    expect(await conference(t.a, t.h1, t.h2)).toEqual(OK);
    await settle(t.w);
    return t;
  }

  it('joins the three: the other two are told call-conference', async () => {
    const { w, a, x, y, px, py } = await conferenced();
    expect(said(x)).toEqual([`conference ${px} 0`]);
    expect(said(y)).toEqual([`conference ${py} 0`]);
    expect(said(a)).toEqual([]);
    expect(w.server.calls().map((c) => c.state)).toEqual(['conference', 'conference', 'conference', 'conference']);
    expect(w.server.counters.calls.conferences).toBe(1);
  });

  it('the host leaving joins the other two as a call of their own', async () => {
    const { w, a, x, y, px, py, h1, h2 } = await conferenced();
    clear(x, y);
    expect(await release(a, h2)).toEqual(OK);
    await settle(w);
    expect(said(a)).toEqual([`release ${h1} normal`]);
    expect(said(x)).toEqual([`connect ${px} 5001>5002`]);
    expect(said(y)).toEqual([`connect ${py} 5001>5002`]);
    expect(w.server.calls().map((c) => [c.id, c.state, c.party])).toEqual([
      [px, 'connected', '5002'],
      [py, 'connected', '5001'],
    ]);
  });

  it('a party leaving leaves the host a plain call with the other', async () => {
    const { w, a, x, y, px, py, h1, h2 } = await conferenced();
    clear(x, y);
    expect(await release(x, px)).toEqual(OK);
    await settle(w);
    expect(said(a)).toEqual([`release ${h1} normal`, `connect ${h2} 5000>5002`]);
    expect(said(y)).toEqual([`connect ${py} 5000>5002`]);
    expect(w.server.calls().map((c) => [c.id, c.state])).toEqual([
      [h2, 'connected'],
      [py, 'connected'],
    ]);
  });
});
