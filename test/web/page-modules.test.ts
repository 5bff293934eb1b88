// The page's own modules, in Node: its lamp arithmetic is the firmware's (the page blinks lamps itself),
// its keyboard is the terminal panel's, and it loads nothing from anywhere but the server it came from.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lampState } from '../../firmware/keys/cadence.ts';
import { FIXED_CADENCES, type Cadence } from '../../firmware/profile.ts';
import { mapKeystroke } from '../../sim/panel/keymap.ts';
import { KEY_HELP as TERMINAL_HELP } from '../../sim/panel/keymap.ts';
import { loadProfile } from '../../sim/profiles.ts';
import { litAt } from '../../sim/web/page/cadence.js';
import { KEY_HELP, keyFor, LETTERS } from '../../sim/web/page/keymap.js';

const PAGE = join(import.meta.dirname, '..', '..', 'sim', 'web', 'page');

describe('the page blinks lamps as the firmware does', () => {
  it('is lit exactly when lampState says so, for every cadence of the models, at any time', () => {
    const cadences: Cadence[] = [...Object.values(FIXED_CADENCES), ...['5340', '6940', '5607'].flatMap((m) => Object.values(loadProfile(m).cadences))];
    fc.assert(
      fc.property(fc.constantFrom(...cadences), fc.double({ min: 0, max: 1e7, noNaN: true }), fc.double({ min: 0, max: 1e6, noNaN: true }), (cadence, origin, after) => {
        const now = origin + after;
        expect(litAt(cadence, origin, now)).toBe(lampState(cadence, origin, now).lit);
      }),
      { numRuns: 2000 },
    );
  });

  it('shows a logged-out hot desk user 438 ms dark, then 62 ms lit, a change instant being the new state', () => {
    const c = FIXED_CADENCES['hotdesk-logged-out'];
    const at = (ms: number) => litAt(c, 1000, 1000 + ms);
    expect([0, 437, 438, 499, 500, 937, 938].map(at)).toEqual([false, false, true, true, false, false, true]);
    expect(litAt(FIXED_CADENCES.on, 5, 0)).toBe(true);
    expect(litAt(undefined, 0, 10)).toBe(false); // a cadence the page was never told of stays dark
  });
});

describe("the page's keyboard is the terminal's", () => {
  it('maps every letter, digit, Enter, Escape and F-key to the key the terminal panel does', () => {
    for (const letter of [...'abcdefghijklmnopqrstuvwxyz']) {
      const terminal = mapKeystroke(letter);
      expect(keyFor({ key: letter }), letter).toBe('key' in terminal ? terminal.key : undefined);
    }
    for (const k of [...'0123456789*#']) expect(keyFor({ key: k })).toBe(k);
    const enter = mapKeystroke('\r');
    expect(keyFor({ key: 'Enter' })).toBe('key' in enter ? enter.key : 'no key');
    expect(keyFor({ key: 'Escape' })).toBe('cancel');
    expect(keyFor({ key: 'F1' })).toBe('key:1');
    expect(keyFor({ key: 'F12' })).toBe('key:12');
    expect(keyFor({ key: 'F13' })).toBeUndefined();
    expect(keyFor({ key: 'h', ctrlKey: true })).toBeUndefined(); // the browser's shortcuts stay the browser's
    expect(Object.keys(LETTERS).length).toBe(10);
    expect(TERMINAL_HELP.startsWith(KEY_HELP)).toBe(true);
  });
});

describe('the page is self-contained', () => {
  it('names no other host and loads no script, style or font from elsewhere', () => {
    const files = readdirSync(PAGE).filter((f) => /\.(html|js|css)$/.test(f));
    expect(files).toEqual(expect.arrayContaining(['index.html', 'panel.js', 'panel.css', 'cadence.js', 'keymap.js', 'draw.js', 'log.js']));
    for (const file of files) {
      const text = readFileSync(join(PAGE, file), 'utf8');
      expect(text, file).not.toMatch(/https?:\/\//);
      expect(text, file).not.toMatch(/@import|url\(|src=["']\/\//);
      // module imports are relative to the page itself
      for (const m of text.matchAll(/from '([^']+)'/g)) expect(m[1], file).toMatch(/^\.\/[a-z-]+\.js$/);
    }
  });
});
