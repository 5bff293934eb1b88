// The phone's display: a few rows of a few columns. Everything the firmware shows goes through here,
// so text is fitted to the model's display and each change reaches the panel and the trace once.
import type { Panel, Tracer } from '../hal.ts';

export interface ScreenSize {
  rows: number;
  columns: number;
}

export class Screen {
  private current: string[] = [];

  constructor(
    private readonly size: ScreenSize,
    private readonly panel: Panel,
    private readonly tracer: Tracer,
  ) {}

  /** What is shown now, one string per row (trailing blank rows left out). */
  get lines(): string[] {
    return this.current;
  }

  /** Shows these rows (fitted to the display); a repeat of what is already shown is not news. */
  show(...rows: string[]): void {
    const fitted = rows.slice(0, this.size.rows).map((r) => fit(r, this.size.columns));
    // a blank row at the bottom shows nothing: leaving it out makes equal screens compare equal
    while (fitted.length > 0 && fitted[fitted.length - 1] === '') fitted.pop();
    if (fitted.length === this.current.length && fitted.every((r, i) => r === this.current[i])) return;
    this.current = fitted;
    this.panel.display(fitted);
    this.tracer.record({ kind: 'display', lines: fitted });
  }
}

function fit(row: string, columns: number): string {
  const text = row.trimEnd(); // the same whitespace as /\s+$/
  return text.length <= columns ? text : text.slice(0, columns);
}

/** A progress bar of `width` cells for a fraction done, e.g. `[#####-----]`. */
export function progressBar(done: number, total: number | undefined, width = 10): string {
  if (!total || total <= 0) return `${Math.floor(done / 1024)} KiB`;
  const cells = Math.max(0, Math.min(width, Math.floor((done / total) * width)));
  return `[${'#'.repeat(cells)}${'-'.repeat(width - cells)}] ${Math.floor((done / total) * 100)}%`;
}
