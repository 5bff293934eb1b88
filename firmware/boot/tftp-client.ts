// The phone's TFTP read client (RFC 1350, options RFC 2347/2348/2349, windowsize RFC 7440) as an XState v5
// machine:
//
//              RRQ again on timeout: requestTries per port, then the next port (20001, then 69);
//              +----+ 'tftp.unreachable' skips a port at once
//              v    |
//   --> [requesting] --OACK taken / ACK 0--> [transferring] ------last (short) block / ACK-->  [done]
//           |   |                             | receiving  |<-+ in order: store, ACK per window     |
//           |   +--DATA 1 (RFC 1350 server)-->|   |   ^    |--+ gap: ACK the last in-order once     | dally
//           |                                 |   v   |    |    timeout: re-ACK (maxRetries)        v
//           |                                 | deciding   |  block 1 held until 'tftp.accept'   ((closed))
//           |                                 +------------+
//           +--ERROR, bad OACK, too large, no answer--> ((failed)) <--ERROR, stalled, too large, bad block
//   'tftp.abort': from requesting or transferring --> ((aborted)) (ERROR to the server); from done --> ((closed))
//
// It never touches the network or a clock. Datagrams go out through the named action `transmit`
// ({ dstPort, srcPort, bytes }), a no-op until the owner binds it with `tftpClientMachine.provide(...)`;
// they come in as { type: 'tftp.rx', srcPort, bytes } events. What it has to say (block 1 for a decision,
// each block to store, progress, done, failed) goes out through the named action `report`, whose default
// emits it (`actor.on('tftp.data', ...)`). Timers are `after` delays on the actor's clock.
//
// Rules it keeps, and why:
// - Retransmit only on timeout, never in answer to a duplicate (RFC 1123 4.2.3.1): answering duplicates
//   with duplicates is the Sorcerer's Apprentice, which doubles the traffic at every round. Only a
//   transition that makes progress re-enters `receiving`, and so restarts its timer.
// - Window of W blocks (RFC 7440): ACK after every W in-order blocks; on a gap ACK the last in-order
//   block once, then wait (go-back-N; blocks are streamed to flash in order, never buffered).
// - One local port (TID) for the whole download, including the fallback from 20001 to 69: a late
//   answer to the first RRQ is then still a valid transfer of the same file, not a stray.
// - After the last ACK it dallies (RFC 1350): a repeat of the final block means that ACK was lost.
import { and, assign, emit, enqueueActions, raise, setup } from 'xstate';
import { TFTP_ERROR, decodeTftp, encodeTftp, type TftpPacket } from './tftp-packet.ts';
import { countSent, doneOf, fromOack, initialContext, lastInOrder, oackProblems, placeOf, readRequest } from './tftp-client-rules.ts';
import type { Context, TftpClientEmitted, TftpClientEvent, TftpClientInput, TftpClientOutput, TftpFailure, TftpPacketEvent, TftpTransmit } from './tftp-client-types.ts';

export type * from './tftp-client-types.ts';
export { DEFAULT_TFTP_PORTS, tftpLocalPort } from './tftp-client-rules.ts';

type Event = TftpClientEvent | TftpPacketEvent;
type Args = { context: Context; event: Event };
/** The params of `sendPacket`: a packet for one of the server's ports. */
interface Outgoing {
  port: number;
  packet: TftpPacket;
}

const packetOf = (e: Event) => (e.type === 'tftp.packet' ? e.packet : undefined);
const dataOf = (e: Event) => {
  const p = packetOf(e);
  return p?.op === 'DATA' ? p : undefined;
};
const stranger = (c: Context, e: Event) => e.type === 'tftp.packet' && c.serverTid !== undefined && e.srcPort !== c.serverTid;
/** DATA with the block number wanted next. */
const next = (c: Context, e: Event) => {
  const d = dataOf(e);
  return d !== undefined && placeOf(c, d.block) === 'next' ? d : undefined;
};
const error = (port: number, code: number, message: string): Outgoing => ({ port, packet: { op: 'ERROR', code, message } });

