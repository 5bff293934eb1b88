// A cluster member's `firmware`: parsed and checked, announced in that member's register-ack, and served
// by TFTP only while that member leads the cluster (the members before it in call_srv are dead).
import { describe, expect, it } from 'vitest';
import { ConfigError, parseControllerConfig } from '../../../../sim/controller/config.ts';
import { expectedFirmware, servingStore } from '../../../../sim/controller/firmware-store/cluster-firmware.ts';
import { FirmwareStore } from '../../../../sim/controller/firmware-store/firmware-store.ts';

describe('cluster member firmware', () => {
  it('parses a.b.c.d and refuses anything else, naming the field', () => {
    const c = parseControllerConfig({ cluster: [{ id: 'icp-2', ip: '192.168.10.2', firmware: '1.2.0.0' }, { ip: '192.168.10.3' }] }, 'cfg');
    expect(c.cluster[0].firmware).toEqual([1, 2, 0, 0]);
    expect(c.cluster[1].firmware).toBeUndefined();
    expect(() => parseControllerConfig({ cluster: [{ ip: '192.168.10.2', firmware: '1.2' }] }, 'cfg')).toThrow(ConfigError);
    expect(() => parseControllerConfig({ cluster: [{ ip: '192.168.10.2', firmware: '1.2' }] }, 'cfg')).toThrow(/\/cluster\/0\/firmware/);
  });

  it('announces the version only for a member that has one', () => {
    expect(expectedFirmware([1, 2, 0, 0])?.('5340')).toBe('1.2.0.0');
    expect(expectedFirmware(undefined)).toBeUndefined();
  });

  it('TFTP serves the first live member\'s images', () => {
    const own = new FirmwareStore();
    const second = new FirmwareStore();
    const members = [{ ip: 'a' }, { ip: 'b' }, { ip: 'c' }];
    const byMember = new Map([['b', second]]);
    const dead = new Set<string>();
    const serving = () => servingStore(members, (ip) => dead.has(ip), own, byMember);
    expect(serving()).toBe(own);
    dead.add('a');
    expect(serving()).toBe(second);
    dead.add('b');
    expect(serving()).toBe(own); // c has no images of its own
  });
});
