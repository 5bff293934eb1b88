// The PIN while it is typed, owned by one small actor so that it is never part of any machine's
// context: a snapshot, a trace of it, an inspector or JSON.stringify sees only the session's
// `pinLength`. The session sends it digits and, once the controller's challenge is in, asks it for the
// proof (the HMAC over the nonce, firmware/signalling/pin-auth.ts); the digits are wiped as soon as
// the proof is made, or when the entry is abandoned.
//
//   session --pin.digit {key}--> pad --pin.length {length} / pin.refused--> session
//   session --pin.prove {nonce, ext, mac}--> pad --pin.proof {hmac}--> session   (and the PIN is wiped)
//   session --pin.wipe--> pad --pin.length {0}--> session
import { fromCallback } from 'xstate';
import { pinResponse } from '../signalling/pin-auth.ts';
import { PinBuffer } from './pin-buffer.ts';

export type PinPadCommand =
  | { type: 'pin.digit'; key: string }
  | { type: 'pin.wipe' }
  | { type: 'pin.prove'; nonce: Uint8Array; ext: string; mac: string };

export type PinPadReport = { type: 'pin.length'; length: number } | { type: 'pin.refused' } | { type: 'pin.proof'; hmac: Uint8Array };

export const pinPad = fromCallback<PinPadCommand>(({ receive, sendBack }) => {
  const pin = new PinBuffer();
  const report = (e: PinPadReport) => sendBack(e);
  receive((command) => {
    switch (command.type) {
      case 'pin.digit':
        // a 9th digit (or anything but a digit) is refused: the display does not change
        if (pin.push(command.key)) report({ type: 'pin.length', length: pin.length });
        else report({ type: 'pin.refused' });
        return;
      case 'pin.wipe':
        if (pin.length === 0) return;
        pin.wipe();
        report({ type: 'pin.length', length: 0 });
        return;
      case 'pin.prove': {
        const hmac = pin.use((digits) => pinResponse(command.nonce, command.ext, command.mac, digits));
        pin.wipe();
        report({ type: 'pin.proof', hmac });
        return;
      }
    }
  });
  return () => pin.wipe();
});