// The packets, as params of `sendPacket`, and the failures, as params of `recordFailure`: built from the
// context (and the event) at the moment the action runs.
const request = ({ context: c }: Args): Outgoing => ({ port: c.request.ports[c.portIndex], packet: readRequest(c) });
const ackZero = ({ event }: Args): Outgoing => ({ port: event.type === 'tftp.packet' ? event.srcPort : 0, packet: { op: 'ACK', block: 0 } });
const ackThisBlock = ({ context: c, event }: Args): Outgoing => ({ port: c.serverTid!, packet: { op: 'ACK', block: dataOf(event)!.block } });
const ackInOrder = ({ context: c }: Args): Outgoing => ({ port: c.serverTid!, packet: { op: 'ACK', block: lastInOrder(c) } });
const ackFinal = ({ context: c }: Args): Outgoing => ({ port: c.serverTid!, packet: { op: 'ACK', block: c.finalBlock } });
const unknownTid = ({ event }: Args): Outgoing => error(event.type === 'tftp.packet' ? event.srcPort : 0, TFTP_ERROR.unknownTid, 'Unknown transfer ID');
const oackRefusal = ({ context: c, event }: Args) => `OACK refused: ${oackProblems(c, packetOf(event)!).join('; ')}`;
const refuseOack = (a: Args): Outgoing => error(a.context.serverTid!, TFTP_ERROR.optionRefused, oackRefusal(a));
const badOack = (a: Args): TftpFailure => ({ kind: 'bad-oack', message: oackRefusal(a) });
const fileTooLarge = ({ context: c }: Args): Outgoing => error(c.serverTid!, TFTP_ERROR.diskFull, 'File too large');
const tooLarge = (c: Context, size: number): TftpFailure => ({ kind: 'too-large', message: `${c.request.file} is ${size} bytes or more, over the ${c.request.maxBytes} available`, size });
const tsizeTooLarge = ({ context: c }: Args) => tooLarge(c, c.terms.tsize ?? 0);
const dataTooLarge = ({ context: c, event }: Args) => tooLarge(c, c.received + (dataOf(event)?.data.length ?? 0));
const oversized = ({ context: c, event }: Args) => {
  const d = dataOf(event)!;
  return `DATA ${d.block} carries ${d.data.length} bytes, more than blksize ${c.terms.blksize}`;
};
const serverError = ({ event }: Args): TftpFailure => {
  const p = packetOf(event);
  return p?.op === 'ERROR' ? { kind: 'server-error', code: p.code, message: p.message } : { kind: 'protocol', message: 'not an ERROR' };
};
const noAnswer = ({ context: c }: Args): TftpFailure => ({ kind: 'no-answer', message: `no answer from ${c.request.serverIp} on port ${c.request.ports.join(', ')} for ${c.request.file}` });
const stalled = ({ context: c }: Args): TftpFailure => ({
  kind: 'timeout',
  message: `transfer of ${c.request.file} from ${c.request.serverIp} stalled after ${c.received} bytes`,
  received: c.received,
});
const abortWith = (fallback: string) => ({ context: c, event }: Args): Outgoing =>
  error(c.serverTid!, event.type === 'tftp.abort' ? (event.code ?? TFTP_ERROR.notDefined) : TFTP_ERROR.notDefined, (event.type === 'tftp.abort' && event.message) || fallback);

