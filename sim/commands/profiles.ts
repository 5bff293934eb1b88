// `hotdesk profiles [--json]`: the models this build knows, from hw-profiles/, one line each with its
// firmware family (what a `firmware:` entry of the controller's world names), or the full profiles.
import { loadProfiles } from '../profiles.ts';

export async function commandProfiles(values: Record<string, unknown>): Promise<number> {
  const profiles = [...loadProfiles().values()];
  if (values.json) {
    process.stdout.write(JSON.stringify(profiles, null, 2) + '\n');
    return 0;
  }
  const header = ['MODEL', 'KIND', 'NAME', 'DISPLAY', 'KEYS', 'LOGIN', 'FIRMWARE FAMILY'];
  const rows = profiles.map((p) => [
    p.id,
    p.kind,
    p.name,
    `${p.display.rows}x${p.display.columns}`,
    `${p.programmableKeys} keys`,
    p.loginMethod,
    // a key module runs no firmware of its own: its set serves it
    p.firmware ? p.firmware.family : '-',
  ]);
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  for (const r of all) process.stdout.write(r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd() + '\n');
  return 0;
}
