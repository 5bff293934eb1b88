// The TFTP read client's pure rules: its starting context, the RRQ it sends, what it makes of an OACK,
// where a block stands against the one wanted, and the counters a sent packet bumps. No state of their
// own: the machine in tftp-client.ts calls them from its guards and actions.
import { nextRandomInt, randomState } from '../random.ts';
import { DEFAULT_BLKSIZE, type TftpOptions, type TftpPacket } from './tftp-packet.ts';
import type { Context, TftpClientInput, TftpClientStats, TftpDone } from './tftp-client-types.ts';

export const DEFAULT_TFTP_PORTS: readonly number[] = [20001, 69];
const DEFAULT_TIMEOUT_MS = 2000;
const DEFAULT_REQUEST_TRIES = 3;
const DEFAULT_MAX_RETRIES = 5;
/** Local ports come from the IANA dynamic range. */
const EPHEMERAL = [49152, 65535] as const;
/** Half the block-number space: nearer ahead is a gap, nearer behind a duplicate. */
const HALF = 0x8000;

const NO_STATS: TftpClientStats = {
  packetsSent: 0,
  bytesSent: 0,
  rrqsSent: 0,
  acksSent: 0,
  timeouts: 0,
  duplicates: 0,
  gaps: 0,
  wrongTid: 0,
  malformed: 0,
};

/** The local port (TID) a seed picks: the same for the whole download, fallback to port 69 included. */
export function tftpLocalPort(seed: number): number {
  return nextRandomInt(randomState(seed), EPHEMERAL[0], EPHEMERAL[1]).value;
}

export function initialContext(input: TftpClientInput): Context {
  const asked = { ...input.options };
  const defaultTimeoutMs = input.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    request: {
      serverIp: input.serverIp,
      file: input.file,
      ports: [...(input.ports && input.ports.length > 0 ? input.ports : DEFAULT_TFTP_PORTS)],
      asked,
      defaultTimeoutMs,
      requestTries: input.requestTries ?? DEFAULT_REQUEST_TRIES,
      maxRetries: input.maxRetries ?? DEFAULT_MAX_RETRIES,
      maxBytes: input.maxBytes,
      confirmFirstBlock: input.confirmFirstBlock ?? false,
    },
    terms: {
      negotiated: false,
      blksize: DEFAULT_BLKSIZE,
      windowsize: 1,
      timeoutMs: asked.timeout !== undefined ? asked.timeout * 1000 : defaultTimeoutMs,
    },
    localPort: tftpLocalPort(input.seed),
    portIndex: 0,
    retries: 0,
    expected: 1,
    received: 0,
    sinceAck: 0,
    gapAckedAt: 0,
    finalBlock: 0,
    firstBlockAccepted: false,
    aborted: false,
    stats: NO_STATS,
  };
}

/** The read request, in octet mode, with the options asked for (tsize 0: RFC 2349's reader asks so). */
export function readRequest(c: Context): TftpPacket {
  const o = c.request.asked;
  const options: TftpOptions = {};
  if (o.blksize !== undefined) options.blksize = o.blksize;
  if (o.timeout !== undefined) options.timeout = o.timeout;
  if (o.tsize) options.tsize = 0;
  if (o.windowsize !== undefined) options.windowsize = o.windowsize;
  return { op: 'RRQ', file: c.request.file, mode: 'octet', options, others: [] };
}

/** What is wrong with an OACK: more than asked, or anything not asked for. Empty: take it. */
export function oackProblems(c: Context, packet: TftpPacket): string[] {
  if (packet.op !== 'OACK') return [];
  const { options } = packet;
  const asked = c.request.asked;
  const problems = packet.others.map((o) => `unrequested or invalid option ${o.name}=${o.value}`);
  if (options.blksize !== undefined && (asked.blksize === undefined || options.blksize > asked.blksize)) {
    problems.push(`blksize ${options.blksize} not within the ${asked.blksize ?? 'unrequested'} asked`);
  }
  if (options.windowsize !== undefined && (asked.windowsize === undefined || options.windowsize > asked.windowsize)) {
    problems.push(`windowsize ${options.windowsize} not within the ${asked.windowsize ?? 'unrequested'} asked`);
  }
  if (options.timeout !== undefined && options.timeout !== asked.timeout) {
    problems.push(`timeout ${options.timeout} differs from the ${asked.timeout ?? 'unrequested'} asked`);
  }
  if (options.tsize !== undefined && !asked.tsize) problems.push('tsize not requested');
  return problems;
}

/** The context an accepted OACK sets: an option left out was declined, and its RFC 1350 default applies. */
export function fromOack(c: Context, options: TftpOptions): Partial<Context> {
  return {
    terms: {
      negotiated: true,
      blksize: options.blksize ?? DEFAULT_BLKSIZE,
      windowsize: options.windowsize ?? 1,
      timeoutMs: options.timeout === undefined ? c.request.defaultTimeoutMs : c.terms.timeoutMs,
      tsize: options.tsize,
    },
    retries: 0,
  };
}

export type BlockPlace = 'next' | 'gap' | 'behind';

/** Where a DATA block stands against the one wanted, block numbers wrapping at 65536. */
export function placeOf(c: Context, block: number): BlockPlace {
  const ahead = (block - c.expected) & 0xffff;
  if (ahead === 0) return 'next';
  return ahead < HALF ? 'gap' : 'behind';
}

/** The last in-order block's number on the wire: what a re-ACK names. */
export const lastInOrder = (c: Context) => (c.expected - 1) & 0xffff;

/** The counters after sending `packet` as `size` bytes. */
export function countSent(stats: TftpClientStats, packet: TftpPacket, size: number): TftpClientStats {
  return {
    ...stats,
    packetsSent: stats.packetsSent + 1,
    bytesSent: stats.bytesSent + size,
    rrqsSent: stats.rrqsSent + (packet.op === 'RRQ' ? 1 : 0),
    acksSent: stats.acksSent + (packet.op === 'ACK' ? 1 : 0),
  };
}

export function doneOf(c: Context): TftpDone {
  return {
    bytes: c.received,
    blocks: c.expected - 1,
    blksize: c.terms.blksize,
    windowsize: c.terms.windowsize,
    negotiated: c.terms.negotiated,
    port: c.serverTid!,
  };
}
