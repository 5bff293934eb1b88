// The controller's TFTP server: a read-only engine over a send callback and a file lookup. It owns no
// socket; whoever carries its datagrams (the router, a test pipe) calls receive() and routes its sends.
//
// Why it behaves as it does:
// - A new TID (port) per transfer (RFC 1350), so concurrent phones never mix blocks.
// - Windows of W blocks (RFC 7440). An ACK inside the window moves it on; an ACK for the block before
//   the window is ignored as a duplicate, and only the timer resends: answering duplicates is the
//   Sorcerer's Apprentice (RFC 1123 4.2.3.1), which doubles the traffic at every round.
// - A repeated RRQ from a client already being served is ignored: that transfer's own timer covers a
//   lost OACK or DATA, and a second transfer would only be refused with ERROR 5 by the client.
import type { Clock, Random, TimerId } from '../../../firmware/hal.ts';
import {
  DEFAULT_BLKSIZE,
  OPTION_RANGE,
  TFTP_ERROR,
  decodeTftp,
  encodeTftp,
  isKnownOption,
  type OptionName,
  type TftpOptions,
  type TftpRequest,
} from '../../../firmware/boot/tftp-packet.ts';

export interface TftpPeer {
  ip: string;
  port: number;
}

export type TftpTransferOutcome = 'done' | 'timeout' | 'client-error';

export interface TftpServerConfig {
  clock: Clock;
  /** Picks TIDs. */
  random: Random;
  /** Sends one datagram from our `fromPort` to `to`. */
  send(fromPort: number, to: TftpPeer, bytes: Uint8Array): void;
  /** The file served for a name, or undefined for "File not found". */
  lookup(name: string): Uint8Array | undefined;
  /** Listening ports; default [69]. A controller that also serves 20001 lists both. */
  ports?: readonly number[];
  /** Which options to negotiate: false is a plain RFC 1350 server; default all it knows. */
  negotiate?: boolean | readonly OptionName[];
  /** Retransmit timer when the client asked no timeout. */
  timeoutMs?: number;
  /** Consecutive timeouts without progress before a transfer is dropped. */
  maxRetries?: number;
  maxBlksize?: number;
  maxWindowsize?: number;
  /** A TID opened or closed: lets a router deliver datagrams for it. */
  onTid?(port: number, open: boolean): void;
  /** A datagram (or an option in one) was dropped, already counted in `stats.drops`: for the trace. */
  onDrop?(reason: TftpDropReason, detail: string): void;
  /** One line per transfer when it ends, for the controller's trace. */
  onTransferEnd?(info: { peer: TftpPeer; file: string; outcome: TftpTransferOutcome; bytesAcked: number }): void;
}

/** Why a datagram was not acted on (or a request refused). Each is counted in TftpServerStats.drops. */
export const TFTP_DROP_REASONS = [
  'malformed', //          not a TFTP packet: no or unknown opcode, strings without NUL, an option without a value
  'closed-port', //        to a port that is neither listening nor a live transfer
  'no-transfer', //        DATA, ACK, ERROR or OACK on a listening port
  'write-refused', //      a WRQ (read-only server): answered with ERROR 2
  'bad-mode', //           a mode other than octet: answered with ERROR 4
  'bad-name', //           a name that climbs out of the store (.., absolute, backslash), has control characters or is over 255 bytes: ERROR 2
  'not-found', //          no such file: ERROR 1
  'bad-option', //         a known option with an out-of-range value (one per option): ignored, the transfer goes on without it
  'duplicate-request', //  an RRQ from a client already being served that file
  'unknown-tid', //        a transfer's port from another peer: answered with ERROR 5
  'unexpected-op', //      a packet other than ACK or ERROR on a transfer
  'ack-out-of-window', //  an ACK for a block never sent, or not 0 while the OACK waits
  'handler-error', //      the server threw anyway (a bug): caught, counted, and the server keeps serving
] as const;
export type TftpDropReason = (typeof TFTP_DROP_REASONS)[number];

