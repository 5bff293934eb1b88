// The display's layer rules, one at a time, on a live display with its `paint` and `traceKey` bound and a
// VirtualClock as the actor's clock (so a notice's timeout is a test input): the top layer is shown; a
// notice times out to the layer below; OK and Cancel dismiss a notice; a key goes to the owner of the
// top layer that takes it; a `display.pass` goes to the next layer down; a digit going to a masked
// layer is traced `masked`, never the digit.
import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, type AnyActorRef, type AnyEventObject } from 'xstate';
import { VirtualClock } from '../../../firmware/clock.ts';
import { displayLogic, NOTICE_MS, type DisplayEvent, type Shown } from '../../../firmware/display/display.ts';

function display() {
  const clock = new VirtualClock();
  const painted: Shown[] = [];
  const traced: string[] = [];
  const actor = createActor(displayLogic(() => ({ paint: (shown) => void painted.push(shown), traceKey: (key) => void traced.push(key) })), { clock });
  actor.start();
  /** A layer's owner: it keeps the keys the display hands it. */
  const owner = () => {
    const keys: string[] = [];
    const ref: AnyActorRef = createActor(fromCallback<AnyEventObject>(({ receive }) => receive((e) => void keys.push(e.key)))).start();
    return { ref, keys };
  };
  const send = (...events: DisplayEvent[]) => events.forEach((e) => actor.send(e));
  const press = (...keys: string[]) => keys.forEach((key) => actor.send({ type: 'key', key }));
  return { clock, actor, painted, traced, owner, send, press, shown: () => painted.at(-1) };
}

