// The panel as a person uses it: `hotdesk sim` in a real terminal (tmux), keys typed, the screen read.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from '../../support/cli.ts';

const session = `hotdesk-panel-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
/** The session still runs (tmux exits non-zero once its last session is gone). */
function alive(): boolean {
  try {
    return tmux('list-sessions').includes(session);
  } catch {
    return false;
  }
}
const screen = () => tmux('capture-pane', '-p', '-t', session);

async function waitFor(text: string, ms: number): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const shown = screen();
    if (shown.includes(text)) return shown;
    if (Date.now() > end) throw new Error(`"${text}" not on the panel within ${ms} ms:\n${shown}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

afterAll(() => {
  try {
    tmux('kill-session', '-t', session);
  } catch {
    // already gone: the test quit it
  }
});

describe('the terminal panel', () => {
  it('boots in real time, takes a hot desk login typed at the keyboard, masks the PIN, and quits on q', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotdesk-panel-'));
    const config = join(dir, 'world.yaml');
    writeFileSync(config, 'users:\n  - { ext: "5123", pin: "4711", name: "Alice Smith", keys: [{ key: 2, type: blf, dn: "5124" }] }\n  - { ext: "5124", pin: "", name: "Bob" }\n');
    tmux('new-session', '-d', '-s', session, '-x', '140', '-y', '30', `${process.execPath} ${BIN} sim --profile 5320 --config ${config}`);
    await waitFor('No User Logged In', 30_000);
    tmux('send-keys', '-t', session, 'h');
    await waitFor('Hot Desking', 5_000);
    tmux('send-keys', '-t', session, ':login', 'Enter');
    await waitFor('Enter Extension:', 5_000);
    tmux('send-keys', '-t', session, '5123', 'Enter');
    await waitFor('Enter PIN:', 5_000);
    // digit by digit: neither the display nor the panel's status line ever shows one of them
    for (const [i, digit] of [...'4711'].entries()) {
      tmux('send-keys', '-t', session, digit);
      const shown = await waitFor(`│${'*'.repeat(i + 1)} `, 5_000); // the PIN row, padded in its box
      expect(shown).toContain('pressed *');
      expect(shown).not.toMatch(/pressed [0-9]/);
    }
    const masked = await waitFor('****', 5_000);
    expect(masked).not.toContain('4711');
    tmux('send-keys', '-t', session, 'Enter');
    await waitFor('Alice Smith', 10_000);
    await waitFor('key:2', 10_000); // Bob is logged out: his BLF lamp blinks 438/62 on the panel
    expect(screen()).toContain('hotdesk-logged-out');
    tmux('send-keys', '-t', session, 'q');
    const end = Date.now() + 10_000;
    while (Date.now() < end && alive()) await new Promise((r) => setTimeout(r, 200));
    expect(alive()).toBe(false); // q ended hotdesk sim, and with it the terminal
  }, 90_000);
});
