// Sending a user's key layout to the phone after a login: key-layout-begin, then every block in order,
// each a reliable request that must be acked before the next goes (the phone reassembles and checks
// length and CRC). The transfer stops as soon as the login it belongs to is over.
import type { KeyEntry } from '../../../firmware/signalling/key-layout.ts';
import { encodeKeyLayout } from '../../../firmware/signalling/key-layout.ts';
import { splitKeyLayout } from '../../../firmware/signalling/key-layout-transfer.ts';
import type { Message } from '../../../firmware/signalling/messages.ts';
import type { Peer, Transactions } from '../../../firmware/signalling/transactions.ts';

export type KeyLayoutOutcome = { sent: true; blocks: number } | { sent: false; why: string };

export async function pushKeyLayout(
  tx: Transactions,
  to: Peer,
  entries: readonly KeyEntry[],
  stillWanted: () => boolean,
  blockBytes?: number,
): Promise<KeyLayoutOutcome> {
  const { begin, blocks } = splitKeyLayout(encodeKeyLayout(entries), blockBytes);
  const steps: Message[] = [begin, ...blocks];
  for (const [i, msg] of steps.entries()) {
    if (!stillWanted()) return { sent: false, why: `login ended after ${i} of ${steps.length} messages` };
    let answer: Message;
    try {
      answer = await tx.request(to, msg);
    } catch (err) {
      return { sent: false, why: `${msg.type} ${i}: ${(err as Error).message}` };
    }
    if (answer.type !== 'ack' || answer.status !== 'ok') {
      return { sent: false, why: `${msg.type} ${i} answered ${answer.type}${answer.type === 'ack' ? ` ${answer.status}` : ''}` };
    }
  }
  return { sent: true, blocks: blocks.length };
}

/** The CRC-32 a phone reports in register for this layout once it has applied it (key-layout-begin's). */
export function layoutCrc(entries: readonly KeyEntry[]): number {
  return splitKeyLayout(encodeKeyLayout(entries)).begin.crc32;
}