const tftp = setup({
  types: {
    context: {} as Context,
    input: {} as TftpClientInput,
    events: {} as Event,
    emitted: {} as TftpClientEmitted,
    output: {} as TftpClientOutput,
  },
  delays: {
    rto: ({ context }) => context.terms.timeoutMs,
    /** RFC 1350 dallying: as long as the server may keep resending the final block. */
    dally: ({ context }) => context.terms.timeoutMs * (context.request.maxRetries + 1),
  },
  guards: {
    isStrangerNonError: ({ context, event }) => stranger(context, event) && packetOf(event)?.op !== 'ERROR',
    isStranger: ({ context, event }) => stranger(context, event),
    isError: ({ event }) => packetOf(event)?.op === 'ERROR',
    isBadOack: ({ context, event }) => packetOf(event)?.op === 'OACK' && oackProblems(context, packetOf(event)!).length > 0,
    isOversizedOack: ({ context, event }) => {
      const p = packetOf(event);
      return p?.op === 'OACK' && p.options.tsize !== undefined && context.request.maxBytes !== undefined && p.options.tsize > context.request.maxBytes;
    },
    isOack: ({ event }) => packetOf(event)?.op === 'OACK',
    isFirstData: ({ event }) => dataOf(event)?.block === 1,
    isServerData: ({ context, event }) => !stranger(context, event) && dataOf(event) !== undefined,
    isOversizedData: ({ context, event }) => (dataOf(event)?.data.length ?? 0) > context.terms.blksize,
    isGap: ({ context, event }) => {
      const d = dataOf(event);
      return d !== undefined && placeOf(context, d.block) === 'gap';
    },
    /** One gap ACK per gap, however many blocks overtake the missing one. */
    gapNotYetAcked: ({ context }) => context.gapAckedAt !== context.expected,
    needsDecision: ({ context, event }) => next(context, event) !== undefined && context.expected === 1 && context.request.confirmFirstBlock && !context.firstBlockAccepted,
    overflows: ({ context, event }) => {
      const d = next(context, event);
      return d !== undefined && context.request.maxBytes !== undefined && context.received + d.data.length > context.request.maxBytes;
    },
    isLastBlock: ({ context, event }) => {
      const d = next(context, event);
      return d !== undefined && d.data.length < context.terms.blksize;
    },
    completesWindow: ({ context, event }) => next(context, event) !== undefined && context.sinceAck + 1 >= context.terms.windowsize,
    isNextBlock: ({ context, event }) => next(context, event) !== undefined,
    /** A block already stored, or an OACK again (our ACK 0 was lost: our own timer resends it). */
    isRepeat: ({ event }) => packetOf(event)?.op === 'DATA' || packetOf(event)?.op === 'OACK',
    isFinalRepeat: ({ context, event }) => !stranger(context, event) && dataOf(event)?.block === context.finalBlock,
    requestTriesLeft: ({ context }) => context.retries + 1 < context.request.requestTries,
    morePorts: ({ context }) => context.portIndex + 1 < context.request.ports.length,
    isCurrentPort: ({ context, event }) => event.type === 'tftp.unreachable' && event.port === context.request.ports[context.portIndex],
    retriesLeft: ({ context }) => context.retries + 1 <= context.request.maxRetries,
  },
  actions: {
    /** The one door out: a datagram to the server. Bound by the owner; a no-op by default. */
    transmit: (_, _datagram: TftpTransmit) => {},
    /** The one door for news: emitted by default. */
    report: emit((_, e: TftpClientEmitted) => e),
    countMalformed: assign({ stats: ({ context }) => ({ ...context.stats, malformed: context.stats.malformed + 1 }) }),
    countWrongTid: assign({ stats: ({ context }) => ({ ...context.stats, wrongTid: context.stats.wrongTid + 1 }) }),
    countDuplicate: assign({ stats: ({ context }) => ({ ...context.stats, duplicates: context.stats.duplicates + 1 }) }),
    countGap: assign({ stats: ({ context }) => ({ ...context.stats, gaps: context.stats.gaps + 1 }) }),
    countTimeout: assign(({ context }) => ({ retries: context.retries + 1, stats: { ...context.stats, timeouts: context.stats.timeouts + 1 } })),
    nextPort: assign(({ context }) => ({ portIndex: context.portIndex + 1, retries: 0 })),
    adoptServer: assign({ serverTid: ({ event }) => (event.type === 'tftp.packet' ? event.srcPort : undefined) }),
    takeOack: assign(({ context, event }) => {
      const p = packetOf(event);
      return p?.op === 'OACK' ? fromOack(context, p.options) : {};
    }),
    // The server ignored our options (or we sent none): RFC 1350 as written, 512 bytes, stop-and-wait,
    // and our own timer, since a timeout option was not taken either.
    takePlainDefaults: assign(({ context }) => ({ terms: { ...context.terms, timeoutMs: context.request.defaultTimeoutMs } })),
    markGapAcked: assign({ gapAckedAt: ({ context }) => context.expected }),
    holdBlock: assign({ held: ({ event }) => (dataOf(event)?.data ?? new Uint8Array(0)).slice() }),
    acceptFirstBlock: assign({ firstBlockAccepted: true, held: undefined }),
    markFinal: assign({ finalBlock: ({ event }) => dataOf(event)?.block ?? 0 }),
    markAborted: assign({ aborted: true }),
    recordFailure: assign({ failure: (_, failure: TftpFailure) => failure }),
    /** DATA 1 from a server that ignored the options: handled again, now as the transfer's first block. */
    replay: raise(({ event }) => event),
  },
});

