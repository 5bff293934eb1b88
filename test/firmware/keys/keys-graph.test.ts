// Model-based test of the keys machine (the key map and every lamp): xstate/graph walks its two regions
// (layout: own / user; download: idle / receiving / check) from sample events - the session's user in
// and out, a key layout's begin and blocks (one with a good CRC, one announced with a bad one, a block
// out of range), BLF states, the service's news, and the calls owner's line lamps (two calls on one key:
// the most urgent shows). Each path is then replayed on a live keys machine invoked next to recorders
// standing in for the link, the service and the calls owner, with `setLamp` and `publish` bound: at
// every step the lamps written must match what the machine says is lit.
import { describe, expect, it } from 'vitest';
import type { AnyEventObject, AnyMachineSnapshot } from 'xstate';
import { keysMachine, type KeysInput, type KeysView } from '../../../firmware/keys/machine.ts';
import { SYSTEM } from '../../../firmware/service/events.ts';
import { encodeKeyLayout, type KeyEntry } from '../../../firmware/signalling/key-layout.ts';
import { blocksIn, splitKeyLayout } from '../../../firmware/signalling/key-layout-transfer.ts';
import type { Message } from '../../../firmware/signalling/messages.ts';
import { checkCoverage, checkPassedLive, replayAll, live, named, replay, walk } from '../../support/graph-walk.ts';

const INPUT: KeysInput = { programmableKeys: 4, pkmKeys: [2] };
/** A set's own programming: a line, a BLF key, a line beyond the 4 keys (hidden), a BLF key on the module. */
const LAYOUT: KeyEntry[] = [
  { key: 1, type: 'line', dn: '5000', label: '' },
  { key: 2, type: 'blf', dn: '5007', label: 'Bob' },
  { key: 6, type: 'line', dn: '5006', label: '' },
  { module: 1, key: 1, type: 'blf', dn: '5008', label: '' },
];
const payload = encodeKeyLayout(LAYOUT);
const { begin, blocks } = splitKeyLayout(payload, Math.ceil(payload.length / 2));
const badBegin = { ...begin, crc32: (begin.crc32 ^ 1) >>> 0 };

const push = (label: string, msg: Message) => named(label, { type: 'sig.push', msg });
const line = (label: string, id: string, dn: string, lineKey: number, state: 'ringing' | 'busy' | 'hold' | 'idle') => named(label, { type: 'keys.line', id, dn, line: lineKey, state });

const SAMPLES: AnyEventObject[] = [
  named('user in', { type: 'keys.user-in' }),
  named('user out', { type: 'keys.user-out' }),
  push('layout begin', begin),
  push('layout begin, bad CRC', badBegin),
  push('block 0', blocks[0]),
  push('block 1', blocks[1]),
  push('block out of range', { type: 'key-layout-block', index: 7, bytes: new Uint8Array(3) }),
  push('blf 5007 busy', { type: 'blf-state', dn: '5007', state: 'busy' }),
  push('blf 5008 logged-out', { type: 'blf-state', dn: '5008', state: 'logged-out' }),
  named('registered', { type: 'service.registered', mode: 'failover', controllerId: 'icp-2' }),
  named('rehoming', { type: 'service.rehoming', mode: 'failover' }),
  line('call 1 rings on key 1', 'call:1', '5000', 1, 'ringing'),
  line('call 2 held on key 1', 'call:2', '5000', 1, 'hold'),
  line('call 3 rings on the hidden line', 'call:3', '5006', 6, 'ringing'),
  line('call 1 ends', 'call:1', '5000', 1, 'idle'),
];

/**
 * The state value and what decides what comes next: the module keys enabled, the transfer (which begin,
 * blocks in), the keys shown, the BLF DNs, the ringing calls and the lamps lit (keys only).
 */
