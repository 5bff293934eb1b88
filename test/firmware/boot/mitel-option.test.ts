import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseMitelOptionString, printMitelConfig } from '../../../firmware/boot/mitel-option.ts';
import type { MitelConfig, MitelParseResult } from '../../../firmware/boot/mitel-option.ts';

const ID = 'id:ipphone.mitel.com;';

function ok(s: string) {
  const r = parseMitelOptionString(s);
  if (!r.ok) throw new Error(`expected ${JSON.stringify(s)} to parse, got ${r.code}: ${r.error}`);
  return r;
}

function rejected(s: string): Extract<MitelParseResult, { ok: false }> {
  const r = parseMitelOptionString(s);
  if (r.ok) throw new Error(`expected ${JSON.stringify(s)} to be rejected, got ${JSON.stringify(r.config)}`);
  return r;
}

describe('parseMitelOptionString', () => {
  it("parses the Engineering Guidelines' example", () => {
    const r = ok('id:ipphone.mitel.com;sw_tftp=10.37.20.11;call_srv=10.37.18.11,10.37.10.11;vlan=1056;l2p=6;dscp=46');
    expect(r.config).toEqual({
      sw_tftp: { ip: '10.37.20.11' },
      call_srv: [{ ip: '10.37.18.11' }, { ip: '10.37.10.11' }],
      vlan: 1056,
      l2p: 6,
      dscp: 46,
      unknown: [],
    });
    expect(r.warnings).toEqual([]);
  });

  describe('the id comes first', () => {
    it('rejects a string whose id is not at the start', () => {
      expect(rejected('sw_tftp=1.2.3.4;id:ipphone.mitel.com;').code).toBe('missing-id');
      expect(rejected('').code).toBe('missing-id');
      expect(rejected('id:ipphone.mitel.co;vlan=1').code).toBe('missing-id');
    });
    it('requires the separator after the id', () => {
      expect(rejected('id:ipphone.mitel.com').code).toBe('missing-id');
      expect(rejected('id:ipphone.mitel.comvlan=1').code).toBe('missing-id');
      expect(rejected('id:ipphone.mitel.com,vlan=1').code).toBe('missing-id');
    });
    it('accepts the id alone with its separator: nothing configured', () => {
      expect(ok(ID).config).toEqual({ unknown: [] });
    });
    it('treats a second id later on as garbage', () => {
      expect(rejected(`${ID}vlan=2;id:ipphone.mitel.com`).code).toBe('garbage');
    });
  });

  describe('case', () => {
    it('is case-sensitive in the id', () => {
      expect(rejected('ID:ipphone.mitel.com;vlan=1').code).toBe('missing-id');
      expect(rejected('id:IPPHONE.MITEL.COM;vlan=1').code).toBe('missing-id');
    });
    it('is case-sensitive in tags: VLAN is not vlan', () => {
      const r = ok(`${ID}VLAN=5`);
      expect(r.config.vlan).toBeUndefined();
      expect(r.config.unknown).toEqual([{ tag: 'VLAN', value: '5' }]);
      expect(r.warnings).toContain('unknown tag VLAN ignored');
    });
  });

  describe('left to right, a repeated tag overrides', () => {
    it('keeps the later value, with a warning', () => {
      const r = ok(`${ID}vlan=5;l2p=1;vlan=6`);
      expect(r.config.vlan).toBe(6);
      expect(r.config.l2p).toBe(1);
      expect(r.warnings).toContain('vlan repeated: the later value wins');
    });
    it('replaces a whole list, not merges it', () => {
      expect(ok(`${ID}call_srv=1.1.1.1;call_srv=2.2.2.2,3.3.3.3`).config.call_srv).toEqual([{ ip: '2.2.2.2' }, { ip: '3.3.3.3' }]);
    });
    it('an empty value deletes the earlier one ("not configured")', () => {
      const r = ok(`${ID}vlan=5;vlan=`);
      expect(r.config.vlan).toBeUndefined();
      expect(r.warnings).toContain('vlan has no value: not configured');
      expect(ok(`${ID}vlan=;vlan=7`).config.vlan).toBe(7);
    });
    it('stops at the first bad pair even when a later one would fix it', () => {
      expect(rejected(`${ID}vlan=9999;vlan=5`).code).toBe('bad-value');
    });
    it('moves a repeated unknown tag to where it last appeared', () => {
      expect(ok(`${ID}a=1;b=2;a=3`).config.unknown).toEqual([{ tag: 'b', value: '2' }, { tag: 'a', value: '3' }]);
    });
  });

  describe('ranges and formats', () => {
    it('vlan 0-4095', () => {
      expect(ok(`${ID}vlan=0`).config.vlan).toBe(0);
      expect(ok(`${ID}vlan=4095`).config.vlan).toBe(4095);
      expect(rejected(`${ID}vlan=4096`).code).toBe('bad-value');
      expect(rejected(`${ID}vlan=-1`).code).toBe('bad-value');
      expect(rejected(`${ID}vlan=0x10`).code).toBe('bad-value');
      expect(rejected(`${ID}vlan=1.5`).code).toBe('bad-value');
    });
    it('l2p 0-7 and dscp 0-63', () => {
      expect(ok(`${ID}l2p=7;dscp=63`).config).toMatchObject({ l2p: 7, dscp: 63 });
      expect(rejected(`${ID}l2p=8`).code).toBe('bad-value');
      expect(rejected(`${ID}dscp=64`).code).toBe('bad-value');
    });
    it('integers are decimal; leading zeros are still decimal', () => {
      expect(ok(`${ID}vlan=0100`).config.vlan).toBe(100);
    });
    it('call_srv takes 1 to 4 addresses, primary first', () => {
      const four = ok(`${ID}call_srv=10.0.0.1,10.0.0.2,10.0.0.3,10.0.0.4`).config.call_srv!;
      expect(four.map((e) => e.ip)).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4']);
      expect(rejected(`${ID}call_srv=10.0.0.1,10.0.0.2,10.0.0.3,10.0.0.4,10.0.0.5`).code).toBe('bad-value');
      expect(rejected(`${ID}call_srv=10.0.0.1,`).code).toBe('bad-value');
      expect(rejected(`${ID}call_srv=,10.0.0.1`).code).toBe('bad-value');
    });
    it('addresses are dotted quads, leading zeros allowed, an optional :port', () => {
      expect(ok(`${ID}sw_tftp=010.001.002.003`).config.sw_tftp).toEqual({ ip: '10.1.2.3' });
      expect(ok(`${ID}call_srv=10.0.0.1:6800,10.0.0.2`).config.call_srv).toEqual([{ ip: '10.0.0.1', port: 6800 }, { ip: '10.0.0.2' }]);
      expect(rejected(`${ID}sw_tftp=10.0.0.256`).code).toBe('bad-value');
      expect(rejected(`${ID}sw_tftp=10.0.0`).code).toBe('bad-value');
      expect(rejected(`${ID}sw_tftp=tftp.example.com`).code).toBe('bad-value');
      expect(rejected(`${ID}sw_tftp=10.0.0.1:0`).code).toBe('bad-value');
      expect(rejected(`${ID}sw_tftp=10.0.0.1:65536`).code).toBe('bad-value');
      expect(rejected(`${ID}sw_tftp=10.0.0.1:69:70`).code).toBe('bad-value');
    });
    it('the other documented tags', () => {
      const r = ok(`${ID}ipa_srv=10.0.0.9:3998;app_proxy=proxy.example.com:8080;pc_vlan=20;pc_l2p=0;lldp=n;dhcp=y;t1=30`);
      expect(r.config).toMatchObject({
        ipa_srv: { ip: '10.0.0.9', port: 3998 },
        app_proxy: { host: 'proxy.example.com', port: 8080 },
        pc_vlan: 20,
        pc_l2p: 0,
        lldp: false,
        dhcp: true,
        t1: 30,
      });
      expect(rejected(`${ID}app_proxy=${'a'.repeat(41)}`).code).toBe('bad-value');
      expect(rejected(`${ID}lldp=yes`).code).toBe('bad-value');
      expect(rejected(`${ID}pc_vlan=4096`).code).toBe('bad-value');
    });
  });

  describe('length', () => {
    it('accepts exactly 255 characters and rejects 256', () => {
      const base = `${ID}x=`;
      const s255 = base + 'a'.repeat(255 - base.length);
      expect(s255).toHaveLength(255);
      expect(ok(s255).config.unknown[0].value).toHaveLength(255 - base.length);
      expect(rejected(`${s255}a`).code).toBe('too-long');
    });
  });

  describe('spaces', () => {
    it('allows spaces at the separators and at both ends', () => {
      const r = ok(`  id:ipphone.mitel.com ;  vlan=5 ; l2p=3 ;  `);
      expect(r.config).toMatchObject({ vlan: 5, l2p: 3 });
    });
    it('rejects spaces inside a pair', () => {
      expect(rejected(`${ID}vlan = 5`).code).toBe('garbage');
      expect(rejected(`${ID}vlan= 5`).code).toBe('garbage');
      expect(rejected(`${ID}call_srv=1.1.1.1, 2.2.2.2`).code).toBe('garbage');
    });
  });

  describe('separators', () => {
    it('allows a trailing separator and ignores back-to-back ones', () => {
      expect(ok(`${ID}vlan=5;`).config.vlan).toBe(5);
      expect(ok(`${ID};;vlan=5;;;l2p=1;;`).config).toMatchObject({ vlan: 5, l2p: 1 });
    });
  });

  describe('garbage', () => {
    it('rejects a segment that is not tag=value', () => {
      expect(rejected(`${ID}hello`).code).toBe('garbage');
      expect(rejected(`${ID}=5`).code).toBe('garbage');
      expect(rejected(`${ID}vl@n=5`).code).toBe('garbage');
    });
    it('rejects characters outside printable ASCII', () => {
      expect(rejected(`${ID}vlan=5\u0000`).code).toBe('bad-character');
      expect(rejected(`${ID}vlan=5\t`).code).toBe('bad-character');
      expect(rejected(`${ID}name=caf\u00e9`).code).toBe('bad-character');
    });
    it('keeps unknown tags with a warning', () => {
      const r = ok(`${ID}sw_tftp=1.2.3.4;future_tag=a=b:c`);
      expect(r.config.unknown).toEqual([{ tag: 'future_tag', value: 'a=b:c' }]);
      expect(r.warnings).toEqual(['unknown tag future_tag ignored']);
    });
  });
});

