// Line appearances (docs/design.md "Calls"): every free appearance of a DN is offered at once with its
// ring type; key-system lines carry one call and tell the other appearances (line-status), and any of
// them picks up a held call; multicall lines tell nobody and only the holder takes a call back.
import { describe, expect, it } from 'vitest';
import type { KeyEntry } from '../../../../sim/controller/config.ts';
import { OK, REJECTED, callIdOf, connect, dial, hold, offeredId, registered, release, resume, said, settle } from './call-harness.ts';
import { set, world } from './harness.ts';

const shared: KeyEntry[] = [
  { key: 'key:1', type: 'line', dn: '5100' },
  { key: 'key:2', type: 'multicall', dn: '5200' },
];

async function reception(xKeys: KeyEntry[] = shared, yKeys: KeyEntry[] = shared) {
  const w = world({ sets: [set('5001', { keys: xKeys }), set('5002', { keys: yKeys }), set('5003'), set('5004')] });
  const x = await registered(w, 1, '5001');
  const y = await registered(w, 2, '5002');
  const z = await registered(w, 3, '5003');
  const v = await registered(w, 4, '5004');
  return { w, x, y, z, v };
}

describe('calls: a key-system line on two sets', () => {
  it('rings both; the answer busies the other; hold shows held there, which picks it up', async () => {
    const { w, x, y, z } = await reception();
    expect(w.server.holds('5100')).toBe(true);
    const cz = callIdOf(await dial(z, '5100'));
    await settle(w);
    const onX = offeredId(x);
    const onY = offeredId(y);
    expect(said(x)).toEqual([`setup ${onX} line 1 5003>5100 ring`]);
    expect(said(y)).toEqual([`setup ${onY} line 1 5003>5100 ring`]);

    expect(await connect(x, onX)).toEqual(OK);
    await settle(w);
    expect(said(y)).toEqual([`release ${onY} answered-elsewhere`, `line-status 5100 key 1 busy ${onX} 5003`]);
    expect(said(x)).toEqual([]); // its own call: nothing to say about it
    expect(said(z)).toEqual([`connect ${cz} 5003>5100`]);

    expect(await hold(x, onX)).toEqual(OK);
    await settle(w);
    expect(said(y)).toEqual([`line-status 5100 key 1 held ${onX} 5003`]);

    // y picks the held call up on its own key 1: the call is y's now, x was told so
    expect(await resume(y, onX, 1)).toEqual(OK);
    await settle(w);
    expect(said(x)).toEqual([`release ${onX} picked-up`, `line-status 5100 key 1 busy ${onX} 5003`]);
    expect(said(y)).toEqual([]);
    expect(w.server.calls().find((c) => c.id === onX)).toEqual({ id: onX, dn: '5100', party: '5003', state: 'connected', mac: y.mac, line: 1 });
    expect(await hold(x, onX)).toEqual(REJECTED); // not x's any more
    expect(w.server.counters.calls.pickups).toBe(1);

    await release(z, cz);
    await settle(w);
    expect(said(y)).toEqual([`release ${onX} normal`]);
    expect(said(x)).toEqual([`line-status 5100 key 1 idle ${onX}`]);
  });

  it('a refused pick-up tells the set again that the line is held, so its lamp shows hold', async () => {
    const { w, x, y, z } = await reception();
    callIdOf(await dial(z, '5100'));
    await settle(w);
    const onX = offeredId(x);
    await connect(x, onX);
    await hold(x, onX);
    await settle(w);
    said(y);
    // y tries it on its multicall key 2: not a key-system appearance of 5100
    expect(await resume(y, onX, 2)).toEqual(REJECTED);
    await settle(w);
    expect(said(y)).toEqual([`line-status 5100 key 1 held ${onX} 5003`]);
    expect(w.server.calls().find((c) => c.id === onX)).toMatchObject({ state: 'held', mac: x.mac });
    // and the pick-up on key 1 still works
    expect(await resume(y, onX, 1)).toEqual(OK);
  });

  it('carries one call at a time: a second caller is busy while one appearance is in use', async () => {
    const { w, x, y, z, v } = await reception();
    callIdOf(await dial(z, '5100'));
    await settle(w);
    await connect(x, offeredId(x));
    expect(await dial(v, '5100')).toMatchObject({ type: 'call-release', cause: 'busy' });
    said(y);
    // dialling out on the key busies the other appearances too
    await release(z, w.server.calls()[0].id);
    await settle(w);
    said(y);
    const out = callIdOf(await dial(x, '5003', 1));
    expect(w.server.calls()[0]).toMatchObject({ id: out, dn: '5100', state: 'ringback', line: 1 });
    await settle(w);
    expect(said(y)).toEqual([`line-status 5100 key 1 busy ${out} 5003`]);
  });
});

