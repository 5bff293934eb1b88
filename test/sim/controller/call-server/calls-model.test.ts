// The call model alone (sim/controller/call-server/calls/model.ts): legs and what each operation tells
// which phone, through a recording sink. No network, no clock.
import { describe, expect, it } from 'vitest';
import type { CallMessage, ReleaseCause } from '../../../../firmware/signalling/messages.ts';
import { appearanceAt, appearancesOf, type Appearance, type PhoneLayout } from '../../../../sim/controller/call-server/calls/appearances.ts';
import { CallModel, type Leg, type Spot } from '../../../../sim/controller/call-server/calls/model.ts';
import type { KeyEntry } from '../../../../sim/controller/config.ts';

function recorder() {
  const pushes: { mac: string; msg: CallMessage }[] = [];
  const ended: { id: number; cause: ReleaseCause }[] = [];
  const later: { id: number; ms: number }[] = [];
  const model = new CallModel({
    changed: (leg: Readonly<Leg>, cause?: ReleaseCause) => {
      if (cause) ended.push({ id: leg.id, cause });
    },
    push: (mac, msg) => pushes.push({ mac, msg }),
    ringLater: (leg, ms) => later.push({ id: leg.id, ms }),
  });
  /** What `mac` was sent, as "type callId[ cause]" strings, and forgets it. */
  const to = (mac: string) => {
    const mine = pushes.filter((p) => p.mac === mac).map(({ msg }) => `${msg.type} ${msg.type === 'line-status' ? msg.callId : msg.callId}${msg.type === 'call-release' ? ` ${msg.cause}` : ''}`);
    pushes.splice(0, pushes.length, ...pushes.filter((p) => p.mac !== mac));
    return mine;
  };
  return { model, pushes, ended, later, to };
}

const app = (mac: string, dn: string, line = 0, kind: Appearance['kind'] = 'multicall', ring: Appearance['ring'] = 'ring'): Appearance => ({ mac, line, dn, kind, ring, ringDelayMs: 10_000, prime: line === 0 });
const spot = (a: Appearance): Spot => ({ mac: a.mac, line: a.line, kind: a.kind });

/** A connected call from `fromApp` to `toApp`; returns [caller leg, answerer leg]. */
function connect(model: CallModel, fromApp: Appearance, toApp: Appearance): [number, number] {
  const { leg } = model.call({ dn: fromApp.dn, at: spot(fromApp) }, toApp.dn, [toApp]);
  const offered = leg.offers[0];
  expect(model.answer(offered)).toBe(true);
  return [leg.id, offered];
}

/** Set a holds x's call (p1/h1) and is connected to y (h2/p2); the pushes so far are read off. */
function consulting() {
  const r = recorder();
  const [p1, h1] = connect(r.model, app('x', '5001'), app('a', '5000'));
  r.model.hold(h1);
  const [h2, p2] = connect(r.model, app('a', '5000'), app('y', '5002'));
  for (const mac of ['x', 'y', 'a']) r.to(mac);
  return { ...r, p1, h1, h2, p2 };
}

