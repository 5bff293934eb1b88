// The phone's TFTP read client: a pure engine. Datagrams come in through receive(), go out through the
// injected send(), and every timer runs on the injected Clock, so the same code downloads firmware on
// the virtual clock, in real time, and in tests.
//
// Rules it keeps, and why:
// - Retransmit only on timeout, never in answer to a duplicate (RFC 1123 4.2.3.1): answering duplicates
//   with duplicates is the Sorcerer's Apprentice, which doubles the traffic at every round.
// - Window of W blocks (RFC 7440): ACK after every W in-order blocks; on a gap ACK the last in-order
//   block once, then wait (go-back-N; blocks are streamed to flash in order, never buffered).
// - One local port (TID) for the whole download, including the fallback from 20001 to 69: a late
//   answer to the first RRQ is then still a valid transfer of the same file, not a stray.
import type { Clock, Random, TimerId } from '../hal.ts';
import { after } from '../clock-interface.ts';
import {
  DEFAULT_BLKSIZE,
  TFTP_ERROR,
  decodeTftp,
  encodeTftp,
  type TftpOptions,
  type TftpPacket,
} from './tftp-packet.ts';

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

export type TftpClientState = 'idle' | 'requesting' | 'transferring' | 'done' | 'failed' | 'aborted';

export interface TftpClientConfig {
  clock: Clock;
  /** Picks the local port (TID). */
  random: Random;
  /** Sends one datagram from `localPort` to the server, on `dstPort`. */
  send(dstPort: number, bytes: Uint8Array): void;
  /** The server's address: the caller routes by it; the client names it in its messages. */
  serverIp: string;
  file: string;
  /** Tried in order: each gets `requestTries` RRQs before the next (or `unreachable(port)` skips it). */
  ports?: readonly number[];
  /** Options to ask for; none means a plain RFC 1350 request. */
  options?: TftpClientOptions;
  /** Retransmit timer when no timeout option is in force. */
  timeoutMs?: number;
  requestTries?: number;
  /** Consecutive timeouts without progress, during the transfer, before giving up. */
  maxRetries?: number;
  /** The most the caller can store (a flash slot): larger files fail with ERROR 3 sent. */
  maxBytes?: number;
  /** After every in-order block; `total` is the tsize when the server gave one. */
  onProgress?(received: number, total?: number): void;
  /** Sees block 1 before it is stored (an image header): 'abort' stops the download. */
  onFirstBlock?(bytes: Uint8Array): 'continue' | 'abort';
  /** Each non-empty in-order block, at its offset in the file: stream it, the client keeps nothing. */
  onData(offset: number, bytes: Uint8Array): void;
  onDone?(done: TftpDone): void;
  onError?(failure: TftpFailure): void;
}

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

export const DEFAULT_TFTP_PORTS: readonly number[] = [20001, 69];
const DEFAULT_TIMEOUT_MS = 2000;
const DEFAULT_REQUEST_TRIES = 3;
const DEFAULT_MAX_RETRIES = 5;
/** Local ports come from the IANA dynamic range. */
const EPHEMERAL = [49152, 65535] as const;
/** Half the block-number space: nearer ahead is a gap, nearer behind a duplicate. */
const HALF = 0x8000;

