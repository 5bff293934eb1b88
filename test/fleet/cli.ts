// Runs `node bin/hotdesk.js ...` as a user would, with extra environment (JOB_COMPLETION_INDEX).
import { hotdesk, type Ran } from '../support/cli.ts';

export function hotdeskWith(args: string[], env: Record<string, string> = {}, timeoutMs = 240_000): Promise<Ran> {
  return hotdesk(args, { env, timeoutMs });
}

/** A CSV file as rows of cells, read without the fleet's own reader (no cell is quoted). */
export function csvRows(text: string): Record<string, string>[] {
  const [head, ...lines] = text.trim().split('\n');
  const columns = head.split(',');
  return lines.map((l) => {
    const cells = l.split(',');
    if (cells.length !== columns.length) throw new Error(`a row of ${cells.length} cells under ${columns.length} columns`);
    return Object.fromEntries(columns.map((c, i) => [c, cells[i]]));
  });
}
