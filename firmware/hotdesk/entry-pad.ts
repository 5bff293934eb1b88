// The login entry field while it is typed: the extension (or an agent's ID), then the PIN. The session
// opens a field and hears back once, when it is done; the keys in between come here from the display
// (the pad owns the session layer while its field is open), and each one repaints the field. The PIN is
// held here, in a PinBuffer, so that it is never part of any machine's context: a snapshot, a trace of
// it, an inspector or JSON.stringify sees at most its length. The digits are wiped as soon as the proof
// is made, or when the session abandons the entry.
//
//   session --entry.open {field}--> pad --display.show (the field, masked for a PIN)--> display
//   display --key--> pad:  a digit: added (and the wait restarts);  submit: --entry.typed {digits} | pin.typed {length}--> session
//                          cancel: --entry.cancel--> session;  30 s without a key: --entry.timeout--> session
//   session --entry.close--> pad   (the session left the entry some other way: no more keys, no timer)
//   session --pin.prove {nonce, ext, mac}--> pad --pin.proof {hmac}--> session   (and the PIN is wiped)
//   session --pin.wipe--> pad
//
// Why a callback actor and not the session's own states: a login is some fourteen keys, and a key here
// costs a fraction of a machine transition (each digit used to re-enter a state of the session, and
// each PIN digit made a round trip to this pad and back). docs/design.md "The login entry".
import { fromCallback } from 'xstate';
import type { DisplayEvent } from '../display/display.ts';
import { SYSTEM } from '../service/events.ts';
import { pinResponse } from '../signalling/pin-auth.ts';
import { ENTRY_TIMEOUT_MS, isDigit } from './login-entry.ts';
import { PinBuffer } from './pin-buffer.ts';

/** A field the session opens: what it shows, how it ends. Plain data. */
export interface EntryField {
  /** `digits` are echoed as typed (an extension, an agent ID); a `pin` is only ever shown masked. */
  kind: 'digits' | 'pin';
  /** The first row: "Enter Extension:", "Enter PIN:", the agent ID prompt. */
  label: string;
  /** Digits beyond this are not added (a PIN's cap is the PinBuffer's, 8). */
  maxDigits: number;
  /** Fewer digits than this and the submit key does nothing (an extension is never blank; a PIN may be). */
  minDigits: number;
  /** The keys that end the field: `#` on dial sets, OK elsewhere, either for an agent. */
  submitKeys: readonly string[];
  softkeys: string[];
  /** The keys the session layer takes while the field is open (the display routes them here). */
  takes: string[];
}

export type EntryPadCommand =
  | { type: 'entry.open'; field: EntryField }
  | { type: 'entry.close' }
  | { type: 'key'; key: string }
  | { type: 'pin.wipe' }
  | { type: 'pin.prove'; nonce: Uint8Array; ext: string; mac: string };

export type EntryPadReport =
  | { type: 'entry.typed'; digits: string }
  | { type: 'pin.typed'; length: number }
  | { type: 'entry.cancel' }
  | { type: 'entry.timeout' }
  | { type: 'pin.refused' }
  | { type: 'pin.proof'; hmac: Uint8Array };

/** The pad's own timer event, scheduled on the actor system's scheduler as a machine's `after` is. */
type EntryIdle = { type: 'entry.idle' };
/** Everything the pad receives: the session's commands, the display's keys, its own timer. */
export type EntryPadEvent = EntryPadCommand | EntryIdle;

const IDLE_TIMER = 'entry-idle';
const ENTRY_IDLE: EntryIdle = { type: 'entry.idle' };

export const entryPad = fromCallback<EntryPadEvent>(({ receive, sendBack, system, self }) => {
  const pin = new PinBuffer();
  let open: EntryField | undefined;
  let digits = '';
  const display = () => system.get(SYSTEM.display);
  const report = (e: EntryPadReport) => sendBack(e);

  const wait = () => {
    system.scheduler.cancel(self, IDLE_TIMER);
    system.scheduler.schedule(self, self, ENTRY_IDLE, ENTRY_TIMEOUT_MS, IDLE_TIMER);
  };
  const paint = (field: EntryField) => {
    const shown = field.kind === 'pin' ? pin.masked() : digits;
    const show: DisplayEvent = { type: 'display.show', layer: 'session', rows: [field.label, shown], softkeys: field.softkeys, takes: field.takes, masked: field.kind === 'pin', owner: self };
    display()?.send(show);
  };
  const close = () => {
    open = undefined;
    system.scheduler.cancel(self, IDLE_TIMER);
  };

  const key = (field: EntryField, k: string) => {
    const length = field.kind === 'pin' ? pin.length : digits.length;
    // the order the session's entry screens always had: Cancel, then submit, then a digit
    if (k === 'cancel') {
      close();
      report({ type: 'entry.cancel' });
    } else if (field.submitKeys.includes(k)) {
      if (length < field.minDigits) return;
      close();
      report(field.kind === 'pin' ? { type: 'pin.typed', length } : { type: 'entry.typed', digits });
    } else if (!isDigit(k)) {
      // a star on a dial set, say: not part of any field (and no key for the wait)
    } else if (field.kind === 'pin') {
      // a 9th digit is refused: the display does not change, and the wait goes on
      if (!pin.push(k)) return report({ type: 'pin.refused' });
      wait();
      paint(field);
    } else {
      // a digit past the cap adds nothing, but it is a key: the wait restarts
      if (length < field.maxDigits) digits += k;
      wait();
      paint(field);
    }
  };

  receive((command) => {
    switch (command.type) {
      case 'entry.open':
        // a field opens empty: an extension from scratch, and a PIN with no digit of an earlier one
        open = command.field;
        if (open.kind === 'pin') pin.wipe();
        else digits = '';
        wait();
        paint(open);
        return;
      case 'entry.close':
        close();
        return;
      case 'entry.idle':
        if (!open) return;
        close();
        report({ type: 'entry.timeout' });
        return;
      case 'key':
        if (open) key(open, command.key);
        return;
      case 'pin.wipe':
        pin.wipe();
        return;
      case 'pin.prove': {
        const hmac = pin.use((d) => pinResponse(command.nonce, command.ext, command.mac, d));
        pin.wipe();
        report({ type: 'pin.proof', hmac });
        return;
      }
    }
  });
  return () => pin.wipe();
});
