// `hotdesk run DIR|FILE...`: the scenario files the arguments name. A directory stands for every .yaml
// (and .yml) file below it, in name order, so a run is the same on every machine; a file is taken as
// given, whatever its name. Nothing the arguments name is dropped silently: a missing path is a bad file.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ScenarioFileError } from './errors.ts';

const SCENARIO_FILE = /\.ya?ml$/;

function below(dir: string): string[] {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  return entries.flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return below(path);
    return e.isFile() && SCENARIO_FILE.test(e.name) ? [path] : [];
  });
}

/** The files, in order, without repeats; each directory with no scenario in it is a bad file (exit 2). */
export function scenarioFiles(args: readonly string[]): { files: string[]; bad: ScenarioFileError[] } {
  const files: string[] = [];
  const bad: ScenarioFileError[] = [];
  for (const arg of args) {
    let isDir = false;
    try {
      isDir = statSync(arg).isDirectory();
    } catch {
      // not there: loading it says so, with the other bad files
    }
    if (!isDir) {
      files.push(arg);
      continue;
    }
    const found = below(arg);
    if (found.length === 0) bad.push(new ScenarioFileError(arg, 0, 'a directory with no scenario in it (.yaml files)'));
    files.push(...found);
  }
  return { files: [...new Set(files)], bad };
}
