// Model-based test of the display (the one owner of the screen, with layers boot < acd < session < call <
// notice): fast-check drives a live display through random sequences of sample events - each layer
// shown (the session's also as a masked PIN entry) and cleared, notices (the default time and their
// own), keys (OK, Cancel, a digit, the hook switch, a key nobody takes), keys passed on from the call
// and the session layers, and time passing on the actor system's virtual clock. Beside it runs a model
// written out independently of the display's own helpers: at every step the screen must show the top
// layer, each key must have reached the owner of the top layer that takes it (traced `masked` when that
// is a PIN entry, swallowed by a notice, and OK or Cancel dismiss one), and a notice must go when its
// time is up, not before.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, type AnyActorRef, type AnyEventObject } from 'xstate';
import { VirtualClock } from '../../../firmware/clock.ts';
import { displayLogic, NOTICE_MS, type DisplayEvent, type LayerName, type Shown } from '../../../firmware/display/display.ts';

type Owned = 'boot' | 'acd' | 'session' | 'call';
type Step = { event: DisplayEvent; label: string } | { tick: number; label: string };

const SHOWS: { layer: Owned; rows: string[]; softkeys?: string[]; takes: string[]; masked?: boolean }[] = [
  { layer: 'boot', rows: ['Waiting for LAN link'], takes: ['dial'] },
  { layer: 'acd', rows: [], takes: ['key:2'] },
  { layer: 'session', rows: ['No User Logged In'], softkeys: ['login'], takes: ['hotdesk', 'login', 'dial'] },
  { layer: 'session', rows: ['Enter PIN:', '**'], softkeys: ['ok', 'cancel'], takes: ['ok', 'cancel', 'dial'], masked: true },
  { layer: 'call', rows: ['Ringing', 'Line 5000'], takes: ['offhook', 'handsfree'] },
  { layer: 'call', rows: ['Dialling'], takes: ['any'] },
];
const KEYS = ['ok', 'cancel', '1', '#', 'key:2', 'hotdesk', 'offhook', 'swap'];

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.constantFrom(...SHOWS).map((s) => ({ label: `show ${s.layer}${s.masked ? ' masked' : ''} ${s.takes.join(',')}`, event: { type: 'display.show' as const, ...s } })),
  fc.constantFrom<LayerName>('boot', 'acd', 'session', 'call', 'notice').map((layer) => ({ label: `clear ${layer}`, event: { type: 'display.clear' as const, layer } })),
  fc.constantFrom(undefined, 500).map((ms) => ({ label: `notice ${ms ?? 'default'}`, event: { type: 'display.notice' as const, rows: ['Logged Out'], ...(ms ? { ms } : {}) } })),
  fc.tuple(fc.constantFrom('1', 'ok', 'offhook'), fc.constantFrom<'call' | 'session'>('call', 'session')).map(([key, from]) => ({ label: `pass ${key} from ${from}`, event: { type: 'display.pass' as const, key, from } })),
  fc.constantFrom(...KEYS).map((key) => ({ label: `key ${key}`, event: { type: 'key' as const, key } })),
  fc.constantFrom(1, 499, 500, NOTICE_MS - 1, NOTICE_MS).map((tick) => ({ label: `wait ${tick} ms`, tick })),
);

