import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadControllerConfig } from '../../../sim/controller/config.ts';
import { hotdesk } from '../../support/cli.ts';
import { errorOf } from '../../support/config.ts';


describe('controller world validation', () => {
  it.each([
    [{ users: [{ ext: '5123', pin: '123456789' }] }, 'world.yaml: /users/0/pin must be 0 to 8 digits'],
    [{ users: [{ ext: '5123', pin: '12a4' }] }, 'world.yaml: /users/0/pin must be 0 to 8 digits'],
    [{ users: [{ ext: '5123' }] }, "world.yaml: /users/0 must have required property 'pin'"],
    [{ users: [{ ext: '5123', pin: '1', colour: 'red' }] }, 'world.yaml: /users/0: unknown field "colour"'],
    [{ users: [{ ext: '5123', pin: '1', keys: [{ key: 1, type: 'lamp' }] }] }, 'world.yaml: /users/0/keys/0/type must be one of'],
    [{ dhcp: { vlan: 5000 } }, 'world.yaml: /dhcp/vlan must be <= 4095'],
    [{ users: [{ ext: '5123', pin: '1' }, { ext: '5123', pin: '2' }] }, 'world.yaml: /users/1/ext repeats extension 5123'],
    [{ firmware: [{ family: '53gx', version: '1.2.3' }] }, 'world.yaml: /firmware/0/version'],
  ])('names the field in one line (%#)', (raw, message) => {
    const m = errorOf(raw);
    expect(m.startsWith(message)).toBe(true);
    expect(m.split('\n')).toHaveLength(1);
  });

  it('never echoes a PIN, right or wrong, in an error', () => {
    for (const pin of ['98765432', '987654321', '98x7']) {
      const m = errorOf({ users: [{ ext: '5123', pin, name: 7 }] });
      expect(m).not.toContain(pin);
    }
  });

  it('reads YAML and JSON files, and names the file when it is not valid', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotdesk-config-'));
    writeFileSync(join(dir, 'a.yaml'), 'users:\n  - { ext: "5123", pin: "" }\n');
    writeFileSync(join(dir, 'b.json'), JSON.stringify({ users: [{ ext: '5124', pin: '1234', name: 'Bob' }] }));
    writeFileSync(join(dir, 'c.yaml'), 'users: [\n');
    expect(loadControllerConfig(join(dir, 'a.yaml')).users[0]).toMatchObject({ ext: '5123', pin: '', name: 'User 5123' });
    expect(loadControllerConfig(join(dir, 'b.json')).users[0].name).toBe('Bob');
    expect(() => loadControllerConfig(join(dir, 'c.yaml'))).toThrow(/c\.yaml: not valid YAML or JSON/);
    expect(() => loadControllerConfig(join(dir, 'none.yaml'))).toThrow(/cannot read config .*none\.yaml/);
  });

  it('hotdesk sim --config with a bad file: one line naming the field, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotdesk-config-'));
    writeFileSync(join(dir, 'bad.yaml'), 'users:\n  - { ext: "5123", pin: "12345678901" }\n');
    const ran = await hotdesk(['sim', '--headless', '--for', '1s', '--config', join(dir, 'bad.yaml')]);
    expect(ran.code).toBe(2);
    // the line of the bad field itself (line 2), never the PIN it holds
    expect(ran.stderr.trim()).toBe(`hotdesk sim: ${join(dir, 'bad.yaml')}:2: /users/0/pin must be 0 to 8 digits`);
  });
});