export const tftpClientMachine = tftp
  .extend<{ screen: undefined; sendPacket: Outgoing; storeBlock: undefined; replayHeld: undefined }>({
    actions: {
      // Every datagram is decoded once, here. UDP checksums already caught corruption: garbage is a
      // confused peer, not worth a fight; it is counted and dropped.
      screen: enqueueActions(({ event, enqueue }) => {
        if (event.type !== 'tftp.rx') return;
        const decoded = decodeTftp(event.bytes);
        if (decoded.ok) enqueue.raise({ type: 'tftp.packet', srcPort: event.srcPort, packet: decoded.packet });
        else enqueue('countMalformed');
      }),
      sendPacket: enqueueActions(({ context, enqueue }, { port, packet }) => {
        const bytes = encodeTftp(packet);
        enqueue.assign({ stats: countSent(context.stats, packet, bytes.length), sinceAck: packet.op === 'ACK' ? 0 : context.sinceAck });
        enqueue({ type: 'transmit', params: { dstPort: port, srcPort: context.localPort, bytes } });
      }),
      // An in-order block: to the owner at its offset (an empty last block has nothing to store), then
      // counted, then the progress.
      storeBlock: enqueueActions(({ context, event, enqueue }) => {
        const d = dataOf(event);
        if (!d) return;
        if (d.data.length > 0) enqueue({ type: 'report', params: { type: 'tftp.data', offset: context.received, bytes: d.data } });
        const received = context.received + d.data.length;
        enqueue.assign({ received, expected: context.expected + 1, sinceAck: context.sinceAck + 1, retries: 0 });
        enqueue({ type: 'report', params: { type: 'tftp.progress', received, total: context.terms.tsize } });
      }),
      replayHeld: enqueueActions(({ context, enqueue }) => {
        if (context.held === undefined || context.serverTid === undefined) return;
        enqueue.raise({ type: 'tftp.packet', srcPort: context.serverTid, packet: { op: 'DATA', block: 1, data: context.held } });
      }),
    },
  })
  .createMachine({
    id: 'tftp',
    context: ({ input }) => initialContext(input),
    on: { 'tftp.rx': { actions: 'screen' } },
    initial: 'requesting',
    states: {
      requesting: {
        entry: { type: 'sendPacket', params: request },
        after: {
          rto: [
            { guard: 'requestTriesLeft', target: 'requesting', reenter: true, actions: 'countTimeout' },
            { guard: 'morePorts', target: 'requesting', reenter: true, actions: ['countTimeout', 'nextPort'] },
            { target: 'failed', actions: ['countTimeout', { type: 'recordFailure', params: noAnswer }] },
          ],
        },
        on: {
          'tftp.unreachable': [
            { guard: and(['isCurrentPort', 'morePorts']), target: 'requesting', reenter: true, actions: 'nextPort' },
            { guard: 'isCurrentPort', target: 'failed', actions: { type: 'recordFailure', params: noAnswer } },
          ],
          'tftp.packet': [
            { guard: 'isError', target: 'failed', actions: { type: 'recordFailure', params: serverError } },
            { guard: 'isBadOack', target: 'failed', actions: ['adoptServer', { type: 'sendPacket', params: refuseOack }, { type: 'recordFailure', params: badOack }] },
            {
              guard: 'isOversizedOack',
              target: 'failed',
              actions: ['adoptServer', 'takeOack', { type: 'sendPacket', params: fileTooLarge }, { type: 'recordFailure', params: tsizeTooLarge }],
            },
            { guard: 'isOack', target: 'transferring', actions: ['adoptServer', 'takeOack', { type: 'sendPacket', params: ackZero }] },
            { guard: 'isFirstData', target: 'transferring', actions: ['adoptServer', 'takePlainDefaults', 'replay'] },
          ],
          'tftp.abort': { target: 'aborted', actions: 'markAborted' },
        },
      },
      transferring: {
        initial: 'receiving',
        on: {
          'tftp.packet': [
            // RFC 1350: a packet from a stranger gets ERROR 5 and must not disturb the transfer. An ERROR is
            // never answered, or two confused hosts could ping-pong forever.
            { guard: 'isStrangerNonError', actions: ['countWrongTid', { type: 'sendPacket', params: unknownTid }] },
            { guard: 'isStranger' },
            { guard: 'isError', target: 'failed', actions: { type: 'recordFailure', params: serverError } },
            {
              guard: 'isOversizedData',
              target: 'failed',
              actions: [
                { type: 'sendPacket', params: (a) => error(a.context.serverTid!, TFTP_ERROR.illegalOperation, oversized(a)) },
                { type: 'recordFailure', params: (a) => ({ kind: 'protocol', message: oversized(a) }) },
              ],
            },
            { guard: and(['isGap', 'gapNotYetAcked']), target: '.receiving', actions: ['countGap', 'markGapAcked', { type: 'sendPacket', params: ackInOrder }] },
            { guard: 'isGap', actions: 'countGap' },
            { guard: 'needsDecision', target: '.deciding', actions: ['holdBlock', { type: 'report', params: ({ event }) => ({ type: 'tftp.firstBlock', bytes: dataOf(event)!.data }) }] },
            { guard: 'overflows', target: 'failed', actions: [{ type: 'sendPacket', params: fileTooLarge }, { type: 'recordFailure', params: dataTooLarge }] },
            { guard: 'isLastBlock', target: 'done', actions: ['storeBlock', { type: 'sendPacket', params: ackThisBlock }, 'markFinal'] },
            { guard: 'completesWindow', target: '.receiving', actions: ['storeBlock', { type: 'sendPacket', params: ackThisBlock }] },
            { guard: 'isNextBlock', target: '.receiving', actions: 'storeBlock' },
            { guard: 'isRepeat', actions: 'countDuplicate' },
          ],
          'tftp.abort': { target: 'aborted', actions: ['markAborted', { type: 'sendPacket', params: abortWith('Transfer aborted by client') }] },
        },
        states: {
          receiving: {
            after: {
              rto: [
                // Re-ACK the last in-order block: the server restarts its window right after it.
                { guard: 'retriesLeft', target: 'receiving', reenter: true, actions: ['countTimeout', 'markGapAcked', { type: 'sendPacket', params: ackInOrder }] },
                { target: '#tftp.failed', actions: ['countTimeout', { type: 'sendPacket', params: (a) => error(a.context.serverTid!, TFTP_ERROR.notDefined, 'Timed out') }, { type: 'recordFailure', params: stalled }] },
              ],
            },
          },
          // Block 1 is with the owner (an image header to judge). The rest of the first window is
          // dropped meanwhile; the server sends it again after our ACK.
          deciding: {
            on: {
              'tftp.packet': { guard: 'isServerData' },
              'tftp.accept': { target: 'receiving', actions: ['replayHeld', 'acceptFirstBlock'] },
              'tftp.abort': { target: '#tftp.aborted', actions: ['markAborted', { type: 'sendPacket', params: abortWith('Download not wanted') }] },
            },
          },
        },
      },
      done: {
        entry: { type: 'report', params: ({ context }) => ({ type: 'tftp.done', done: doneOf(context) }) },
        after: { dally: 'closed' },
        on: {
          // the owner is done with it: nothing to tell the server, the transfer is complete
          'tftp.abort': 'closed',
          'tftp.packet': [
            // a late duplicate RRQ started a second transfer: end it now rather than let it time out
            { guard: 'isStrangerNonError', actions: { type: 'sendPacket', params: unknownTid } },
            // only the final block is answered: its repeat means the server missed our last ACK
            { guard: 'isFinalRepeat', actions: { type: 'sendPacket', params: ackFinal } },
          ],
        },
      },
      closed: { type: 'final' },
      failed: {
        type: 'final',
        entry: { type: 'report', params: ({ context }) => ({ type: 'tftp.failed', failure: context.failure! }) },
      },
      aborted: { type: 'final' },
    },
    output: ({ context }) =>
      context.failure ? { result: 'failed', failure: context.failure } : context.aborted ? { result: 'aborted' } : { result: 'done', done: doneOf(context) },
  });

export type TftpClientMachine = typeof tftpClientMachine;
