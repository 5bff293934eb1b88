// A scenario file that can't be run: the message names the file and line, and the CLI exits 2.
export class ScenarioFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    // line 0: the file as a whole (it cannot be read)
    super(line > 0 ? `${file}:${line}: ${reason}` : `${file}: ${reason}`);
  }
}

/** A step that ran and did not hold; the CLI exits 1 with it and the last display. */
export class StepFailure extends Error {}

/**
 * A step's argument the loader refuses, thrown by a verb's parse (a plain string does as well). `path` is
 * where in the step's value it is (`['call', 'to']` of `controller: { call: { to } }`), so the error
 * names that line when the value spans several; empty: the step's own line.
 */
export class ArgError extends Error {
  constructor(
    readonly reason: string,
    readonly path: readonly (string | number)[] = [],
  ) {
    super(reason);
  }
}
