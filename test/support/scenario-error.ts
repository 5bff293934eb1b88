// The load error a scenario text gives (the test fails when it loads, or throws something else).
import { ScenarioFileError } from '../../sim/scenario/errors.ts';
import { parseScenario } from '../../sim/scenario/load.ts';

export function scenarioErrorOf(text: string, file = 'f.yaml'): ScenarioFileError {
  try {
    parseScenario(text, file);
  } catch (err) {
    if (err instanceof ScenarioFileError) return err;
    throw err;
  }
  throw new Error('expected a ScenarioFileError');
}
