import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { extractMitelString } from '../../../firmware/boot/mitel-option.ts';
import { MITEL_MAX_LENGTH, mitelOption } from '../../../firmware/boot/dhcp-mitel-carrier.ts';
import type { MitelCarry } from '../../../firmware/boot/dhcp-mitel-carrier.ts';
import { DhcpOptionCode, opt } from '../../../firmware/boot/dhcp-options.ts';
import type { DhcpOption } from '../../../firmware/boot/dhcp-options.ts';

const TEXT = 'id:ipphone.mitel.com;sw_tftp=11.11.11.11;call_srv=10.10.10.10';
const ascii = (s: string) => Uint8Array.from(Buffer.from(s, 'latin1'));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase();

function built(carry: MitelCarry, text = TEXT): DhcpOption {
  const r = mitelOption(text, carry);
  if (!r.ok) throw new Error(r.reason);
  return r.option;
}

describe('placing the Mitel string', () => {
  it('option 125: enterprise 1027, data-len, sub-option 130 (the bytes of ISC Kea\'s Mitel test)', () => {
    const o = built('125');
    expect(o.code).toBe(125);
    expect(hex(o.data)).toBe(`000004033F823D${hex(ascii(TEXT))}`);
  });
  it('option 43 plain: the text itself', () => {
    expect(built('43')).toEqual({ code: 43, data: ascii(TEXT) });
  });
  it('option 43 encapsulated: one sub-option holding the text', () => {
    const o = built('43-encapsulated');
    expect([o.data[0], o.data[1]]).toEqual([130, TEXT.length]);
  });
  it('refuses a string too long for its carry (250/253/255 rule, less the sub-option header in 125)', () => {
    const of = (n: number) => 'id:ipphone.mitel.com;x=' + 'a'.repeat(n - 23);
    for (const carry of ['125', '43', '43-encapsulated'] as const) {
      expect(mitelOption(of(MITEL_MAX_LENGTH[carry]), carry).ok).toBe(true);
      expect(mitelOption(of(MITEL_MAX_LENGTH[carry] + 1), carry).ok).toBe(false);
    }
  });
});

describe('extractMitelString', () => {
  const msg = (...options: DhcpOption[]) => ({ options });

  it('round-trips every carry', () => {
    for (const carry of ['125', '43', '43-encapsulated'] as const) {
      const r = extractMitelString(msg(built(carry)));
      expect(r).toEqual({ found: true, option: carry === '125' ? 125 : 43, carry, text: TEXT });
    }
  });

  it('prefers option 125 over option 43', () => {
    const r = extractMitelString(msg(built('43', 'id:ipphone.mitel.com;vlan=43'), built('125', 'id:ipphone.mitel.com;vlan=125')));
    expect(r.found && [r.option, r.text]).toEqual([125, 'id:ipphone.mitel.com;vlan=125']);
  });

  it('falls back to option 43 when 125 has no Mitel block', () => {
    const other = opt.viVendor([{ enterprise: 4491, data: Uint8Array.of(1, 2, 3, 4) }]);
    const r = extractMitelString(msg(other, built('43')));
    expect(r.found && r.option).toBe(43);
  });

  it('finds the Mitel block among several enterprises', () => {
    const o = opt.viVendor([
      { enterprise: 3561, data: Uint8Array.of(1, 1, 9) },
      { enterprise: 1027, data: Uint8Array.of(130, TEXT.length, ...ascii(TEXT)) },
    ]);
    expect(extractMitelString(msg(o))).toMatchObject({ found: true, option: 125, text: TEXT });
  });

  it('accepts a raw string after data-len and another sub-option code in 125', () => {
    const raw = opt.viVendor([{ enterprise: 1027, data: ascii(TEXT) }]);
    expect(extractMitelString(msg(raw))).toMatchObject({ found: true, option: 125, text: TEXT });
    const sub1 = opt.viVendor([{ enterprise: 1027, data: Uint8Array.of(1, TEXT.length, ...ascii(TEXT)) }]);
    expect(extractMitelString(msg(sub1))).toMatchObject({ found: true, option: 125, text: TEXT });
  });

  it('drops a trailing NUL some servers append', () => {
    const o = opt.bytes(DhcpOptionCode.VendorSpecific, Uint8Array.of(...ascii(TEXT), 0));
    expect(extractMitelString(msg(o))).toMatchObject({ found: true, text: TEXT });
  });

  it('hands printable text that is not Mitel\'s to the parser (so the offer is rejected with a reason)', () => {
    const r = extractMitelString(msg(opt.text(43, 'ID:IPPHONE.MITEL.COM;vlan=1')));
    expect(r).toMatchObject({ found: true, option: 43, text: 'ID:IPPHONE.MITEL.COM;vlan=1' });
  });

  it('reports why nothing was found', () => {
    expect(extractMitelString(msg())).toEqual({ found: false, reason: 'no option 125; no option 43' });
    const binary43 = opt.bytes(43, Uint8Array.of(0xf1, 4, 10, 0, 0, 1));
    const r = extractMitelString(msg(binary43));
    expect(r.found).toBe(false);
    const badVi = { code: 125, data: Uint8Array.of(0, 0, 4) };
    expect(extractMitelString(msg(badVi))).toMatchObject({ found: false, reason: expect.stringContaining('truncated') });
  });

  it('never throws on arbitrary option data', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 300 }), (a, b) => {
        const r = extractMitelString(msg({ code: 125, data: a }, { code: 43, data: b }));
        expect(typeof r.found).toBe('boolean');
      }),
      { numRuns: 1000 },
    );
  });
});
