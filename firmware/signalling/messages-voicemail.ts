// Message waiting: each hot desk user has a voice mailbox on the call server. The controller tells the
// set a user sits at how many messages wait (at login, and on every change), and where the mailbox
// answers, so the Message key lamp follows the user from set to set and the key calls voicemail.
import { u16be } from 'buffer-layout';
import { body } from './body-spec.ts';
import type { BodyTable } from './body-spec.ts';
import { str } from './wire-fields.ts';

/** Controller -> phone: the messages waiting for the user `ext` logged in there, and the voicemail DN. */
export interface MessageWaiting {
  type: 'message-waiting';
  ext: string;
  count: number; // u16
  voicemailDn: string;
}

export type VoicemailMessage = MessageWaiting;

export const voicemailBodies: BodyTable<VoicemailMessage> = {
  'message-waiting': body(0x70, [str('ext'), u16be('count'), str('voicemailDn')]),
};
