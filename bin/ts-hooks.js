// Module hooks that load this project's TypeScript: each .ts file is stripped of its types by esbuild
// (one file at a time, no bundling, so import.meta.url and relative reads stay as they are).
//
// Why not tsx, which did this before: tsx always asks esbuild for `keepNames`, which wraps every function
// the program creates in a `__name(fn, "...")` call that defines a property on it. Names need no keeping
// here (nothing is renamed), and the wrapper costs ~7 KiB and ~10% CPU per phone in a fleet of thousands
// (bench/fleet, measured side by side). Registered by ts-register.js.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';

// what tsconfig.json asks of emitted code (esbuild reads these fields; type checking is tsc's job)
const tsconfigRaw = { compilerOptions: { verbatimModuleSyntax: true, useDefineForClassFields: true, target: 'ES2022' } };

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !/\.[cm]?ts$/.test(new URL(url).pathname)) return nextLoad(url, context);
  const file = fileURLToPath(url);
  const source = await readFile(file, 'utf8');
  const out = await transform(source, {
    loader: 'ts',
    format: 'esm',
    target: `node${process.versions.node}`,
    sourcefile: file,
    sourcemap: 'inline',
    tsconfigRaw,
  });
  return { format: 'module', source: out.code, shortCircuit: true };
}