// The model, written out independently of the display's own helpers.
const ORDER: LayerName[] = ['notice', 'call', 'session', 'acd', 'boot'];
const HOOK = ['offhook', 'onhook', 'handsfree'];
interface ModelLayer {
  rows: string[];
  softkeys: string[];
  takes: string[];
  masked: boolean;
  owner?: Owned;
}
const takes = (l: ModelLayer, key: string) => l.takes.includes(key) || (l.takes.includes('any') && !HOOK.includes(key)) || (l.takes.includes('dial') && /^[0-9*#]$/.test(key));

describe('display, model-based', () => {
  it('shows the top layer, routes and traces every key as the model says, and times notices out', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (steps) => {
        const clock = new VirtualClock();
        const painted: Shown[] = [];
        const traced: string[] = [];
        const got: { to: Owned; key: string }[] = [];
        const recorder = (name: Owned): AnyActorRef => createActor(fromCallback<AnyEventObject>(({ receive }) => receive((e) => void got.push({ to: name, key: e.key })))).start();
        const owners: Record<Owned, AnyActorRef> = { boot: recorder('boot'), acd: recorder('acd'), session: recorder('session'), call: recorder('call') };
        const display = createActor(displayLogic(() => ({ paint: (s) => void painted.push(s), traceKey: (k) => void traced.push(k) })), { clock }).start();

        const layers = new Map<LayerName, ModelLayer>();
        let deadline: number | undefined;
        const focus = (key: string, below?: LayerName) => ORDER.slice(below ? ORDER.indexOf(below) + 1 : 0).find((n) => layers.has(n) && takes(layers.get(n)!, key));

        for (const [i, s] of steps.entries()) {
          const where = `step ${i} (${s.label}) of ${steps.map((x) => x.label).join(' > ')}`;
          got.length = 0;
          const tracedBefore = traced.length;
          let want: { to: Owned; key: string } | undefined;
          let trace: string | undefined;
          if ('tick' in s) {
            clock.advanceSync(s.tick);
            if (deadline !== undefined && deadline <= clock.now()) {
              layers.delete('notice');
              deadline = undefined;
            }
          } else {
            const e = s.event;
            if (e.type === 'display.show') layers.set(e.layer, { rows: e.rows, softkeys: e.softkeys ?? [], takes: e.takes ?? [], masked: !!e.masked, owner: e.layer as Owned });
            if (e.type === 'display.clear') {
              layers.delete(e.layer);
              if (e.layer === 'notice') deadline = undefined;
            }
            if (e.type === 'display.notice') {
              layers.set('notice', { rows: e.rows, softkeys: [], takes: ['any'], masked: false });
              deadline = clock.now() + (e.ms ?? NOTICE_MS);
            }
            if (e.type === 'key') {
              const to = focus(e.key);
              trace = to && layers.get(to)!.masked && /^[0-9]$/.test(e.key) ? 'masked' : e.key;
              if (layers.has('notice') && (e.key === 'ok' || e.key === 'cancel')) {
                layers.delete('notice');
                deadline = undefined;
              } else if (to && layers.get(to)!.owner) want = { to: layers.get(to)!.owner!, key: e.key };
            }
            if (e.type === 'display.pass') {
              const to = focus(e.key, e.from);
              if (to && layers.get(to)!.owner) want = { to: layers.get(to)!.owner!, key: e.key };
            }
            display.send(e.type === 'display.show' ? { ...e, owner: owners[e.layer as Owned] } : e);
          }
          // each key to one owner, the one the model says; a key is traced once, as the model says
          expect(got, where).toEqual(want ? [want] : []);
          expect(traced.slice(tracedBefore), where).toEqual(trace !== undefined ? [trace] : []);
          // what is shown is the top layer with something on it; masked when a digit would go to a PIN entry
          const top = ORDER.find((n) => layers.has(n) && (layers.get(n)!.rows.length > 0 || layers.get(n)!.softkeys.length > 0));
          const digitTo = focus('0');
          // (a display that never painted shows nothing, as a blank screen does)
          const shown = painted.at(-1) ?? { rows: [], softkeys: [], masked: false };
          expect(shown, where).toEqual({ rows: top ? layers.get(top)!.rows : [], softkeys: top ? layers.get(top)!.softkeys : [], masked: !!(digitTo && layers.get(digitTo)!.masked) });
          // a notice's timer runs exactly while it is up
          expect(clock.pending, where).toBe(deadline !== undefined ? 1 : 0);
        }
        display.stop();
        for (const o of Object.values(owners)) o.stop();
      }),
      { numRuns: 300 },
    );
  });
});
