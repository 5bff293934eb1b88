// What the Panel gets is what a person sees (issue "In service, re-founded"): the display rows, the
// softkey labels under them, each programmable key's label and each lamp's cadence, so a panel (the
// terminal one, a web one) can draw the phone from these calls alone.
import { afterEach, expect, it } from 'vitest';
import type { Panel } from '../../firmware/hal.ts';
import { parseControllerConfig } from '../../sim/controller/config.ts';
import { World } from '../../sim/world.ts';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

function recordingPanel() {
  const seen = { rows: [] as string[], softkeys: [] as string[], labels: new Map<string, string>(), lamps: new Map<string, string>() };
  const panel: Panel = {
    display: (lines) => void (seen.rows = [...lines]),
    lamp: (key, cadence) => void seen.lamps.set(key, cadence),
    softkeys: (labels) => void (seen.softkeys = [...labels]),
    keyLabels: (keys) => {
      seen.labels.clear();
      for (const k of keys) seen.labels.set(k.key, k.label);
    },
  };
  return { panel, seen };
}

it('draws the phone from the panel calls alone: rows, softkeys, key labels and lamps', async () => {
  const { panel, seen } = recordingPanel();
  world = await World.build({
    profile: '5340',
    link: { kind: 'mock' },
    panel,
    config: parseControllerConfig(
      {
        users: [{ ext: '5123', pin: '1234', name: 'Alice Smith', keys: [{ key: 1, type: 'line', dn: '5123', label: 'Alice' }, { key: 2, type: 'blf', dn: '5124', label: 'Bob' }] }],
        sets: [{ profile: '5340', dn: '5000', keys: [{ key: 3, type: 'blf', dn: '5123', label: 'Alice?' }] }],
      },
      'test',
    ),
  });
  const w = world;
  expect(await w.advance(30_000, () => seen.rows[0] === 'No User Logged In')).toBe(true);
  await w.advance(2000);
  expect(seen.labels.get('key:3')).toBe('Alice?'); // the set's own programming
  expect(seen.lamps.get('key:3')).toBe('hotdesk-logged-out');
  w.press('hotdesk');
  await w.advance(50);
  expect(seen.rows).toEqual(['Hot Desking', 'No User Logged In']);
  expect(seen.softkeys).toEqual(['login', 'cancel']);
  w.press('login');
  for (const k of '5123') w.press(k);
  w.press('ok');
  for (const k of '1234') w.press(k);
  expect(seen.rows).toEqual(['Enter PIN:', '****']);
  expect(seen.softkeys).toEqual(['ok', 'cancel']);
  w.press('ok');
  expect(await w.advance(5000, () => seen.rows[0] === 'Alice Smith')).toBe(true);
  await w.advance(2000);
  expect(seen.softkeys).toEqual(['logout']);
  expect([...seen.labels.entries()]).toEqual([
    ['key:1', 'Alice'],
    ['key:2', 'Bob'],
  ]);
  expect(seen.lamps.get('key:3')).toBe('off'); // the set's key is not the user's
});
