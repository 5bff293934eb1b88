// The load error a controller world gives, as its message (what the CLI prints), for the validation tests.
import { ConfigError, parseControllerConfig } from '../../sim/controller/config.ts';

export function errorOf(raw: unknown): string {
  try {
    parseControllerConfig(raw, 'world.yaml');
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('expected a ConfigError');
}
