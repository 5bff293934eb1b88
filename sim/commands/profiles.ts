// `hotdesk profiles [--json]`: the models this build knows, from hw-profiles/.
import { loadProfiles } from '../profiles.ts';

export async function commandProfiles(values: Record<string, unknown>): Promise<number> {
  const profiles = [...loadProfiles().values()];
  if (values.json) {
    process.stdout.write(JSON.stringify(profiles, null, 2) + '\n');
    return 0;
  }
  const rows = profiles.map((p) => [
    p.id,
    p.kind,
    p.name,
    `${p.display.rows}x${p.display.columns}`,
    `${p.programmableKeys} keys`,
    p.loginMethod,
  ]);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) process.stdout.write(r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd() + '\n');
  return 0;
}
