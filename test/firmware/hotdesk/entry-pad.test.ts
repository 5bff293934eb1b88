// Model-based test of the entry pad (the login's extension and PIN fields while they are typed):
// fast-check drives a live pad, invoked by a parent that records what it reports and next to a display
// that records what it is asked to show, through random sequences of the session's commands (open an
// extension, agent ID or PIN field with either submit key, close, wipe, prove), the display's keys
// (digits, `#`, `*`, OK, Cancel, a softkey) and time passing on the actor system's virtual clock. Beside
// it runs a model written out independently of the pad: at every step the reports, the screens (the PIN
// only ever as its mask) and the proof (the HMAC of exactly the digits the model holds) must agree, and
// the pad's wait must run exactly while a field is open, restarting on each key it takes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createActor, createMachine, fromCallback, type AnyActorRef, type AnyEventObject } from 'xstate';
import { VirtualClock } from '../../../firmware/clock.ts';
import { entryPad, type EntryField, type EntryPadCommand, type EntryPadReport } from '../../../firmware/hotdesk/entry-pad.ts';
import { SYSTEM } from '../../../firmware/service/events.ts';
import { pinResponse } from '../../../firmware/signalling/pin-auth.ts';

const MAC = '00:08:5d:12:34:56';
const NONCE = new Uint8Array(16).fill(7);
const WAIT_MS = 30_000;

const field = (kind: EntryField['kind'], label: string, maxDigits: number, minDigits: number, submitKeys: string[]): EntryField => ({
  kind,
  label,
  maxDigits,
  minDigits,
  submitKeys,
  softkeys: ['ok', 'cancel'],
  takes: ['ok', 'cancel', 'dial'],
});
const FIELDS = [
  field('digits', 'Enter Extension:', 10, 1, ['ok']),
  field('digits', 'Enter Extension:', 10, 1, ['#']),
  field('digits', 'Agent ID:', 2, 1, ['#', 'ok']),
  field('pin', 'Enter PIN:', 8, 0, ['ok']),
  field('pin', 'Enter PIN:', 8, 0, ['#']),
];

type Step = { command: EntryPadCommand; label: string } | { tick: number; label: string };
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(...FIELDS).map((f) => ({ label: `open ${f.kind} ${f.submitKeys.join('/')}`, command: { type: 'entry.open' as const, field: f } })) },
  { weight: 8, arbitrary: fc.constantFrom('1', '2', '3', '5', '9', '0', '#', '*', 'ok', 'cancel', 'logout').map((key) => ({ label: `key ${key}`, command: { type: 'key' as const, key } })) },
  { weight: 1, arbitrary: fc.constantFrom({ type: 'entry.close' as const }, { type: 'pin.wipe' as const }).map((command) => ({ label: command.type, command })) },
  { weight: 1, arbitrary: fc.constant({ label: 'prove', command: { type: 'pin.prove' as const, nonce: NONCE, ext: '5123', mac: MAC } }) },
  { weight: 2, arbitrary: fc.constantFrom(1, 10_000, WAIT_MS - 1, WAIT_MS).map((tick) => ({ label: `wait ${tick} ms`, tick })) },
);

/** A parent that invokes the pad next to a recording display, and records what the pad reports. */
function harness() {
  const reports: EntryPadReport[] = [];
  const shows: AnyEventObject[] = [];
  const parent = createMachine({
    invoke: [
      { id: 'display', systemId: SYSTEM.display, src: fromCallback<AnyEventObject>(({ receive }) => receive((e) => void shows.push(e))) },
      { id: 'entryPad', src: entryPad },
    ],
    on: { '*': { actions: ({ event }) => void reports.push(event as EntryPadReport) } },
  });
  const clock = new VirtualClock();
  const actor = createActor(parent, { clock }).start();
  const pad = actor.getSnapshot().children.entryPad as AnyActorRef;
  return { reports, shows, clock, actor, pad };
}