// ---- properties ----

const interesting = fc.constantFrom(...'id:ipphone.mitel.com;=, .0123456789vlansw_tftpcall_srvl2pdscpVLAN\u0000\u00e9:-'.split(''));

const endpoint = fc.record({ ip: fc.ipV4(), port: fc.integer({ min: 1, max: 65535 }) }, { requiredKeys: ['ip'] });
const knownTags = new Set(['sw_tftp', 'call_srv', 'ipa_srv', 'vlan', 'l2p', 'dscp', 'app_proxy', 'pc_vlan', 'pc_l2p', 'lldp', 'dhcp', 't1']);
const unknownTag = fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/).filter((t) => !knownTags.has(t));
const unknownValue = fc.stringMatching(/^[!-:<-~]{1,12}$/); // printable, no space, no ';'

const config: fc.Arbitrary<MitelConfig> = fc
  .record(
    {
      sw_tftp: endpoint,
      call_srv: fc.array(endpoint, { minLength: 1, maxLength: 4 }),
      ipa_srv: endpoint,
      vlan: fc.integer({ min: 0, max: 4095 }),
      l2p: fc.integer({ min: 0, max: 7 }),
      dscp: fc.integer({ min: 0, max: 63 }),
      app_proxy: fc.record({ host: fc.stringMatching(/^[a-z0-9.-]{1,40}$/), port: fc.integer({ min: 1, max: 65535 }) }, { requiredKeys: ['host'] }),
      pc_vlan: fc.integer({ min: 0, max: 4095 }),
      pc_l2p: fc.integer({ min: 0, max: 7 }),
      lldp: fc.boolean(),
      dhcp: fc.boolean(),
      t1: fc.integer({ min: 0, max: 65535 }),
    },
    { requiredKeys: [] },
  )
  .chain((known) =>
    fc.uniqueArray(fc.record({ tag: unknownTag, value: unknownValue }), { selector: (u) => u.tag, maxLength: 3 }).map((unknown) => ({ ...known, unknown })),
  );

describe('parseMitelOptionString properties', () => {
  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: interesting, maxLength: 300 }).map((s) => ID + s)), (s) => {
        const r = parseMitelOptionString(s);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });

  it('a config printed back to a string parses to the same config', () => {
    fc.assert(
      fc.property(config, (c) => {
        const text = printMitelConfig(c);
        fc.pre(text.length <= 255);
        const r = parseMitelOptionString(text);
        expect(r.ok && r.config).toEqual(c);
      }),
      { numRuns: 500 },
    );
  });
});
