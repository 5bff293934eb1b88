// A scenario file that can't be run: the message names the file and line, and the CLI exits 2.
export class ScenarioFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
  }
}

/** A step that ran and did not hold; the CLI exits 1 with it and the last display. */
export class StepFailure extends Error {}