export class TftpClient {
  readonly localPort: number;
  readonly serverIp: string;
  readonly stats: TftpClientStats = {
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

  private st: TftpClientState = 'idle';
  private readonly ports: readonly number[];
  private portIndex = 0;
  private serverTid: number | undefined;
  private timer: TimerId | undefined;
  private retries = 0;
  private blksize = DEFAULT_BLKSIZE;
  private windowsize = 1;
  private timeoutMs: number;
  private negotiated = false;
  private tsize: number | undefined;
  /** Absolute number (1-based, no wrap) of the next block wanted. */
  private expected = 1;
  private received = 0;
  private sinceAck = 0;
  /** `expected` when we last sent a gap ACK: one ACK per gap, however many blocks overtake. */
  private gapAckedAt = 0;
  /** Until when a repeat of the final block is re-ACKed (our last ACK may have been lost). */
  private dallyUntil = 0;
  private finalBlock = 0;

  constructor(private readonly cfg: TftpClientConfig) {
    this.serverIp = cfg.serverIp;
    this.ports = cfg.ports && cfg.ports.length > 0 ? cfg.ports : DEFAULT_TFTP_PORTS;
    this.localPort = cfg.random.int(EPHEMERAL[0], EPHEMERAL[1]);
    const asked = cfg.options?.timeout;
    this.timeoutMs = asked !== undefined ? asked * 1000 : (cfg.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  }

  get state(): TftpClientState {
    return this.st;
  }

  /** The port that answered (the server's TID), once one has. */
  get serverPort(): number | undefined {
    return this.serverTid;
  }

  /** Sends the RRQ to the first port. */
  start(): void {
    if (this.st !== 'idle') return;
    this.st = 'requesting';
    this.sendRequest();
  }

  /** Stops the download; the server is told with an ERROR when it has answered. Reports nothing. */
  abort(message = 'Transfer aborted by client', code: number = TFTP_ERROR.notDefined): void {
    if (this.st !== 'requesting' && this.st !== 'transferring') return;
    if (this.serverTid !== undefined) this.sendPacket(this.serverTid, { op: 'ERROR', code, message });
    this.stop('aborted');
  }

  /**
   * An ICMP port unreachable for `port`: nobody listens there, so skip to the next port now rather
   * than after the timeouts a silent port costs.
   */
  unreachable(port: number): void {
    if (this.st === 'requesting' && this.ports[this.portIndex] === port) this.nextPort();
  }

  /** One datagram for `localPort`, from the server's address and `srcPort`. */
  receive(srcPort: number, bytes: Uint8Array): void {
    if (this.st === 'idle' || this.st === 'failed' || this.st === 'aborted') return;
    const decoded = decodeTftp(bytes);
    if (!decoded.ok) {
      // UDP checksums already caught corruption; garbage here is a confused peer, not worth a fight
      this.stats.malformed++;
      return;
    }
    const p = decoded.packet;
    if (this.st === 'done') return this.dally(srcPort, p);
    if (this.serverTid === undefined) return this.firstAnswer(srcPort, p);
    if (srcPort !== this.serverTid) {
      // RFC 1350: a packet from a stranger gets ERROR 5 and must not disturb the transfer.
      // An ERROR is never answered, or two confused hosts could ping-pong forever.
      if (p.op !== 'ERROR') {
        this.stats.wrongTid++;
        this.sendPacket(srcPort, { op: 'ERROR', code: TFTP_ERROR.unknownTid, message: 'Unknown transfer ID' });
      }
      return;
    }
    if (p.op === 'DATA') this.onDataPacket(p.block, p.data);
    else if (p.op === 'ERROR') this.serverError(p.code, p.message);
    else if (p.op === 'OACK') this.stats.duplicates++; // our ACK 0 was lost: our own timer resends it
  }

  // -------------------------------------------------------------------------------------------------
  // Request phase

  private sendRequest(): void {
    const o = this.cfg.options ?? {};
    const options: TftpOptions = {};
    if (o.blksize !== undefined) options.blksize = o.blksize;
    if (o.timeout !== undefined) options.timeout = o.timeout;
    if (o.tsize) options.tsize = 0; // RFC 2349: a reader asks with 0
    if (o.windowsize !== undefined) options.windowsize = o.windowsize;
    this.stats.rrqsSent++;
    this.sendPacket(this.ports[this.portIndex], { op: 'RRQ', file: this.cfg.file, mode: 'octet', options, others: [] });
    this.armTimer();
  }

  private nextPort(): void {
    this.portIndex++;
    this.retries = 0;
    if (this.portIndex >= this.ports.length) {
      this.fail({
        kind: 'no-answer',
        message: `no answer from ${this.serverIp} on port ${this.ports.join(', ')} for ${this.cfg.file}`,
      });
      return;
    }
    this.sendRequest();
  }

  private firstAnswer(srcPort: number, p: TftpPacket): void {
    if (p.op === 'ERROR') return this.serverError(p.code, p.message);
    if (p.op === 'OACK') {
      this.serverTid = srcPort;
      return this.acceptOack(p.options, p.others.map((o) => `${o.name}=${o.value}`));
    }
    if (p.op === 'DATA' && p.block === 1) {
      // The server ignored our options (or we sent none): RFC 1350 as written, 512 bytes, stop-and-wait.
      this.serverTid = srcPort;
      this.st = 'transferring';
      this.timeoutMs = this.cfg.timeoutMs ?? DEFAULT_TIMEOUT_MS; // a timeout option was not taken either
      this.onDataPacket(p.block, p.data);
    }
    // anything else before a server has answered is noise
  }

  private acceptOack(options: TftpOptions, others: string[]): void {
    const asked = this.cfg.options ?? {};
    const problems = [...others.map((o) => `unrequested or invalid option ${o}`)];
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
    if (problems.length > 0) {
      const message = `OACK refused: ${problems.join('; ')}`;
      this.sendPacket(this.serverTid!, { op: 'ERROR', code: TFTP_ERROR.optionRefused, message });
      return this.fail({ kind: 'bad-oack', message });
    }
    // An option left out of the OACK was declined: its RFC 1350 default applies.
    this.negotiated = true;
    this.blksize = options.blksize ?? DEFAULT_BLKSIZE;
    this.windowsize = options.windowsize ?? 1;
    if (options.timeout === undefined) this.timeoutMs = this.cfg.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.tsize = options.tsize;
    if (this.tsize !== undefined && this.cfg.maxBytes !== undefined && this.tsize > this.cfg.maxBytes) {
      return this.tooLarge(this.tsize);
    }
    this.st = 'transferring';
    this.retries = 0;
    this.sendAck(0);
    this.armTimer();
  }

  // -------------------------------------------------------------------------------------------------
  // Transfer phase

  private onDataPacket(block: number, data: Uint8Array): void {
    if (data.length > this.blksize) {
      const message = `DATA ${block} carries ${data.length} bytes, more than blksize ${this.blksize}`;
      this.sendPacket(this.serverTid!, { op: 'ERROR', code: TFTP_ERROR.illegalOperation, message });
      return this.fail({ kind: 'protocol', message });
    }
    const ahead = (block - this.expected) & 0xffff;
    if (ahead !== 0) {
      if (ahead < HALF) this.gap();
      else this.stats.duplicates++; // already stored; a lost ACK is repaired by our timer, not by echoing
      return;
    }
    if (this.expected === 1 && this.cfg.onFirstBlock) {
      if (this.cfg.onFirstBlock(data) === 'abort') return this.abort('Download not wanted');
      if (this.st !== 'transferring') return;
    }
    const max = this.cfg.maxBytes;
    if (max !== undefined && this.received + data.length > max) return this.tooLarge(this.received + data.length);

    if (data.length > 0) {
      this.cfg.onData(this.received, data); // an empty last block has nothing to store
      if (this.st !== 'transferring') return; // the callback aborted
    }
    this.received += data.length;
    this.expected++;
    this.sinceAck++;
    this.retries = 0;
    this.cfg.onProgress?.(this.received, this.tsize);
    if (this.st !== 'transferring') return;

    if (data.length < this.blksize) return this.finish(block);
    if (this.sinceAck >= this.windowsize) this.sendAck(block);
    this.armTimer();
  }

  /** A block from beyond `expected`: some were lost. Ask once for the window to restart after them. */
  private gap(): void {
    this.stats.gaps++;
    if (this.gapAckedAt === this.expected) return;
    this.gapAckedAt = this.expected;
    this.sendAck((this.expected - 1) & 0xffff);
    this.armTimer();
  }

  private finish(block: number): void {
    this.sendAck(block);
    this.clearTimer();
    this.st = 'done';
    this.finalBlock = block;
    // RFC 1350 dallying: if this last ACK is lost the server resends the final block; answer those
    // for as long as the server may keep trying. A timestamp, not a timer: nothing stays scheduled.
    this.dallyUntil = this.cfg.clock.now() + this.timeoutMs * ((this.cfg.maxRetries ?? DEFAULT_MAX_RETRIES) + 1);
    this.cfg.onDone?.({
      bytes: this.received,
      blocks: this.expected - 1,
      blksize: this.blksize,
      windowsize: this.windowsize,
      negotiated: this.negotiated,
      port: this.serverTid!,
    });
  }

  private dally(srcPort: number, p: TftpPacket): void {
    if (this.cfg.clock.now() > this.dallyUntil) return;
    if (srcPort !== this.serverTid) {
      // a late duplicate RRQ started a second transfer: end it now rather than let it time out
      if (p.op !== 'ERROR') this.sendPacket(srcPort, { op: 'ERROR', code: TFTP_ERROR.unknownTid, message: 'Unknown transfer ID' });
      return;
    }
    // only the final block is answered: its repeat means the server missed our last ACK
    if (p.op === 'DATA' && p.block === this.finalBlock) this.sendAck(this.finalBlock);
  }

  private sendAck(block: number): void {
    this.sinceAck = 0;
    this.stats.acksSent++;
    this.sendPacket(this.serverTid!, { op: 'ACK', block });
  }

  // -------------------------------------------------------------------------------------------------
  // Timer: the only source of retransmissions

  private armTimer(): void {
    this.clearTimer();
    this.timer = after(this.cfg.clock, this.timeoutMs, () => this.onTimeout());
  }

  private clearTimer(): void {
    this.cfg.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private onTimeout(): void {
    this.timer = undefined;
    this.stats.timeouts++;
    this.retries++;
    if (this.st === 'requesting') {
      if (this.retries >= (this.cfg.requestTries ?? DEFAULT_REQUEST_TRIES)) return this.nextPort();
      return this.sendRequest();
    }
    if (this.st !== 'transferring') return;
    if (this.retries > (this.cfg.maxRetries ?? DEFAULT_MAX_RETRIES)) {
      const message = `transfer of ${this.cfg.file} from ${this.serverIp} stalled after ${this.received} bytes`;
      this.sendPacket(this.serverTid!, { op: 'ERROR', code: TFTP_ERROR.notDefined, message: 'Timed out' });
      return this.fail({ kind: 'timeout', message, received: this.received });
    }
    // Re-ACK the last in-order block: the server restarts its window right after it.
    this.gapAckedAt = this.expected;
    this.sendAck((this.expected - 1) & 0xffff);
    this.armTimer();
  }

  // -------------------------------------------------------------------------------------------------

  private serverError(code: number, message: string): void {
    this.fail({ kind: 'server-error', code, message });
  }

  private tooLarge(size: number): void {
    const message = `${this.cfg.file} is ${size} bytes or more, over the ${this.cfg.maxBytes} available`;
    this.sendPacket(this.serverTid!, { op: 'ERROR', code: TFTP_ERROR.diskFull, message: 'File too large' });
    this.fail({ kind: 'too-large', message, size });
  }

  private fail(failure: TftpFailure): void {
    this.stop('failed');
    this.cfg.onError?.(failure);
  }

  private stop(state: 'failed' | 'aborted'): void {
    this.clearTimer();
    this.st = state;
  }

  private sendPacket(port: number, p: TftpPacket): void {
    const bytes = encodeTftp(p);
    this.stats.packetsSent++;
    this.stats.bytesSent += bytes.length;
    this.cfg.send(port, bytes);
  }
}
