// The softkey names `press` takes are the firmware's: every label a firmware screen offers (its
// `softkeys:`) is in SOFTKEY_NAMES, so a new softkey cannot ship without scenarios being able to press it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SOFTKEY_NAMES } from '../../../sim/scenario/keys.ts';

const FIRMWARE = join(import.meta.dirname, '..', '..', '..', 'firmware');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** The quoted labels of every `softkeys: [...]` or `softkeys: { desk: [...], handset: [...] }` literal. */
function softkeyLabels(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/softkeys:\s*(\[[^\]]*\]|\{[^}]*\})/g)) {
    for (const q of m[1].matchAll(/'([^']+)'|"([^"]+)"/g)) out.push(q[1] ?? q[2]);
  }
  return out;
}

describe('softkey names', () => {
  it('include every softkey label a firmware screen shows', () => {
    const labels = new Set(sources(FIRMWARE).flatMap((f) => softkeyLabels(readFileSync(f, 'utf8'))));
    // the hot desk screens at least (a scan that finds nothing proves nothing)
    expect([...labels]).toEqual(expect.arrayContaining(['login', 'logout', 'ok', 'cancel']));
    for (const label of labels) expect(SOFTKEY_NAMES, `softkey "${label}"`).toContain(label);
  });
});