/** The longest file name the server looks up. */
const MAX_NAME = 255;

/** Why `name` must not reach the lookup, or undefined for a plain name. */
function badName(name: string): string | undefined {
  if (name.length > MAX_NAME) return `name of ${name.length} bytes`;
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(name)) return 'control character in the name';
  if (name.startsWith('/') || name.includes('\\')) return 'absolute name or backslash';
  if (name.split('/').some((part) => part === '..')) return '.. in the name';
  return undefined;
}

export interface TftpServerStats {
  packetsSent: number;
  bytesSent: number;
  dataSent: number;
  retransmits: number;
  duplicateAcks: number;
  started: number;
  completed: number;
  failed: number;
  refused: number;
  drops: Record<TftpDropReason, number>;
  /** The sum of `drops`. */
  dropped: number;
}

interface Transfer {
  tid: number;
  peer: TftpPeer;
  file: string;
  data: Uint8Array;
  blksize: number;
  windowsize: number;
  timeoutMs: number;
  /** Absolute number (1-based, no wrap) of the final block: a short one, maybe empty. */
  lastBlock: number;
  /** Highest block the client has acknowledged. */
  base: number;
  /** Highest block sent so far. */
  sentUpTo: number;
  /** Awaiting ACK 0 for this OACK, or streaming data. */
  oack: Uint8Array | undefined;
  retries: number;
  timer: TimerId | undefined;
}

const DEFAULT_TIMEOUT_MS = 2000;
const DEFAULT_MAX_RETRIES = 5;
const DEFAULT_MAX_WINDOW = 64;
const EPHEMERAL = [49152, 65535] as const;
const ALL_OPTIONS: readonly OptionName[] = ['blksize', 'tsize', 'timeout', 'windowsize'];

export class TftpServer {
  /** A down server hears nothing and sends nothing, as if unplugged. */
  down = false;
  readonly stats: TftpServerStats = {
    packetsSent: 0,
    bytesSent: 0,
    dataSent: 0,
    retransmits: 0,
    duplicateAcks: 0,
    started: 0,
    completed: 0,
    failed: 0,
    refused: 0,
    drops: Object.fromEntries(TFTP_DROP_REASONS.map((r) => [r, 0])) as Record<TftpDropReason, number>,
    dropped: 0,
  };

  private readonly listening: ReadonlySet<number>;
  private readonly byTid = new Map<number, Transfer>();

  constructor(private readonly cfg: TftpServerConfig) {
    this.listening = new Set(cfg.ports ?? [69]);
  }

  /** How many transfers are in progress. */
  get activeTransfers(): number {
    return this.byTid.size;
  }

  /** Whether a datagram to `port` is ours: a listening port or a live TID. */
  ownsPort(port: number): boolean {
    return this.listening.has(port) || this.byTid.has(port);
  }