describe('appearances', () => {
  const keys: KeyEntry[] = [
    { key: 'key:1', type: 'line', dn: '5100', ring: 'no-ring' },
    { key: 'key:2', type: 'multicall', dn: '5123', ring: 'delay-ring', ringDelayMs: 4000 },
    { key: 'key:2', type: 'line', dn: '5999' }, // a second entry for key 2: left out, as the download leaves it
    { key: 'key:3', type: 'blf', dn: '5100' },
    { key: 'pkm1:1', type: 'line', dn: '5100' }, // a key module's key cannot carry a call
  ];
  const phones: PhoneLayout[] = [
    { mac: 'a', primeDn: '5123', keys },
    { mac: 'b', primeDn: '5000', keys: [] },
    { mac: 'c', primeDn: '5001', keys: [{ key: 'key:9', type: 'line', dn: '5123' }] },
  ];

  it('the prime appearance is the holder\'s own key for the DN, then every other key, hidden or not', () => {
    expect(appearancesOf('5123', phones).map((a) => [a.mac, a.line, a.kind, a.ring, a.prime])).toEqual([
      ['a', 2, 'multicall', 'delay-ring', true],
      ['c', 9, 'line', 'ring', false],
    ]);
    expect(appearancesOf('5123', phones)[0].ringDelayMs).toBe(4000);
  });

  it('a holder without a key for its DN has line 0, which rings; keys elsewhere count, BLF and PKM keys do not', () => {
    expect(appearancesOf('5000', phones)).toEqual([app('b', '5000')]);
    expect(appearancesOf('5100', phones).map((a) => [a.mac, a.line, a.kind, a.ring])).toEqual([['a', 1, 'line', 'no-ring']]);
    expect(appearancesOf('5999', phones)).toEqual([]);
    expect(appearancesOf('', phones)).toEqual([]);
  });

  it('names what a phone has at a line: 0 is its prime line, a key number its key, else nothing', () => {
    expect(appearanceAt(phones[0], 0)).toMatchObject({ dn: '5123', line: 0 });
    expect(appearanceAt(phones[0], 1)).toMatchObject({ dn: '5100', kind: 'line' });
    expect(appearanceAt(phones[0], 3)).toBeUndefined(); // a BLF key
  });
});

