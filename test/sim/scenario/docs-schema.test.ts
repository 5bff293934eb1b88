// The docs match the schema: every field the controller's world accepts (sim/controller/config-schema.ts)
// is documented in docs/scenarios.md "The controller's world": each top-level field has its row of the
// table, and every field below one is named in backticks in that section.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTROLLER_SCHEMA } from '../../../sim/controller/config-schema.ts';

const DOC = readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', 'scenarios.md'), 'utf8');
const SECTION = /## The controller's world\n([\s\S]*?)\n## /.exec(DOC)![1];
/** Every word written in backticks in the section (`{ login, logout }` names both). */
const NAMED = new Set((SECTION.match(/`[^`]+`/g) ?? []).flatMap((span) => span.match(/[a-z0-9][a-z0-9-]*/gi) ?? []));

type Schema = { properties?: Record<string, Schema>; items?: Schema; oneOf?: Schema[] };

/** Every field below `schema`, as `path` and its own name. */
function fields(schema: Schema, path: string[] = []): { path: string; name: string }[] {
  const out: { path: string; name: string }[] = [];
  for (const [name, sub] of Object.entries(schema.properties ?? {})) {
    out.push({ path: [...path, name].join('/'), name });
    out.push(...fields(sub, [...path, name]));
  }
  if (schema.items) out.push(...fields(schema.items, path));
  for (const b of schema.oneOf ?? []) out.push(...fields(b, path));
  return out;
}

describe("docs/scenarios.md documents every field of the controller's world", () => {
  const top = Object.keys((CONTROLLER_SCHEMA as unknown as Schema).properties!);

  it.each(top)('%s has its row', (name) => {
    expect(SECTION, `a row "| \`${name}\` |" in "The controller's world"`).toContain(`| \`${name}\` |`);
  });

  it.each(fields(CONTROLLER_SCHEMA as unknown as Schema).filter((f) => f.path.includes('/')).map((f) => [f.path, f.name]))('%s is named', (path, name) => {
    expect(NAMED.has(name), `\`${name}\` (${path}) in "The controller's world"`).toBe(true);
  });
});
