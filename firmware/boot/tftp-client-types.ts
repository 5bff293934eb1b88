// The TFTP read client's types: its input (plain data), the events it takes, what it reports, its output
// and its context. The machine is in tftp-client.ts, the pure rules it consults in tftp-client-rules.ts.
import type { TftpPacket } from './tftp-packet.ts';

export interface TftpClientOptions {
  blksize?: number;
  windowsize?: number;
  /** Seconds (RFC 2349): both ends retransmit after this long. */
  timeout?: number;
  /** Ask the server for the file size (RFC 2349), for progress and an early "too large". */
  tsize?: boolean;
}

export type TftpFailure =
  | { kind: 'no-answer'; message: string }
  | { kind: 'timeout'; message: string; received: number }
  | { kind: 'server-error'; code: number; message: string }
  | { kind: 'bad-oack'; message: string }
  | { kind: 'protocol'; message: string }
  | { kind: 'too-large'; message: string; size: number };

export interface TftpDone {
  bytes: number;
  blocks: number;
  blksize: number;
  windowsize: number;
  /** Whether the server answered with an OACK (false: a plain RFC 1350 server). */
  negotiated: boolean;
  /** The port that answered the RRQ. */
  port: number;
}

/** Plain data only. */
export interface TftpClientInput {
  /** The server's address: the owner routes by it; the client names it in its messages. */
  serverIp: string;
  file: string;
  /** Picks the local port (TID) from the IANA dynamic range: `context.localPort`, fixed for the download. */
  seed: number;
  /** Tried in order: each gets `requestTries` RRQs before the next ('tftp.unreachable' skips one). */
  ports?: readonly number[];
  /** Options to ask for; none means a plain RFC 1350 request. */
  options?: TftpClientOptions;
  /** Retransmit timer when no timeout option is in force. */
  timeoutMs?: number;
  requestTries?: number;
  /** Consecutive timeouts without progress, during the transfer, before giving up. */
  maxRetries?: number;
  /** The most the owner can store (a flash slot): larger files fail with ERROR 3 sent. */
  maxBytes?: number;
  /**
   * Report block 1 as 'tftp.firstBlock' before storing it (an image header) and wait for the owner's
   * 'tftp.accept' or 'tftp.abort'. Default false: block 1 is stored like any other.
   */
  confirmFirstBlock?: boolean;
}

/** The params of the `transmit` action: one datagram from the client's port to the server's `dstPort`. */
export interface TftpTransmit {
  dstPort: number;
  srcPort: number;
  bytes: Uint8Array;
}

export type TftpClientEvent =
  /** One datagram for `localPort`, from the server's address and `srcPort`. */
  | { type: 'tftp.rx'; srcPort: number; bytes: Uint8Array }
  /** The owner's answer to 'tftp.firstBlock': store it and go on. */
  | { type: 'tftp.accept' }
  /**
   * Stop; mid-transfer the server is told with an ERROR (once it has answered). After the last block
   * (dallying) it just ends. Reports nothing.
   */
  | { type: 'tftp.abort'; message?: string; code?: number }
  /** An ICMP port unreachable for `port`: nobody listens there, skip to the next port now. */
  | { type: 'tftp.unreachable'; port: number };

export type TftpClientEmitted =
  /** Block 1, held until the owner sends 'tftp.accept' or 'tftp.abort' (only with confirmFirstBlock). */
  | { type: 'tftp.firstBlock'; bytes: Uint8Array }
  /** Each non-empty in-order block, at its offset in the file: stream it, the client keeps nothing. */
  | { type: 'tftp.data'; offset: number; bytes: Uint8Array }
  /** After every in-order block; `total` is the tsize when the server gave one. */
  | { type: 'tftp.progress'; received: number; total?: number }
  | { type: 'tftp.done'; done: TftpDone }
  | { type: 'tftp.failed'; failure: TftpFailure };

export type TftpClientOutput = { result: 'done'; done: TftpDone } | { result: 'failed'; failure: TftpFailure } | { result: 'aborted' };

export interface TftpClientStats {
  packetsSent: number;
  bytesSent: number;
  rrqsSent: number;
  acksSent: number;
  timeouts: number;
  duplicates: number;
  gaps: number;
  wrongTid: number;
  malformed: number;
}

/** A datagram decoded: raised by the machine itself, once per 'tftp.rx' that parses. */
export type TftpPacketEvent = { type: 'tftp.packet'; srcPort: number; packet: TftpPacket };

/** What the actor was asked to do: set from the input, fixed for the actor's life. */
export interface TftpRequest {
  serverIp: string;
  file: string;
  /** Tried in order; `Context.portIndex` is the one in use. */
  ports: number[];
  asked: TftpClientOptions;
  /** The timer without a timeout option in force. */
  defaultTimeoutMs: number;
  requestTries: number;
  maxRetries: number;
  maxBytes?: number;
  confirmFirstBlock: boolean;
}

/** What is in force: the defaults at the start, then what an OACK (or a plain RFC 1350 server) settled. */
export interface TftpTerms {
  negotiated: boolean;
  blksize: number;
  windowsize: number;
  timeoutMs: number;
  tsize?: number;
}

/**
 * Grouped to stay under 20 top-level fields (16 with every optional one set): XState copies the context
 * with `Object.assign({}, ctx, partial)` on every `assign`, and V8 makes an object built that way with 20
 * or more named fields a dictionary-mode object, each copy then ~20x slower (19 keys 0.48 µs, 20 keys 7 µs).
 * Add a field to a group rather than here.
 */
export interface Context {
  request: TftpRequest;
  terms: TftpTerms;
  localPort: number;
  portIndex: number;
  /** The port that answered (the server's TID), once one has. */
  serverTid?: number;
  /** Timeouts in a row: RRQs to this port while requesting, silent rounds while transferring. */
  retries: number;
  /** Absolute number (1-based, no wrap) of the next block wanted. */
  expected: number;
  received: number;
  sinceAck: number;
  /** `expected` when we last sent a gap ACK: one ACK per gap, however many blocks overtake. */
  gapAckedAt: number;
  finalBlock: number;
  /** Block 1 while the owner decides (confirmFirstBlock): our own copy, never the packet buffer. */
  held?: Uint8Array;
  firstBlockAccepted: boolean;
  aborted: boolean;
  failure?: TftpFailure;
  stats: TftpClientStats;
}