describe('entry pad, model-based', () => {
  it('reports, shows and proves what the model says, and waits exactly while a field is open', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (steps) => {
        const { reports, shows, clock, actor, pad } = harness();
        // the model
        let open: EntryField | undefined;
        let digits = '';
        let pin = '';
        let deadline: number | undefined;
        const close = () => {
          open = undefined;
          deadline = undefined;
        };

        for (const [i, s] of steps.entries()) {
          const where = `step ${i} (${s.label}) of ${steps.map((x) => x.label).join(' > ')}`;
          const reportsBefore = reports.length;
          const showsBefore = shows.length;
          let want: EntryPadReport | undefined;
          let repaint = false;
          if ('tick' in s) {
            clock.advanceSync(s.tick);
            if (deadline !== undefined && deadline <= clock.now()) {
              close();
              want = { type: 'entry.timeout' };
            }
          } else {
            const c = s.command;
            if (c.type === 'entry.open') {
              open = c.field;
              if (open.kind === 'pin') pin = '';
              else digits = '';
              deadline = clock.now() + WAIT_MS;
              repaint = true;
            } else if (c.type === 'entry.close') close();
            else if (c.type === 'pin.wipe') pin = '';
            else if (c.type === 'pin.prove') {
              want = { type: 'pin.proof', hmac: pinResponse(NONCE, '5123', MAC, pin) };
              pin = '';
            } else if (c.type === 'key' && open) {
              const typed = open.kind === 'pin' ? pin : digits;
              if (c.key === 'cancel') {
                close();
                want = { type: 'entry.cancel' };
              } else if (open.submitKeys.includes(c.key)) {
                if (typed.length >= open.minDigits) {
                  want = open.kind === 'pin' ? { type: 'pin.typed', length: pin.length } : { type: 'entry.typed', digits };
                  close();
                }
              } else if (/^[0-9]$/.test(c.key)) {
                if (open.kind === 'pin' && pin.length === 8) want = { type: 'pin.refused' };
                else {
                  if (open.kind === 'pin') pin += c.key;
                  else if (digits.length < open.maxDigits) digits += c.key;
                  deadline = clock.now() + WAIT_MS;
                  repaint = true;
                }
              }
            }
            pad.send(c);
          }
          expect(reports.slice(reportsBefore), where).toEqual(want ? [want] : []);
          const painted = shows.slice(showsBefore);
          if (repaint && open) {
            const f: EntryField = open;
            expect(painted, where).toEqual([
              { type: 'display.show', layer: 'session', rows: [f.label, f.kind === 'pin' ? '*'.repeat(pin.length) : digits], softkeys: f.softkeys, takes: f.takes, masked: f.kind === 'pin', owner: pad },
            ]);
          } else expect(painted, where).toEqual([]);
          // the wait runs exactly while a field is open
          expect(clock.pending, where).toBe(deadline !== undefined ? 1 : 0);
        }
        actor.stop();
      }),
      { numRuns: 400 },
    );
  });

  it('never shows a digit of the PIN, and a proof uses the digits up', () => {
    const { reports, shows, actor, pad } = harness();
    pad.send({ type: 'entry.open', field: FIELDS[3] });
    for (const key of '4711') pad.send({ type: 'key', key });
    expect(JSON.stringify(shows)).not.toContain('4711');
    expect(shows.at(-1)).toMatchObject({ rows: ['Enter PIN:', '****'], masked: true });
    pad.send({ type: 'key', key: 'ok' });
    expect(reports).toEqual([{ type: 'pin.typed', length: 4 }]);
    // the proof is of the digits typed, and it uses them up: a second proof is of the blank PIN
    pad.send({ type: 'pin.prove', nonce: NONCE, ext: '5123', mac: MAC });
    pad.send({ type: 'pin.prove', nonce: NONCE, ext: '5123', mac: MAC });
    expect(reports.slice(1)).toEqual([
      { type: 'pin.proof', hmac: pinResponse(NONCE, '5123', MAC, '4711') },
      { type: 'pin.proof', hmac: pinResponse(NONCE, '5123', MAC, '') },
    ]);
    actor.stop();
  });
});
