// Times to a milestone, kept as a histogram so shards merge: the same buckets in every run, added
// together by `hotdesk fleet merge`. A value is kept to the millisecond below 1 s and to three
// significant digits above (12,345 ms is kept as 12,300), so a percentile is within 0.5% of the exact
// one; the maximum is kept exactly. A run's own summary reads its percentiles from this histogram too,
// so merging one shard's statistics gives back that shard's summary, number for number.

/** The bucket a time falls in: whole ms below 1 s, three significant digits from 1 s up. */
export function bucketOf(ms: number): number {
  const v = Math.max(0, ms);
  if (v < 1000) return Math.round(v);
  const scale = 10 ** (Math.floor(Math.log10(v)) - 2);
  return Math.round(v / scale) * scale;
}

export interface Percentiles {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export class Histogram {
  private readonly buckets = new Map<number, number>();
  private n = 0;
  private top = 0;

  add(ms: number): void {
    const b = bucketOf(ms);
    this.buckets.set(b, (this.buckets.get(b) ?? 0) + 1);
    this.n++;
    if (ms > this.top) this.top = ms;
  }

  get count(): number {
    return this.n;
  }

  /** The largest time added, exactly (not bucketed). */
  get max(): number {
    return this.top;
  }

  /** Adds every sample of `other` (a shard's) to this one. */
  merge(other: Histogram): void {
    for (const [b, c] of other.buckets) this.buckets.set(b, (this.buckets.get(b) ?? 0) + c);
    this.n += other.n;
    this.top = Math.max(this.top, other.top);
  }

  /**
   * The p-th percentile by nearest rank: the smallest bucket holding at least p% of the samples, never
   * above the exact maximum. 0 when there is no sample.
   */
  percentile(p: number): number {
    if (this.n === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.n));
    let seen = 0;
    for (const [b, c] of this.sorted()) {
      seen += c;
      if (seen >= rank) return Math.min(b, this.top);
    }
    return this.top;
  }

  summary(): Percentiles {
    return { count: this.n, p50: this.percentile(50), p90: this.percentile(90), p99: this.percentile(99), max: round3(this.top) };
  }

  /** Buckets in ascending order, [bucket, count]. */
  sorted(): [number, number][] {
    return [...this.buckets].sort((a, b) => a[0] - b[0]);
  }

  /**
   * One CSV cell: `max|bucket:count;bucket:count...` (no comma, no quote: it needs no escaping). An
   * empty histogram is the empty cell.
   */
  toCell(): string {
    if (this.n === 0) return '';
    return `${round3(this.top)}|${this.sorted()
      .map(([b, c]) => `${b}:${c}`)
      .join(';')}`;
  }

  /** Reads a cell written by toCell; throws a reason on anything else. */
  static fromCell(cell: string): Histogram {
    const h = new Histogram();
    if (cell === '') return h;
    const m = /^(\d+(?:\.\d+)?)\|(.*)$/.exec(cell);
    if (!m) throw new Error(`not a histogram cell: ${JSON.stringify(cell.slice(0, 40))}`);
    for (const pair of m[2].split(';')) {
      const bc = /^(\d+(?:\.\d+)?):(\d+)$/.exec(pair);
      if (!bc) throw new Error(`not a bucket:count pair: ${JSON.stringify(pair.slice(0, 40))}`);
      const count = Number(bc[2]);
      h.buckets.set(Number(bc[1]), (h.buckets.get(Number(bc[1])) ?? 0) + count);
      h.n += count;
    }
    h.top = Number(m[1]);
    return h;
  }
}

export function round3(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