  /** One datagram from `from`, addressed to our `toPort`. Total: whatever the bytes, nothing is thrown. */
  receive(from: TftpPeer, toPort: number, bytes: Uint8Array): void {
    if (this.down) return;
    try {
      this.handle(from, toPort, bytes);
    } catch (err) {
      this.drop('handler-error', `handler threw: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private handle(from: TftpPeer, toPort: number, bytes: Uint8Array): void {
    const transfer = this.byTid.get(toPort);
    if (transfer) return this.onTransferPacket(transfer, from, bytes);
    // a closed port: a real host would answer ICMP, we stay quiet
    if (!this.listening.has(toPort)) return this.drop('closed-port', `port ${toPort}`);
    const decoded = decodeTftp(bytes);
    if (!decoded.ok) return this.drop('malformed', decoded.reason);
    const p = decoded.packet;
    if (p.op === 'RRQ') this.onReadRequest(from, p);
    else if (p.op === 'WRQ') this.refuse(from, TFTP_ERROR.accessViolation, 'Access violation: read-only server', 'write-refused');
    // DATA, ACK, ERROR, OACK on a listening port belong to no transfer
    else this.drop('no-transfer', `${p.op} on port ${toPort}`);
  }

  private drop(reason: TftpDropReason, detail: string): void {
    this.stats.drops[reason]++;
    this.stats.dropped++;
    this.cfg.onDrop?.(reason, detail);
  }

  /** Ends every transfer and its timer (the controller is shutting down). */
  close(): void {
    for (const t of [...this.byTid.values()]) this.end(t, 'timeout');
  }

  // -------------------------------------------------------------------------------------------------
  // Requests

  private onReadRequest(from: TftpPeer, req: TftpRequest): void {
    for (const t of this.byTid.values()) {
      if (t.peer.ip === from.ip && t.peer.port === from.port && t.file === req.file) return this.drop('duplicate-request', req.file);
    }
    if (req.mode !== 'octet') {
      // netascii would change the bytes and the size; phones only ever load binaries
      return this.refuse(from, TFTP_ERROR.illegalOperation, `Mode ${req.mode === 'netascii' || req.mode === 'mail' ? req.mode : 'other than octet'} not supported, use octet`, 'bad-mode');
    }
    const bad = badName(req.file);
    if (bad) return this.refuse(from, TFTP_ERROR.accessViolation, 'Access violation', 'bad-name', bad);
    const data = this.cfg.lookup(req.file);
    if (!data) return this.refuse(from, TFTP_ERROR.fileNotFound, 'File not found', 'not-found');
    for (const o of req.others) if (isKnownOption(o.name)) this.drop('bad-option', `${o.name} out of range`);

    const accepted = this.acceptOptions(req.options, data.length);
    const blksize = accepted.blksize ?? DEFAULT_BLKSIZE;
    const t: Transfer = {
      tid: this.newTid(),
      peer: { ...from },
      file: req.file,
      data,
      blksize,
      windowsize: accepted.windowsize ?? 1,
      timeoutMs: accepted.timeout !== undefined ? accepted.timeout * 1000 : (this.cfg.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      lastBlock: Math.floor(data.length / blksize) + 1,
      base: 0,
      sentUpTo: 0,
      oack: undefined,
      retries: 0,
      timer: undefined,
    };
    this.byTid.set(t.tid, t);
    this.stats.started++;
    this.cfg.onTid?.(t.tid, true);
    if (Object.keys(accepted).length > 0) {
      t.oack = encodeTftp({ op: 'OACK', options: accepted, others: [] });
      this.transmit(t, t.oack);
      this.arm(t);
    } else {
      this.sendWindow(t, 1); // no options taken: straight to DATA 1, as RFC 1350
    }
  }

  private acceptOptions(asked: TftpOptions, size: number): TftpOptions {
    const known = this.cfg.negotiate ?? true;
    const allowed = known === true ? ALL_OPTIONS : known === false ? [] : known;
    const out: TftpOptions = {};
    if (allowed.includes('blksize') && asked.blksize !== undefined) {
      out.blksize = Math.min(asked.blksize, this.cfg.maxBlksize ?? OPTION_RANGE.blksize[1]);
    }
    if (allowed.includes('tsize') && asked.tsize !== undefined) out.tsize = size;
    if (allowed.includes('timeout') && asked.timeout !== undefined) out.timeout = asked.timeout;
    if (allowed.includes('windowsize') && asked.windowsize !== undefined) {
      out.windowsize = Math.min(asked.windowsize, this.cfg.maxWindowsize ?? DEFAULT_MAX_WINDOW);
    }
    return out;
  }

  /** An ERROR answer to a request, from a one-off port as RFC 1350 has every reply come from a new TID. */
  private refuse(to: TftpPeer, code: number, message: string, reason: TftpDropReason, detail = message): void {
    this.stats.refused++;
    this.drop(reason, detail);
    this.sendRaw(this.newTid(), to, encodeTftp({ op: 'ERROR', code, message }));
  }

  private newTid(): number {
    for (;;) {
      const port = this.cfg.random.int(EPHEMERAL[0], EPHEMERAL[1]);
      if (!this.ownsPort(port)) return port;
    }
  }

  // -------------------------------------------------------------------------------------------------
  // Transfers

  private onTransferPacket(t: Transfer, from: TftpPeer, bytes: Uint8Array): void {
    const decoded = decodeTftp(bytes);
    if (!decoded.ok) return this.drop('malformed', decoded.reason);
    const p = decoded.packet;
    if (from.ip !== t.peer.ip || from.port !== t.peer.port) {
      this.drop('unknown-tid', `${p.op} from another peer on port ${t.tid}`);
      if (p.op !== 'ERROR') {
        this.sendRaw(t.tid, from, encodeTftp({ op: 'ERROR', code: TFTP_ERROR.unknownTid, message: 'Unknown transfer ID' }));
      }
      return;
    }
    if (p.op === 'ERROR') return this.end(t, 'client-error');
    if (p.op !== 'ACK') return this.drop('unexpected-op', `${p.op} on transfer port ${t.tid}`);
    if (t.oack) {
      if (p.block !== 0) return this.drop('ack-out-of-window', `ACK ${p.block} while the OACK waits`);
      t.oack = undefined;
      t.retries = 0;
      return this.sendWindow(t, 1);
    }
    const advance = (p.block - t.base) & 0xffff;
    if (advance === 0) {
      this.stats.duplicateAcks++; // the block before the window: already answered, or the timer will
      return;
    }
    // behind the window (a late ACK) or never sent: noise
    if (advance > t.sentUpTo - t.base) return this.drop('ack-out-of-window', `ACK ${p.block} outside ${t.base}..${t.sentUpTo}`);
    t.base += advance;
    t.retries = 0;
    if (t.base >= t.lastBlock) return this.end(t, 'done');
    this.sendWindow(t, t.base + 1);
  }

  private sendWindow(t: Transfer, first: number): void {
    const last = Math.min(first + t.windowsize - 1, t.lastBlock);
    for (let n = first; n <= last; n++) {
      const start = (n - 1) * t.blksize;
      const data = t.data.subarray(start, Math.min(start + t.blksize, t.data.length));
      this.stats.dataSent++;
      this.transmit(t, encodeTftp({ op: 'DATA', block: n & 0xffff, data }));
    }
    t.sentUpTo = Math.max(t.sentUpTo, last);
    this.arm(t);
  }

  private arm(t: Transfer): void {
    this.cfg.clock.clearTimeout(t.timer);
    t.timer = this.cfg.clock.setTimeout(() => this.onTimeout(t), t.timeoutMs);
  }

  private onTimeout(t: Transfer): void {
    t.timer = undefined;
    if (++t.retries > (this.cfg.maxRetries ?? DEFAULT_MAX_RETRIES)) return this.end(t, 'timeout');
    this.stats.retransmits++;
    if (t.oack) {
      this.transmit(t, t.oack);
      this.arm(t);
    } else {
      this.sendWindow(t, t.base + 1);
    }
  }

  private end(t: Transfer, outcome: TftpTransferOutcome): void {
    this.cfg.clock.clearTimeout(t.timer);
    t.timer = undefined;
    if (!this.byTid.delete(t.tid)) return;
    if (outcome === 'done') this.stats.completed++;
    else this.stats.failed++;
    this.cfg.onTid?.(t.tid, false);
    this.cfg.onTransferEnd?.({
      peer: t.peer,
      file: t.file,
      outcome,
      bytesAcked: Math.min(t.base * t.blksize, t.data.length),
    });
  }

  private transmit(t: Transfer, bytes: Uint8Array): void {
    this.sendRaw(t.tid, t.peer, bytes);
  }

  private sendRaw(fromPort: number, to: TftpPeer, bytes: Uint8Array): void {
    if (this.down) return;
    this.stats.packetsSent++;
    this.stats.bytesSent += bytes.length;
    this.cfg.send(fromPort, to, bytes);
  }
}
