// NO_COLOR (no-color.org): set and not empty, the panel draws a lit lamp without colour; the screen's
// cursor moves stay (they are not colour).
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { colorWanted, TerminalPanel } from '../../../sim/panel/terminal.ts';

function panelWithLitLamp(color?: boolean): string {
  const panel = new TerminalPanel({
    title: 't',
    columns: 10,
    rows: 1,
    cadences: { on: [{ lit: true, ms: 1000 }] },
    now: () => 0,
    onKey: () => {},
    onQuit: () => {},
    input: new PassThrough() as unknown as NodeJS.ReadStream,
    output: new PassThrough() as unknown as NodeJS.WriteStream,
    ...(color === undefined ? {} : { color }),
  });
  panel.lamp('key:1', 'on', 0);
  return panel.frame();
}

describe('NO_COLOR', () => {
  it('is honoured when set and not empty', () => {
    expect(colorWanted({ NO_COLOR: '1' })).toBe(false);
    expect(colorWanted({ NO_COLOR: 'yes' })).toBe(false);
    expect(colorWanted({ NO_COLOR: '' })).toBe(true);
    expect(colorWanted({})).toBe(true);
  });

  it('the panel draws a lit lamp in red with colour, and without any colour code under NO_COLOR', () => {
    const colored = panelWithLitLamp(true);
    expect(colored).toContain('\x1b[31m●\x1b[0m');
    const plain = panelWithLitLamp(false);
    expect(plain).toContain('key:1 ● on');
    expect(plain).not.toMatch(/\x1b\[[0-9;]*m/);
  });

  it('takes NO_COLOR from the environment by default', () => {
    const saved = process.env.NO_COLOR;
    try {
      process.env.NO_COLOR = '1';
      expect(panelWithLitLamp()).not.toMatch(/\x1b\[[0-9;]*m/);
      delete process.env.NO_COLOR;
      expect(panelWithLitLamp()).toContain('\x1b[31m');
    } finally {
      if (saved === undefined) delete process.env.NO_COLOR;
      else process.env.NO_COLOR = saved;
    }
  });
});
