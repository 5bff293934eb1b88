// Model-based test of the ringer (a line appearance offered a call: the display's call layer): xstate/graph
// walks it from sample events - the controller's call-setup, call-alerting and call-release pushes for
// two calls (and a release of a call it never heard of), and the keys machine's answers (an appearance
// the set has, one it does not). Every transition is taken, not only every state. Each path is then
// replayed on a live ringer invoked next to recorders standing in for the keys, the display and the link.
import { describe, expect, it } from 'vitest';
import type { AnyEventObject, AnyMachineSnapshot } from 'xstate';
import { ringerMachine, ringingScreen } from '../../../firmware/calls/ringer.ts';
import { SYSTEM } from '../../../firmware/service/events.ts';
import type { Message } from '../../../firmware/signalling/messages.ts';
import { checkCoverage, checkPassedLive, live, named, replay, replayAll, walk } from '../../support/graph-walk.ts';

const DN: Record<number, string> = { 1: '5000', 2: '5001', 9: '5009' };
const call = (type: 'call-setup' | 'call-alerting', callId: number): Message =>
  type === 'call-setup' ? { type, callId, line: callId, fromDn: '6000', toDn: DN[callId], ring: 'ring' } : { type, callId, line: callId, fromDn: '6000', toDn: DN[callId] };
const release = (callId: number): Message => ({ type: 'call-release', callId, line: callId, fromDn: '6000', toDn: DN[callId], cause: 'normal' });
const push = (label: string, msg: Message) => named(label, { type: 'sig.push', msg });
const appearance = (label: string, callId: number, known: boolean) =>
  named(label, { type: 'keys.appearance', callId, dn: DN[callId], known, ...(known ? { key: `key:${callId}` } : {}) });

const SAMPLES: AnyEventObject[] = [
  push('setup 1', call('call-setup', 1)),
  push('alerting 2', call('call-alerting', 2)),
  push('release 1', release(1)),
  push('release 2', release(2)),
  push('release 9 (never offered)', release(9)),
  push('connect 1 (not the ringer\'s)', { type: 'call-connect', callId: 1, line: 1, fromDn: '6000', toDn: DN[1] }),
  appearance('appearance 1 known', 1, true),
  appearance('appearance 2 known', 2, true),
  appearance('appearance 1 unknown', 1, false),
];

/** The state value and the calls ringing, oldest first. */
const abstraction = (s: AnyMachineSnapshot) => `${JSON.stringify(s.value)} ringing=${s.context.ringing.map((r: { callId: number }) => r.callId).join(',')}`;

const w = walk(ringerMachine, { events: () => SAMPLES, abstraction, edge: () => true });

describe('ringer, model-based', () => {
  const eventless = new Set<string>();

  it('reaches every state of the machine', () => {
    checkCoverage('ringer', w);
  });

  replayAll(w, (path) => {
    const l = live(ringerMachine, { systemId: SYSTEM.ringer, peers: [SYSTEM.keys, SYSTEM.display, SYSTEM.link] });
    const to = (name: string) => l.sent.filter((e) => e.to === name).map((e) => e.event);
    expect(to(SYSTEM.link)).toMatchObject([{ type: 'sig.subscribe', topics: ['calls'] }]);
    replay(path, l, abstraction, (snap, step, i) => {
      const before = i > 0 ? path.steps[i - 1].state : snap;
      const e = step.event;
      const ringing: { callId: number; dn: string }[] = snap.context.ringing;
      const shown = to(SYSTEM.display).at(-1);
      // the call layer shows the newest call ringing; when the last one ends it is cleared
      if (ringing.length > 0 && shown) expect(shown).toMatchObject({ type: 'display.show', layer: 'call', rows: ringingScreen(ringing.at(-1)!.dn), takes: [] });
      if (before.matches('ringing') && snap.matches('quiet')) expect(shown).toEqual({ type: 'display.clear', layer: 'call' });
      if (e.type === 'sig.push' && (e.msg.type === 'call-setup' || e.msg.type === 'call-alerting')) {
        const asked = to(SYSTEM.keys).at(-1);
        expect(asked).toMatchObject({ type: 'keys.line', callId: e.msg.callId, dn: e.msg.toDn, line: e.msg.line, state: 'ringing' });
        expect(asked?.replyTo === l.sut()).toBe(true);
      }
      // the keys machine hears of a release while anything rings, so it can put the lamp out
      if (e.type === 'sig.push' && e.msg.type === 'call-release' && before.matches('ringing')) {
        expect(to(SYSTEM.keys).at(-1)).toMatchObject({ type: 'keys.line', callId: e.msg.callId, state: 'idle' });
      }
      if (e.type === 'keys.appearance' && !e.known) expect(snap.context.ringing).toEqual(before.context.ringing);
    });
    l.root.stop();
    for (const id of l.eventless) eventless.add(id);
  });

  it('took the eventless transition out of every transient node it counts (live)', () => checkPassedLive(w, eventless));
});