const abstraction = (s: AnyMachineSnapshot) => {
  const c = s.context;
  const dl = c.download ? `${c.download.begin.crc32 === begin.crc32 ? 'good' : 'bad'}:${blocksIn(c.download)}` : '-';
  const keys = c.keys.map((k: { id: string }) => k.id).join(',');
  return `${JSON.stringify(s.value)} pkm=${c.pkmEnabled} dl=${dl} keys=${keys} blf=${c.blfDns.join(',')} lines=${Object.entries(c.lineLamps).map(([id, l]) => `${id}:${(l as { state: string }).state}`).sort().join(',')} lit=${Object.keys(c.lit).sort().join(',')}`;
};

// the service's news changes nothing the abstraction sees: take it as a transition where BLF keys are
// shown (with no transfer or call in the way, to keep the walk small), so the replay sees what it does
const edge = (prev: AnyMachineSnapshot, e: AnyEventObject) =>
  e.type.startsWith('service.') && prev.context.blfDns.length > 0 && prev.context.download === undefined && Object.keys(prev.context.lineLamps).length === 0;
const w = walk(keysMachine, { input: INPUT, events: () => SAMPLES, abstraction, edge });

describe('keys machine, model-based', () => {
  const eventless = new Set<string>();

  it('reaches every state of the machine', () => {
    checkCoverage('keys', w);
  });

  it('passes through download.check without stopping', () => {
    expect(w.reached.get('keys.download.check')).toBe('passed');
  });

  replayAll(w, (path) => {
    const lamps = new Map<string, string>();
    const views: KeysView[] = [];
    const traces: string[] = [];
    const machine = keysMachine.provide({
      actions: {
        setLamp: (_, p) => void (p.cadence === 'off' ? lamps.delete(p.key) : lamps.set(p.key, p.cadence)),
        publish: (_, v) => void views.push(v),
        trace: (_, p) => void traces.push(p.message),
      },
    });
    const l = live(machine, { systemId: SYSTEM.keys, input: INPUT, peers: [SYSTEM.link, SYSTEM.service, SYSTEM.calls] });
    const to = (name: string) => l.sent.filter((e) => e.to === name).map((e) => e.event);

    /** What was traced and sent to the link before this step. */
    let tracesBefore = 0;
    let linkBefore = 0;
    replay(path, l, abstraction, (snap, step, i) => {
      const c = snap.context;
      // the hardware's lamps are what the machine says is lit: the one writer of lamps keeps them in step
      expect(Object.fromEntries(lamps)).toEqual(c.lit);
      // the service holds the CRC of the layout shown (the last one told, 0 before any), told only when it changes
      const told = to(SYSTEM.service).filter((e) => e.type === 'service.layout').map((e) => e.crc as number);
      expect(told.at(-1) ?? 0).toBe(c.layoutCrc);
      told.forEach((crc, k) => expect(crc, `service.layout #${k}`).not.toBe(k === 0 ? 0 : told[k - 1]));
      // the key modules are dark for a hot desk user
      if (snap.matches({ layout: 'user' })) {
        expect(c.pkmEnabled).toBe(false);
        expect([...lamps.keys()].filter((k) => k.startsWith('pkm'))).toEqual([]);
      }
      if (i > 0 && path.steps[i - 1].state.matches({ layout: 'user' }) && snap.matches({ layout: 'own' })) {
        // logged out: the user's keys are gone and every lamp is dark (the set's own programming comes again from the controller)
        expect(c.keys).toEqual([]);
        expect(lamps.size).toBe(0);
        expect(c.pkmEnabled).toBe(true);
      }
      const e = step.event;
      const traced = traces.slice(tracesBefore);
      const requested = to(SYSTEM.link).slice(linkBefore).filter((x) => x.type === 'sig.request');
      if (e.type === 'sig.push' && e.msg.type === 'key-layout-block' && snap.matches({ download: 'idle' })) {
        if (path.steps[i - 1].state.context.download.begin.crc32 !== begin.crc32) {
          expect(traced).toEqual([expect.stringMatching(/^key layout refused: bad-crc/)]);
        } else {
          // applied: keys beyond the 4 hidden (their line still rings), module keys only while the modules are enabled
          const own = c.pkmEnabled;
          expect(c.keys.map((k: { id: string }) => k.id)).toEqual(own ? ['key:1', 'key:2', 'pkm1:1'] : ['key:1', 'key:2']);
          expect(c.hiddenLines.map((k: { dn: string }) => k.dn)).toEqual(['5006']);
          expect(views.at(-1)?.keys.map((k) => k.id)).toEqual(c.keys.map((k: { id: string }) => k.id));
          // the BLF keys are subscribed, and dark until their state is pushed
          expect(requested.at(-1)).toMatchObject({ msg: { type: 'blf-subscribe', dns: own ? ['5007', '5008'] : ['5007'] } });
          expect([lamps.has('key:2'), lamps.has('pkm1:1')]).toEqual([false, false]);
        }
      }
      if (e.type === 'sig.push' && e.msg.type === 'blf-state') {
        const key = c.keys.find((k: { dn: string; type: string }) => k.type === 'blf' && k.dn === e.msg.dn);
        if (key) expect(lamps.get(key.id)).toBe(e.msg.state === 'logged-out' ? 'hotdesk-logged-out' : e.msg.state);
      }
      // a new controller knows nothing of what this set monitored: the subscriptions are renewed
      if (e.type === 'service.registered') expect(requested).toMatchObject(c.blfDns.length > 0 ? [{ msg: { type: 'blf-subscribe', dns: c.blfDns } }] : []);
      if (e.type === 'keys.line') {
        // a visible line key shows the most urgent of its calls; a hidden line lights nothing
        const key = c.keys.find((k: { id: string; dn: string; type: string }) => k.id === `key:${e.line}` && k.dn === e.dn && k.type === 'line');
        if (key) {
          const states = Object.values(c.lineLamps as Record<string, { key: string; state: string }>).filter((l) => l.key === key.id).map((l) => l.state);
          const want = states.includes('ringing') ? 'ringing' : states.includes('busy') ? 'busy' : states.includes('hold') ? 'hold' : undefined;
          expect(lamps.get(key.id)).toBe(want);
        } else {
          expect(Object.keys(c.lineLamps)).not.toContain(e.id);
        }
      }
      // every layout applied or dropped tells the calls owner the line appearances
      if (e.type === 'sig.push' && e.msg.type === 'key-layout-block' && snap.matches({ download: 'idle' }) && path.steps[i - 1].state.context.download.begin.crc32 === begin.crc32) {
        expect(to(SYSTEM.calls).at(-1)).toEqual({ type: 'calls.lines', lines: [{ line: 1, dn: '5000', type: 'line', key: 'key:1' }, { line: 6, dn: '5006', type: 'line' }] });
      }
      if (e.type === 'service.rehoming') expect(to(SYSTEM.link).slice(linkBefore).map((x) => x.type)).toEqual(['sig.cancel']);
      tracesBefore = traces.length;
      linkBefore = to(SYSTEM.link).length;
    });
    l.root.stop();
    for (const id of l.eventless) eventless.add(id);
  });

  it('took the eventless transition out of every transient node it counts (live)', () => checkPassedLive(w, eventless));

  // DEFECT (firmware/keys/machine.ts, download region): a key-layout-block goes to `check` whether or
  // not a transfer is under way; with none (`context.download` undefined) layoutComplete is false and
  // `check` falls through to `receiving`, so the machine says a transfer is in progress when there is none.
  // The guard of that transition should want a transfer (or `check` go back to `idle` without one).
  it('a key-layout-block with no transfer under way leaves the download idle', () => {
    const stray = w.paths.find((p) => p.state.matches({ download: 'receiving' }) && p.state.context.download === undefined);
    expect(stray, 'a path into download.receiving with no transfer').toBeUndefined();
  });
});
