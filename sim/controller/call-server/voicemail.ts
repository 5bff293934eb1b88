// Voice mailboxes (docs/design.md "Message waiting"): each hot desk user has one (the seed: Hot Desk PIN
// security needs it). The call server keeps how many messages wait in each; the set the user is logged
// in on is told (message-waiting), so the Message key lamp follows the user, and the key calls the
// voicemail DN, a party the call server plays that answers after one ring.

/** Where the mailboxes answer when the world names no `voicemail-dn`. */
export const DEFAULT_VOICEMAIL_DN = '8500';
/** How long the voicemail party rings before it answers. */
export const VOICEMAIL_ANSWER_MS = 1_000;
/** The most messages a mailbox reports (message-waiting's count is a u16). */
export const MAX_MESSAGES = 0xffff;

export class Mailboxes {
  private readonly waiting = new Map<string, number>();

  /** Messages waiting for `ext` (0 when none were ever left). */
  count(ext: string): number {
    return this.waiting.get(ext) ?? 0;
  }

  /** Sets the messages waiting for `ext`; true when that changed what its lamp should show. */
  set(ext: string, messages: number): boolean {
    if (!Number.isInteger(messages) || messages < 0 || messages > MAX_MESSAGES) throw new RangeError(`messages for ${ext}: ${messages} is not 0-${MAX_MESSAGES}`);
    const before = this.count(ext);
    if (messages === 0) this.waiting.delete(ext);
    else this.waiting.set(ext, messages);
    return before !== messages;
  }
}