describe('display layers', () => {
  it('shows the top layer with anything on it, and uncovers the one below when it is cleared', () => {
    const d = display();
    d.send({ type: 'display.show', layer: 'boot', rows: ['Waiting for LAN link'] });
    expect(d.shown()).toEqual({ rows: ['Waiting for LAN link'], softkeys: [], masked: false });
    d.send({ type: 'display.show', layer: 'call', rows: ['Ringing', 'Line 5000'] });
    expect(d.shown()?.rows).toEqual(['Ringing', 'Line 5000']);
    // a layer under the top one changes nothing that is seen
    d.send({ type: 'display.show', layer: 'session', rows: ['No User Logged In'], softkeys: ['login'] });
    expect(d.shown()?.rows).toEqual(['Ringing', 'Line 5000']);
    d.send({ type: 'display.clear', layer: 'call' });
    expect(d.shown()).toEqual({ rows: ['No User Logged In'], softkeys: ['login'], masked: false });
    d.send({ type: 'display.clear', layer: 'session' });
    expect(d.shown()?.rows).toEqual(['Waiting for LAN link']);
    d.send({ type: 'display.clear', layer: 'boot' });
    expect(d.shown()).toEqual({ rows: [], softkeys: [], masked: false });
  });

  it('times a notice out to the layer below (NOTICE_MS, or the notice\'s own time; a new notice restarts it)', () => {
    const d = display();
    d.send({ type: 'display.show', layer: 'session', rows: ['No User Logged In'] });
    d.send({ type: 'display.notice', rows: ['Logged Out'] });
    expect(d.shown()?.rows).toEqual(['Logged Out']);
    d.clock.advanceSync(NOTICE_MS - 1);
    expect(d.shown()?.rows).toEqual(['Logged Out']);
    d.clock.advanceSync(1);
    expect(d.shown()?.rows).toEqual(['No User Logged In']);
    expect(d.clock.pending).toBe(0);

    d.send({ type: 'display.notice', rows: ['Invalid Code'], ms: 500 });
    d.clock.advanceSync(400);
    d.send({ type: 'display.notice', rows: ['Logout Pending'], ms: 500 });
    d.clock.advanceSync(400);
    expect(d.shown()?.rows).toEqual(['Logout Pending']);
    d.clock.advanceSync(100);
    expect(d.shown()?.rows).toEqual(['No User Logged In']);
    expect(d.clock.pending).toBe(0);
  });

  it('dismisses a notice with OK or Cancel; other keys wait and reach nobody below', () => {
    const d = display();
    const session = d.owner();
    d.send({ type: 'display.show', layer: 'session', rows: ['No User Logged In'], takes: ['ok', 'cancel', 'dial'], owner: session.ref });
    for (const key of ['ok', 'cancel']) {
      d.send({ type: 'display.notice', rows: ['Logged Out'] });
      d.press('1', '#');
      expect(d.shown()?.rows).toEqual(['Logged Out']);
      d.press(key);
      expect(d.shown()?.rows).toEqual(['No User Logged In']);
      expect(d.clock.pending).toBe(0);
    }
    // neither the waiting keys nor the dismissing ones went to the session
    expect(session.keys).toEqual([]);
    d.press('ok');
    expect(session.keys).toEqual(['ok']);
  });

  it('gives a key to the owner of the top layer that takes it', () => {
    const d = display();
    const boot = d.owner();
    const session = d.owner();
    const call = d.owner();
    d.send(
      { type: 'display.show', layer: 'boot', rows: ['Set 10.0.0.9'], takes: ['any'], owner: boot.ref },
      { type: 'display.show', layer: 'session', rows: ['No User Logged In'], takes: ['hotdesk', 'dial'], owner: session.ref },
      { type: 'display.show', layer: 'call', rows: ['Ringing'], takes: ['hotdesk'], owner: call.ref },
    );
    d.press('hotdesk', '5', '#', 'swap');
    expect(call.keys).toEqual(['hotdesk']);
    expect(session.keys).toEqual(['5', '#']);
    expect(boot.keys).toEqual(['swap']);
    // a layer that takes nothing (the ringing screen) passes everything to those below
    d.send({ type: 'display.show', layer: 'call', rows: ['Ringing'], takes: [], owner: call.ref });
    d.press('hotdesk');
    expect(session.keys).toEqual(['5', '#', 'hotdesk']);
    expect(d.traced).toEqual(['hotdesk', '5', '#', 'swap', 'hotdesk']);
  });

  it('sends a key a layer passes on (display.pass) to the next layer down that takes it', () => {
    const d = display();
    const boot = d.owner();
    const session = d.owner();
    const call = d.owner();
    d.send(
      { type: 'display.show', layer: 'boot', rows: ['Idle'], takes: ['dial'], owner: boot.ref },
      { type: 'display.show', layer: 'session', rows: ['Alice Smith', '5123'], takes: ['dial', 'logout'], owner: session.ref },
      { type: 'display.show', layer: 'call', rows: ['Ringing'], takes: ['dial'], owner: call.ref },
    );
    d.send({ type: 'display.pass', key: '7', from: 'call' });
    expect([call.keys, session.keys, boot.keys]).toEqual([[], ['7'], []]);
    d.send({ type: 'display.pass', key: '7', from: 'session' });
    expect([call.keys, session.keys, boot.keys]).toEqual([[], ['7'], ['7']]);
    // no layer below takes it: it goes nowhere
    d.send({ type: 'display.pass', key: 'logout', from: 'session' });
    expect([call.keys, session.keys, boot.keys]).toEqual([[], ['7'], ['7']]);
    // a pass is no key press: nothing is traced for it
    expect(d.traced).toEqual([]);
  });

  it('traces a digit going to a masked layer as `masked`, never the digit', () => {
    const d = display();
    const session = d.owner();
    d.send({ type: 'display.show', layer: 'session', rows: ['Enter PIN:', ''], softkeys: ['ok', 'cancel'], takes: ['ok', 'cancel', 'dial'], masked: true, owner: session.ref });
    d.press('1', '2', '3', '4', '#', 'ok');
    // the owner (the entry pad, which holds the PIN) gets the digits; the trace never does
    expect(session.keys).toEqual(['1', '2', '3', '4', '#', 'ok']);
    expect(d.traced).toEqual(['masked', 'masked', 'masked', 'masked', '#', 'ok']);
    for (const shown of d.painted) expect(shown.rows.join('')).not.toMatch(/[1-4]/);

    // a digit that a layer above the PIN entry takes is not the PIN's: it is traced as it is
    const call = d.owner();
    d.send({ type: 'display.show', layer: 'call', rows: ['Ringing'], takes: ['dial'], owner: call.ref });
    d.press('5');
    expect([call.keys, d.traced.at(-1)]).toEqual([['5'], '5']);
    // and once the entry is unmasked, digits are traced again
    d.send({ type: 'display.clear', layer: 'call' });
    d.send({ type: 'display.show', layer: 'session', rows: ['Enter Extension:', ''], takes: ['ok', 'cancel', 'dial'], owner: session.ref });
    d.press('6');
    expect(d.traced.at(-1)).toBe('6');
  });
});
