// Each end's tracer: counts every drop the end traces, by reason (the link stack's reasons, the
// signalling layer's, the secure layer's), and keeps the errors that are bugs: a handler that threw
// (caught by the UDP port table, by Transactions or by the router's safety net, which also catches a
// reply the stack refused to send) and a phone fault. A caught exception is still a crash: it is a
// handler that did not finish.
import type { TraceRecord, Tracer } from '../firmware/hal.ts';
import { DROP_REASONS } from '../firmware/link/drops.ts';

const LINK = new Set<string>(DROP_REASONS);

/** Trace errors that mean an exception was thrown where none should be. */
const BUG = /^(fault: |udp handler for port \d+ threw|signalling handler failed|signalling answer .* cannot be encoded|router handler-error: |router tx-refused: )/;

export class CountingTracer implements Tracer {
  readonly drops = new Map<string, number>();
  /** Bug errors traced since the last `take()`. */
  private errors: string[] = [];

  record(rec: TraceRecord): void {
    if (rec.kind === 'drop') {
      const reason = dropReason(rec.reason);
      this.drops.set(reason, (this.drops.get(reason) ?? 0) + 1);
    } else if (rec.kind === 'error' && BUG.test(rec.message)) this.errors.push(rec.message);
  }

  take(): string[] {
    const e = this.errors;
    if (e.length > 0) this.errors = [];
    return e;
  }
}

/** `sig-secure bad-tag: session 1a2b from 192.168.10.100:5000` -> `sig-secure bad-tag`. */
export function dropReason(reason: string): string {
  const colon = reason.indexOf(':');
  let r = colon >= 0 ? reason.slice(0, colon) : reason;
  r = r.replace(/ from .*$/, '').replace(/ #\d+/, '').replace(/ \d+(\.\d+){3}\S*/g, '');
  return LINK.has(r) ? `link ${r}` : r;
}
