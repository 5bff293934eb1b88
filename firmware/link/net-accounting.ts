// What the stack counts and traces. Every drop is counted by reason and always traced, whatever the
// trace settings, because a drop is the only sign that the wire carried something wrong; frame records
// can be switched off, and their summaries are only built when they are recorded.
import type { Tracer } from '../hal.ts';
import { newDropCounts, type DropReason } from './drops.ts';
import type { FrameSummary } from './summary.ts';

export interface NetCounters {
  /** Frames written (each one SLIP frame). */
  txFrames: number;
  /** Frames received with a good FCS. */
  rxFrames: number;
  /** Bytes written to the link, SLIP overhead included. */
  txBytes: number;
  /** Bytes read from the link, garbage included. */
  rxBytes: number;
  /** Datagrams handed to a handler. */
  delivered: number;
  drops: Record<DropReason, number>;
  /** The sum of `drops`. */
  dropped: number;
}

export class NetAccounting {
  /** The stack hands this very object out as NetStack.counters, so readers see it change live. */
  readonly counters: NetCounters = {
    txFrames: 0,
    rxFrames: 0,
    txBytes: 0,
    rxBytes: 0,
    delivered: 0,
    drops: newDropCounts(),
    dropped: 0,
  };

  constructor(
    private readonly tracer: Tracer | undefined,
    /** False for benchmarks: frames are not recorded (drops still are). */
    private readonly traceFrames: boolean,
  ) {}

  /** `describe` runs only when frames are traced and someone reads the trace: a fleet pays nothing for summaries. */
  traceFrame(dir: 'tx' | 'rx', describe: () => FrameSummary, bytes: number): void {
    if (!this.tracer || !this.traceFrames || this.tracer.wants?.('frame') === false) return;
    const s = describe();
    this.tracer.record({ kind: 'frame', dir, proto: s.proto, summary: s.summary, bytes });
  }

  drop(reason: DropReason): void {
    this.counters.drops[reason]++;
    this.counters.dropped++;
    this.tracer?.record({ kind: 'drop', reason });
  }
}
