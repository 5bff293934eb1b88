// Model-based test of the display (the one owner of the screen, with layers boot < session < call <
// notice): xstate/graph walks it from sample events - each layer shown (the session's also as a masked
// PIN entry) and cleared, notices (the default time and their own), keys (OK, Cancel, a digit, a key
// nobody takes), a key passed on from the call and the session layers, and the notice's timer as its
// `xstate.after` event. Each path is then replayed on a live display with `paint` and `traceKey` bound
// and the layers' owners as recorders: at every step the screen must show the top layer, and each key
// must have reached the owner of the top layer that takes it (traced `masked` when that is a PIN entry).
import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, type AnyActorRef, type AnyEventObject, type AnyMachineSnapshot } from 'xstate';
import { displayMachine, focusFor, LAYERS, NOTICE_MS, type Layer, type LayerName, type Shown } from '../../../firmware/display/machine.ts';
import { checkCoverage, checkPassedLive, replayAll, labelOf, live, named, replay, timers, walk } from '../../support/graph-walk.ts';

/** The layers' owners: each keeps the keys the display hands it. */
const inbox = new Map<string, string[]>();
const owner = (name: string): AnyActorRef => {
  inbox.set(name, []);
  return createActor(fromCallback<AnyEventObject>(({ receive }) => receive((e) => void inbox.get(name)!.push(e.key)))).start();
};
const OWNERS = { boot: owner('boot'), session: owner('session'), call: owner('call') };

const SAMPLES: AnyEventObject[] = [
  named('show boot', { type: 'display.show', layer: 'boot', rows: ['Waiting for LAN link'], takes: ['dial'], owner: OWNERS.boot }),
  named('show session', { type: 'display.show', layer: 'session', rows: ['No User Logged In'], softkeys: ['login'], takes: ['hotdesk', 'login', 'dial'], owner: OWNERS.session }),
  named('show session PIN entry', { type: 'display.show', layer: 'session', rows: ['Enter PIN:', '**'], softkeys: ['ok', 'cancel'], takes: ['ok', 'cancel', 'dial'], masked: true, owner: OWNERS.session }),
  named('show call', { type: 'display.show', layer: 'call', rows: ['Ringing', 'Line 5000'], takes: [], owner: OWNERS.call }),
  ...LAYERS.map((layer) => named(`clear ${layer}`, { type: 'display.clear', layer })),
  named('notice', { type: 'display.notice', rows: ['Logged Out'] }),
  named('notice for 500 ms', { type: 'display.notice', rows: ['Invalid Code'], ms: 500 }),
  named('pass 1 from call', { type: 'display.pass', key: '1', from: 'call' }),
  named('pass 1 from session', { type: 'display.pass', key: '1', from: 'session' }),
  ...['ok', 'cancel', '1', 'swap'].map((key) => named(`key ${key}`, { type: 'key', key })),
];

/** The state value, the layers up (a session layer masked or not) and the notice's time. */
const abstraction = (s: AnyMachineSnapshot) => {
  const layers = s.context.layers as Record<string, { masked: boolean } | undefined>;
  const up = LAYERS.filter((n) => layers[n]).map((n) => (layers[n]?.masked ? `${n}*` : n));
  return `${JSON.stringify(s.value)} layers=${up.join(',')} ms=${s.context.noticeMs}`;
};

// every key and pass in every state, not only those that change a state: most change nothing but where they go
const w = walk(displayMachine, { events: (s) => [...SAMPLES, ...timers(s)], abstraction, edge: (_, e) => e.type === 'key' || e.type === 'display.pass' });

// What the layers should do, written out independently of the machine's own helpers.
const ORDER: LayerName[] = ['notice', 'call', 'session', 'boot'];
type L = { rows: string[]; takes: string[]; masked: boolean; name: LayerName };
const up = (s: AnyMachineSnapshot): L[] => ORDER.filter((n) => s.context.layers[n]).map((n) => ({ ...s.context.layers[n], name: n }));
const takes = (l: L, key: string) => l.takes.includes('any') || l.takes.includes(key) || (l.takes.includes('dial') && /^[0-9*#]$/.test(key));

/** What the display says of masking: a digit typed now would go to a masked entry (under a ring too). */
function maskedFor(layers: Partial<Record<LayerName, Layer>>): boolean {
  const to = focusFor(layers, '0');
  return !!(to && layers[to]?.masked);
}

describe('display, model-based', () => {
  const eventless = new Set<string>();

  it('reaches every state of the machine', () => {
    checkCoverage('display', w);
  });

  replayAll(w, (path) => {
    for (const keys of inbox.values()) keys.length = 0;
    const painted: Shown[] = [];
    const traced: string[] = [];
    const l = live(displayMachine.provide({ actions: { paint: (_, p) => void painted.push(p), traceKey: (_, p) => void traced.push(p.key) } }), { systemId: 'display', peers: [] });

    replay(path, l, abstraction, (snap, step, i) => {
      const before = i > 0 ? up(path.steps[i - 1].state) : [];
      const top = up(snap)[0];
      // the top layer is what is shown (after anything that changed the layers)
      if (painted.length > 0) expect(painted.at(-1)).toEqual({ rows: top?.rows ?? [], softkeys: top ? [...snap.context.layers[top.name].softkeys] : [], masked: maskedFor(snap.context.layers) });
      const e = step.event;
      if (e.type === 'key') {
        const focus = before.find((layer) => takes(layer, e.key));
        const dismissed = path.steps[i - 1].state.matches('notice') && (e.key === 'ok' || e.key === 'cancel');
        expect(traced.at(-1)).toBe(focus?.masked && /^[0-9]$/.test(e.key) ? 'masked' : e.key);
        // the key reached the owner of the top layer that takes it; a notice swallows it
        for (const [name, keys] of inbox) expect(keys.at(-1) === e.key && keys.length > 0, `${labelOf(e)} to ${name}`).toBe(!dismissed && focus?.name === name);
        if (dismissed) expect(snap.context.layers.notice).toBeUndefined();
      }
      if (e.type === 'display.pass') {
        // the next layer down from the one that passed it (up or not) that takes it
        const below = ORDER.slice(ORDER.indexOf(e.from) + 1);
        const want = before.filter((x) => below.includes(x.name)).find((layer) => takes(layer, e.key));
        for (const [name, keys] of inbox) expect(keys.length > 0 && keys.at(-1) === e.key, `${labelOf(e)} to ${name}`).toBe(want?.name === name);
      }
      if (e.type.startsWith('xstate.after.')) expect([snap.value, snap.context.layers.notice]).toEqual(['plain', undefined]);
      if (e.type === 'display.notice') expect(snap.context.noticeMs).toBe(e.ms ?? NOTICE_MS);
      // keys are cleared per step so "the last key" is this step's
      for (const keys of inbox.values()) keys.length = 0;
    });
    l.root.stop();
    for (const id of l.eventless) eventless.add(id);
  });

  it('took the eventless transition out of every transient node it counts (live)', () => checkPassedLive(w, eventless));
});
