import { describe, expect, it } from 'vitest';
import { ConfigError, parseControllerConfig } from '../../../sim/controller/config.ts';

describe('controller config: the call server fields', () => {
  it('defaults: lockout 3 in 5 min for 15 min, id icp-1, no cluster', () => {
    const c = parseControllerConfig({}, 'test');
    expect(c.lockout).toEqual({ failures: 3, windowMs: 300_000, durationMs: 900_000 });
    expect(c.identity).toEqual({ id: 'icp-1', ip: undefined });
    expect(c.cluster).toEqual([]);
  });

  it('reads lockout durations as people write them, identity and cluster peers', () => {
    const c = parseControllerConfig(
      { lockout: { failures: 5, window: '10m', duration: '1h' }, identity: { id: 'icp-2', ip: '10.0.1.1' }, cluster: [{ id: 'icp-3', ip: '10.0.2.1' }, { ip: '10.0.3.1', port: 6900 }] },
      'test',
    );
    expect(c.lockout).toEqual({ failures: 5, windowMs: 600_000, durationMs: 3_600_000 });
    expect(c.identity).toEqual({ id: 'icp-2', ip: '10.0.1.1' });
    expect(c.cluster).toEqual([
      { id: 'icp-3', ip: '10.0.2.1', port: 6800 },
      { id: '10.0.3.1', ip: '10.0.3.1', port: 6900 },
    ]);
  });

  it('refuses a bad lockout with a clear error', () => {
    expect(() => parseControllerConfig({ lockout: { failures: 0 } }, 'x.yaml')).toThrow(ConfigError);
    expect(() => parseControllerConfig({ lockout: { window: 'soon' } }, 'x.yaml')).toThrow(/x\.yaml: \/lockout\/window/);
  });
});
