// The hardware abstraction layer: the only doors between the firmware and the world.
// Everything in firmware/ takes these by injection; sim/ (and tests) provide the implementations.
// Nothing here reaches the OS, so the firmware runs the same in virtual time, in real time and in tests.

export type { Clock, TimerId } from './clock-interface.ts';

/** Seedable randomness: DHCP start delays, transaction ids, wire noise. */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [lo, hi] (both inclusive). */
  int(lo: number, hi: number): number;
  /** `n` random bytes. */
  bytes(n: number): Uint8Array;
}

/**
 * A byte stream to the far end: a serial port, a mock port, a pty. Delivery is in order and may be
 * split or merged arbitrarily, exactly like a UART; integrity is the framing's job.
 */
export interface ByteLink {
  write(bytes: Uint8Array): void;
  /** Registers the receiver of incoming bytes (one receiver per link). */
  onData(receiver: (bytes: Uint8Array) => void): void;
}

/** Non-volatile storage, addressed like a NOR flash: erase whole sectors, then program bytes. */
export interface Flash {
  readonly size: number;
  readonly sectorSize: number;
  read(offset: number, length: number): Uint8Array;
  /** Sets a whole sector to 0xff. */
  erase(sectorIndex: number): void;
  /** Programs bytes; a programmed bit can only go from 1 to 0 until the sector is erased. */
  write(offset: number, bytes: Uint8Array): void;
}

/** What the phone shows and lights; the panel (terminal, web, test) renders it. */
export interface Panel {
  display(lines: readonly string[]): void;
  /** A lamp changed cadence; `phaseOrigin` lets the panel compute on/off at any time itself. */
  lamp(key: string, cadence: string, phaseOrigin: number): void;
  /** The softkey labels under the display now, by contract name (`login`, `ok`, ...); [] for none. */
  softkeys?(labels: readonly string[]): void;
  /** Every programmable key shown now (`key:N`, `pkmM:N`) with its label; keys not listed show nothing. */
  keyLabels?(keys: readonly { key: string; label: string }[]): void;
  /** A masked entry (the PIN) has the screen (true) or not: while it does, a panel echoes no digit. */
  masked?(masked: boolean): void;
}

/** The kinds of record the trace carries (docs/design.md, "Trace"). */
export type TraceRecord =
  | { kind: 'state'; machine: string; value: unknown }
  | { kind: 'display'; lines: string[] }
  | { kind: 'lamp'; key: string; cadence: string; on?: boolean }
  | { kind: 'key'; key: string }
  | { kind: 'frame'; dir: 'tx' | 'rx'; proto: string; summary: string; bytes?: number }
  | { kind: 'drop'; reason: string }
  | { kind: 'flash'; slot: string; op: string }
  | { kind: 'error'; message: string }
  | { kind: 'info'; message: string }
  /** A call changed state, on the phone or the controller (`idle` when it ended, with its cause). */
  | { kind: 'call'; call: number; line: number; party: string; state: string; cause?: string };

/**
 * Where a node reports what happens to it. The writer stamps `seq` and `t` (from the clock) and the
 * node name; a node only says what happened. A record never carries a PIN, in any form.
 */
export interface Tracer {
  record(rec: TraceRecord): void;
  /**
   * Whether anyone reads records of this kind now (a trace file, a test, a fleet's milestones): when
   * nobody does, a node may skip building the costly ones (a summary of every frame). Absent: yes.
   */
  wants?(kind: TraceRecord['kind']): boolean;
}

/** A tracer that drops everything: for unit tests and benchmarks that don't look. */
export const nullTracer: Tracer = { record() {} };

/** Receives each Ethernet frame (without FCS) as it crosses a node's link, for pcap capture. */
export type FrameTap = (dir: 'tx' | 'rx', frame: Uint8Array) => void;
