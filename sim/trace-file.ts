// Writes trace records to a JSON Lines file. Writes are synchronous and batched, so the file is
// complete and in order when the process exits, even on an error path.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { StampedRecord, TraceSink } from './trace.ts';

export class JsonlFile {
  private readonly fd: number;
  private pending: string[] = [];

  constructor(readonly path: string) {
    try {
      this.fd = openSync(path, 'w');
    } catch (err) {
      throw new Error(`cannot write trace file ${path}: ${(err as NodeJS.ErrnoException).code ?? err}`);
    }
  }

  readonly sink: TraceSink = (rec: StampedRecord) => {
    this.pending.push(JSON.stringify(rec));
    if (this.pending.length >= 256) this.flush();
  };

  flush(): void {
    if (this.pending.length === 0) return;
    writeSync(this.fd, this.pending.join('\n') + '\n');
    this.pending = [];
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
