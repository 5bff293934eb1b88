// The live line a terminal shows while a fleet runs (stderr, redrawn in place at most a few times a
// wall second): simulated time, then phones powered on, booted (firmware checked), registered, logged
// in, re-homed and failed. Only on a terminal: piped output gets the summary alone.
import type { FleetProgress } from './runner.ts';
import { formatMs } from './summary.ts';

export function progressText(p: FleetProgress): string {
  const c = p.counts;
  const parts = [
    `[${formatMs(p.simMs).padStart(7)}]`,
    `powered ${c.poweredOn}/${p.phones}`,
    `booted ${c.firmwareChecked}`,
    `registered ${c.registered}`,
    `logged in ${c.loggedIn}`,
    ...(c.rehomed > 0 ? [`re-homed ${c.rehomed}`] : []),
    `failed ${c.failed}`,
  ];
  return parts.join('  ');
}

export class ProgressLine {
  private lastDraw = -Infinity;
  private drawn = false;

  constructor(
    private readonly out: { write(s: string): unknown },
    private readonly everyWallMs = 200,
    private readonly wallNow: () => number = () => performance.now(),
  ) {}

  update(p: FleetProgress): void {
    const now = this.wallNow();
    if (now - this.lastDraw < this.everyWallMs) return;
    this.lastDraw = now;
    this.drawn = true;
    this.out.write(`\r\x1b[2K${progressText(p)}`);
  }

  /** Leaves the last line standing and moves on to a fresh one. */
  end(p?: FleetProgress): void {
    if (p) {
      this.lastDraw = -Infinity;
      this.update(p);
    }
    if (this.drawn) this.out.write('\n');
  }
}
