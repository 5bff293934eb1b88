import { describe, expect, it } from 'vitest';
import { Screen, progressBar } from '../../../firmware/display/screen.ts';
import type { TraceRecord } from '../../../firmware/hal.ts';

function screen() {
  const shown: string[][] = [];
  const traced: TraceRecord[] = [];
  const s = new Screen({ rows: 2, columns: 8 }, { display: (l) => shown.push([...l]), lamp: () => {} }, { record: (r) => traced.push(r) });
  return { s, shown, traced };
}

describe('Screen', () => {
  it('fits rows to the display, drops trailing blank rows, and reports each change once', () => {
    const { s, shown, traced } = screen();
    s.show('Enter Extension:', '');
    s.show('Enter Ex', '   ');
    s.show('a', 'b', 'c');
    expect(shown).toEqual([['Enter Ex'], ['a', 'b']]);
    expect(traced).toEqual([
      { kind: 'display', lines: ['Enter Ex'] },
      { kind: 'display', lines: ['a', 'b'] },
    ]);
    expect(s.lines).toEqual(['a', 'b']);
  });

  it('draws a progress bar by tenths, or a size when the total is unknown', () => {
    expect(progressBar(0, 100)).toBe('[----------] 0%');
    expect(progressBar(55, 100)).toBe('[#####-----] 55%');
    expect(progressBar(100, 100)).toBe('[##########] 100%');
    expect(progressBar(4096, undefined)).toBe('4 KiB');
  });
});
