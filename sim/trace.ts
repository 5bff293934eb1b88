// The trace (docs/design.md "Trace", a contract): JSON Lines, one record per event, in order, with `seq`
// from 1 and no gaps, `t` in ms on the simulation clock, and the node that saw it. Nodes only say what
// happened (firmware/hal.ts Tracer); this writer stamps and serialises, so ordering is global.
import type { Clock, TraceRecord, Tracer } from '../firmware/hal.ts';

export interface StampedRecord {
  seq: number;
  t: number;
  node: string;
  kind: TraceRecord['kind'];
  [field: string]: unknown;
}

export type TraceSink = (rec: StampedRecord) => void;

export class TraceWriter {
  private seq = 0;
  private readonly sinks: { sink: TraceSink; kinds?: ReadonlySet<string> }[] = [];
  /** Some sink takes every kind; else the kinds some sink takes. */
  private everyKind = false;
  private readonly kinds = new Set<string>();

  constructor(private readonly clock: Clock) {}

  /**
   * Adds a consumer of every record (a file, an in-memory list, the scenario runner), or only of the
   * kinds named (a fleet's milestones read `state` and `info`: frames then cost their nodes nothing).
   */
  addSink(sink: TraceSink, kinds?: readonly TraceRecord['kind'][]): void {
    this.sinks.push({ sink, kinds: kinds && new Set(kinds) });
    if (!kinds) this.everyKind = true;
    else for (const k of kinds) this.kinds.add(k);
  }

  /** Whether some sink takes records of this kind. */
  wants(kind: TraceRecord['kind']): boolean {
    return this.everyKind || this.kinds.has(kind);
  }

  /** A Tracer for one node: `phone:<mac>` or `controller`. */
  forNode(node: string): Tracer {
    return { record: (rec) => this.write(node, rec), wants: (kind) => this.wants(kind) };
  }

  get count(): number {
    return this.seq;
  }

  private write(node: string, rec: TraceRecord): void {
    // nobody takes it: cost nothing, and keep seq gap-free for the sinks that take every kind
    if (!this.wants(rec.kind)) return;
    const stamped: StampedRecord = { seq: ++this.seq, t: round3(this.clock.now()), node, ...rec };
    for (const { sink, kinds } of this.sinks) if (!kinds || kinds.has(rec.kind)) sink(stamped);
  }
}

function round3(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