describe('call model', () => {
  it('offers a call on every free appearance at once, rings back the caller, and the first answer takes it', () => {
    const { model, to, ended } = recorder();
    const { leg, busy } = model.call({ dn: '5000', at: spot(app('a', '5000')) }, '5100', [app('b', '5100', 1, 'line'), app('c', '5100', 1, 'line', 'no-ring')]);
    expect(busy).toBe(false);
    expect(model.lineState('5000')).toBe('busy');
    expect(model.lineState('5100')).toBe('ringing');
    const [onB, onC] = leg.offers;
    expect(to('b')).toEqual([`call-setup ${onB}`]);
    expect(to('c')).toEqual([`call-setup ${onC}`]);
    expect(model.answer(onC)).toBe(true);
    expect(to('b')).toEqual([`call-release ${onB} answered-elsewhere`]);
    expect(to('a')).toEqual([`call-connect ${leg.id}`]);
    expect(ended).toEqual([{ id: onB, cause: 'answered-elsewhere' }]);
    expect(model.answer(onB)).toBe(false); // gone
    expect(model.legs().map((l) => [l.id, l.state, l.party])).toEqual([
      [leg.id, 'connected', '5100'],
      [onC, 'connected', '5000'],
    ]);
    expect(model.lineState('5100')).toBe('busy');
  });

  it('never offers on the caller\'s own phone; with nothing free the caller is busy', () => {
    const { model, ended, pushes } = recorder();
    const { leg, busy } = model.call({ dn: '5000', at: spot(app('a', '5000')) }, '5000', [app('a', '5000')]);
    expect(busy).toBe(true);
    expect(ended).toEqual([{ id: leg.id, cause: 'busy' }]);
    expect(pushes).toEqual([]);
    expect(model.legs()).toEqual([]);
  });

  it('a key-system line carries one call; a multicall appearance two, the second waiting, then busy', () => {
    const { model } = recorder();
    const ks = app('b', '5100', 1, 'line');
    connect(model, app('a', '5000'), ks);
    expect(model.isFree(ks)).toBe(false);
    expect(model.isFree(app('c', '5100', 4, 'line'))).toBe(false); // another appearance of the same line
    const mc = app('b', '5200', 2);
    connect(model, app('x', '5001'), mc);
    const second = model.call({ dn: '5002', at: spot(app('y', '5002')) }, '5200', [mc]);
    expect(model.leg(second.leg.offers[0])?.state).toBe('waiting');
    expect(model.call({ dn: '5003', at: spot(app('z', '5003')) }, '5200', [mc]).busy).toBe(true);
    // the call in front ends: the waiting one rings there now
    const front = model.legsAt('b', 2).find((l) => l.state === 'connected')!;
    model.hangUp(front.id);
    expect(model.leg(second.leg.offers[0])?.state).toBe('ringing');
  });

  it('a multicall appearance never takes two unanswered offers', () => {
    const { model } = recorder();
    const mc = app('b', '5200');
    model.call({ dn: '5000' }, '5200', [mc]);
    expect(model.call({ dn: '5001' }, '5200', [mc]).busy).toBe(true);
  });

  it('a caller hanging up cancels the offers; the last offer turned down ends the call', () => {
    const { model, to, ended } = recorder();
    const a = model.call({ dn: '5000', at: spot(app('a', '5000')) }, '5100', [app('b', '5100', 1, 'line'), app('c', '5100', 1, 'line')]);
    to('b');
    to('c');
    model.hangUp(a.leg.id);
    expect(to('b')).toEqual([`call-release ${a.leg.offers[0]} normal`]);
    expect(to('c')).toEqual([`call-release ${a.leg.offers[1]} normal`]);
    expect(to('a')).toEqual([]); // its own phone released it
    const b = model.call({ dn: '5000', at: spot(app('a', '5000')) }, '5200', [app('b', '5200')]);
    model.hangUp(b.leg.offers[0]);
    expect(to('a')).toEqual([`call-release ${b.leg.id} normal`]);
    expect(ended.map((e) => e.cause)).toEqual(['normal', 'normal', 'normal', 'normal', 'normal']);
    expect(model.legs()).toEqual([]);
  });

  it('a delay-ring offer asks for its alarm and rings on it only while still offered', () => {
    const { model, later, to } = recorder();
    const { leg } = model.call({ dn: '5000' }, '5123', [app('b', '5123', 2, 'multicall', 'delay-ring')]);
    const offered = leg.offers[0];
    expect(later).toEqual([{ id: offered, ms: 10_000 }]);
    expect(to('b')).toEqual([`call-setup ${offered}`]);
    model.delayElapsed(offered);
    expect(to('b')).toEqual([`call-alerting ${offered}`]);
    model.answer(offered);
    model.delayElapsed(offered);
    expect(to('b')).toEqual([]);
  });

  it('hold and resume; only a held key-system call can be picked up elsewhere, its holder told picked-up', () => {
    const { model, to } = recorder();
    const [, onB] = connect(model, app('a', '5000'), app('b', '5100', 1, 'line'));
    expect(model.resume(onB)).toBe(false); // not held
    expect(model.hold(onB)).toBe(true);
    expect(model.lineState('5100')).toBe('busy');
    to('b');
    expect(model.pickup(onB, { mac: 'c', line: 1, kind: 'line' })).toBe(true);
    expect(to('b')).toEqual([`call-release ${onB} picked-up`]);
    expect(model.leg(onB)).toMatchObject({ state: 'connected', at: { mac: 'c', line: 1 } });
    const [, onMc] = connect(model, app('x', '5001'), app('b', '5200', 2));
    model.hold(onMc);
    expect(model.pickup(onMc, { mac: 'c', line: 2, kind: 'multicall' })).toBe(false);
  });

  it('transfer of an answered consultation joins the two far ends, each told its new party', () => {
    const { model, to, ended, p1, h1, h2, p2 } = consulting();
    expect(model.transfer(h1, h2)).toBe(true);
    expect(to('a')).toEqual([]); // the transferring set ends its legs itself
    expect(ended).toEqual([
      { id: h1, cause: 'transferred' },
      { id: h2, cause: 'transferred' },
    ]);
    expect(to('x')).toEqual([`call-connect ${p1}`]);
    expect(to('y')).toEqual([`call-connect ${p2}`]);
    expect(model.leg(p1)).toMatchObject({ peer: p2, party: '5002', state: 'connected' });
    expect(model.leg(p2)).toMatchObject({ peer: p1, party: '5001', state: 'connected' });
  });

  it('a blind transfer makes the held party the caller of the ringing call', () => {
    const { model, to, pushes } = recorder();
    const [p1, h1] = connect(model, app('x', '5001'), app('a', '5000'));
    model.hold(h1);
    const consult = model.call({ dn: '5000', at: spot(app('a', '5000')) }, '5002', [app('y', '5002')]);
    const onY = consult.leg.offers[0];
    to('x');
    to('y');
    expect(model.transfer(h1, consult.leg.id)).toBe(true);
    expect(to('x')).toEqual([`call-alerting ${p1}`]);
    // the set still ringing learns at once who calls it now
    expect(to('y')).toEqual([`call-alerting ${onY}`]);
    expect(model.leg(onY)).toMatchObject({ party: '5001', peer: p1 });
    expect(pushes.find((p) => p.mac === 'x')).toBeUndefined();
    expect(model.leg(p1)).toMatchObject({ state: 'ringback', party: '5002', outgoing: true });
    model.answer(onY);
    expect(to('x')).toEqual([`call-connect ${p1}`]);
    expect(to('y')).toEqual([]);
  });

  it('refuses transfers and conferences of legs that cannot do it', () => {
    const { model } = recorder();
    const [, h1] = connect(model, app('x', '5001'), app('a', '5000'));
    const [, other] = connect(model, app('y', '5002'), app('b', '5003'));
    expect(model.transfer(h1, other)).toBe(false); // another set's call
    expect(model.transfer(h1, h1)).toBe(false);
    expect(model.conference(h1, 999)).toBe(false);
  });

  it('a conference: the host leaving joins the other two; a party leaving leaves the host a plain call', () => {
    const { model, to, p1, h1, h2, p2 } = consulting();
    expect(model.conference(h1, h2)).toBe(true);
    expect(to('x')).toEqual([`call-conference ${p1}`]);
    expect(to('y')).toEqual([`call-conference ${p2}`]);
    expect(model.legs().every((l) => l.state === 'conference')).toBe(true);
    expect(model.lineState('5000')).toBe('busy');
    // the host hangs up one leg: both of its legs end, the others talk on
    model.hangUp(h2);
    expect(to('a')).toEqual([`call-release ${h1} normal`]);
    expect(to('x')).toEqual([`call-connect ${p1}`]);
    expect(to('y')).toEqual([`call-connect ${p2}`]);
    expect(model.leg(p1)).toMatchObject({ state: 'connected', peer: p2, party: '5002' });
    expect(model.lineState('5000')).toBe('idle');
  });

  it('a party leaving a conference: the host is told that leg ended and the other is a plain call again', () => {
    const { model, to } = recorder();
    const [p1, h1] = connect(model, app('x', '5001'), app('a', '5000'));
    model.hold(h1);
    const [h2, p2] = connect(model, app('a', '5000'), app('y', '5002'));
    model.conference(h1, h2);
    to('a');
    to('y');
    model.hangUp(p1);
    expect(to('a')).toEqual([`call-release ${h1} normal`, `call-connect ${h2}`]);
    expect(to('y')).toEqual([`call-connect ${p2}`]);
    expect(model.leg(h2)).toMatchObject({ state: 'connected', bridge: undefined });
    expect(model.leg(p2)).toMatchObject({ state: 'connected', party: '5000' });
  });

  it('a party the call server plays rings until answered, and a phone hanging up simply ends it', () => {
    const { model, to, ended } = recorder();
    const { leg } = model.call({ dn: '5000', at: spot(app('a', '5000')) }, '0', 'simulated');
    const party = model.leg(leg.offers[0])!;
    expect(party).toMatchObject({ dn: '0', state: 'ringing' });
    expect(party.at).toBeUndefined();
    expect(model.lineState('0')).toBe('ringing');
    model.answer(party.id);
    expect(to('a')).toEqual([`call-connect ${leg.id}`]);
    model.hangUp(leg.id);
    expect(ended).toEqual([
      { id: party.id, cause: 'normal' },
      { id: leg.id, cause: 'normal' },
    ]);
    expect(model.legs()).toEqual([]);
  });
});
