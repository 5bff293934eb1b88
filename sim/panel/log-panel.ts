// The panel when no one is at a terminal (output piped to a file or another program): one line per
// display change, stamped with the simulation clock, so `hotdesk sim | grep` works.
import type { Panel } from '../../firmware/hal.ts';

export class LogPanel implements Panel {
  constructor(
    private readonly now: () => number,
    private readonly write: (line: string) => void = (l) => process.stdout.write(l + '\n'),
  ) {}

  display(lines: readonly string[]): void {
    this.write(`${(this.now() / 1000).toFixed(3).padStart(10)}  ${lines.map((l) => `[${l}]`).join(' ')}`);
  }

  lamp(key: string, cadence: string): void {
    this.write(`${(this.now() / 1000).toFixed(3).padStart(10)}  lamp ${key} ${cadence}`);
  }
}
