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
  private readonly sinks: TraceSink[] = [];

  constructor(private readonly clock: Clock) {}

  /** Adds a consumer of every record (a file, an in-memory list, the scenario runner). */
  addSink(sink: TraceSink): void {
    this.sinks.push(sink);
  }

  /** A Tracer for one node: `phone:<mac>` or `controller`. */
  forNode(node: string): Tracer {
    return { record: (rec) => this.write(node, rec) };
  }

  get count(): number {
    return this.seq;
  }

  private write(node: string, rec: TraceRecord): void {
    if (this.sinks.length === 0) return; // nobody listens: cost nothing, and keep seq gap-free for later sinks
    const stamped: StampedRecord = { seq: ++this.seq, t: round3(this.clock.now()), node, ...rec };
    for (const sink of this.sinks) sink(stamped);
  }
}

function round3(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