describe('calls: a multicall line on two sets', () => {
  it('tells the other set nothing, refuses it the held call, and lets the holder take it back', async () => {
    const { w, x, y, z } = await reception();
    callIdOf(await dial(z, '5200'));
    await settle(w);
    const onX = offeredId(x);
    const onY = offeredId(y);
    said(x);
    said(y);
    await connect(x, onX);
    await hold(x, onX);
    await settle(w);
    expect(said(y)).toEqual([`release ${onY} answered-elsewhere`]); // no line-status on a multicall line
    expect(await resume(y, onX, 2)).toEqual(REJECTED);
    expect(w.server.counters.calls.refused['not-yours']).toBe(1);
    expect(await resume(x, onX, 2)).toEqual(OK);
    expect(w.server.calls().find((c) => c.id === onX)).toMatchObject({ state: 'connected', mac: x.mac });
  });

  it('offers a second call on both appearances: waiting behind x\'s call, ringing on y', async () => {
    const { w, x, y, z, v } = await reception();
    callIdOf(await dial(z, '5200'));
    await settle(w);
    await connect(x, offeredId(x));
    said(x);
    said(y);
    callIdOf(await dial(v, '5200'));
    await settle(w);
    const second = w.server.calls().filter((c) => c.dn === '5200' && (c.state === 'waiting' || c.state === 'ringing'));
    expect(second.map((c) => [c.mac, c.state])).toEqual([
      [x.mac, 'waiting'],
      [y.mac, 'ringing'],
    ]);
    expect(said(x)).toEqual([`setup ${second[0].id} line 2 5004>5200 ring`]);
  });
});

describe('calls: ring types', () => {
  const quiet: KeyEntry[] = [{ key: 'key:1', type: 'line', dn: '5100', ring: 'no-ring' }];
  const later: KeyEntry[] = [{ key: 'key:1', type: 'line', dn: '5100', ring: 'delay-ring', ringDelayMs: 3_000 }];

  it('offers each appearance with its own ring; a delay-ring one rings on a call-alerting after its delay', async () => {
    const { w, x, y, z } = await reception(quiet, later);
    callIdOf(await dial(z, '5100'));
    await settle(w, 20);
    const onX = offeredId(x);
    const onY = offeredId(y);
    expect(said(x)).toEqual([`setup ${onX} line 1 5003>5100 no-ring`]);
    expect(said(y)).toEqual([`setup ${onY} line 1 5003>5100 delay-ring`]);
    await w.clock.advance(2_900);
    expect(said(y)).toEqual([]);
    await w.clock.advance(200);
    expect(said(y)).toEqual([`alerting ${onY} 5003>5100`]);
    await w.clock.advance(10_000);
    expect(said(x)).toEqual([]); // no-ring stays silent: the lamp only
    expect(said(y)).toEqual([]); // and the delay rings once
  });

  it('an offer answered before the delay never rings the delayed appearance', async () => {
    const { w, x, y, z } = await reception(quiet, later);
    callIdOf(await dial(z, '5100'));
    await settle(w, 20);
    await connect(x, offeredId(x));
    const onY = offeredId(y);
    await w.clock.advance(5_000);
    expect(said(y)).toEqual([`setup ${onY} line 1 5003>5100 delay-ring`, `release ${onY} answered-elsewhere`, expect.stringMatching(/^line-status 5100 key 1 busy/)]);
  });
});
