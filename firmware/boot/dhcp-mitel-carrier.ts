// Where the Mitel configuration string travels in a DHCP reply: option 125 (RFC 3925, Mitel's
// enterprise number 1027) or option 43 (vendor-specific, either the plain string or encapsulated
// as a sub-option). This file only finds and places the bytes; mitel-option.ts parses the text.
//
// Sources (searched, June 2026; they disagree on the 125 framing, so the phone side accepts all):
// - Mitel 3300 ICP / MiVoice Business Engineering Guidelines, "Vendor information data format
//   (options 125 and 43)": the same "id:ipphone.mitel.com;tag=value;..." text in either option, its
//   end given by the enclosing option's length (no terminator).
// - Mitel system administration help, "Manually creating DHCP options 43 or 125": at most 250
//   characters for option 125, 253 for option 43 with encapsulation, 255 without. 255 - 253 = a
//   sub-option code + length in 43; 255 - 250 = enterprise number (4) + data-len (1) in 125, i.e.
//   Mitel's embedded server writes the text straight after data-len, with no sub-option header.
// - ISC Kea's forge test `test_v4_options_vivso_suboptions_mitel`: option 125 =
//   00000403 3F 82 3D "id:ipphone.mitel.com;..." - enterprise 1027, then sub-option 130 (0x82, the
//   number of Mitel's pre-RFC 3942 site option that carried the same identifier) holding the text.
//   The same suite sends option 43 as the plain text for vendor class 1027.
// - A public PowerShell helper for Windows servers frames the text as sub-option 1 inside 1027.
// - Windows DHCP write-ups for MiNET sets: vendor class "ipphone.mitel.com" (some firmware sends a
//   trailing NUL) with option 43 as a plain string "id:ipphone.mitel.com;vlan=...".
// So: the server here encodes 125 as sub-option 130 (the one byte-exact interoperability test we
// found) and encapsulated 43 likewise as sub-option 130; the phone accepts a raw string, sub-option
// 130, or any sub-option whose value starts with "id:", in 125 and in 43.
import {
  DhcpOptionCode,
  decodeSubOptions,
  decodeViVendorBlocks,
  encodeSubOptions,
  findOption,
  opt,
  readText,
} from './dhcp-options.ts';
import type { DhcpOption } from './dhcp-options.ts';

/** IANA private enterprise number of Mitel Networks. */
export const MITEL_ENTERPRISE = 1027;
/** The sub-option that carries the string inside option 125's Mitel block (and encapsulated 43). */
export const MITEL_SUBOPTION = 130;
/** The discriminator every Mitel string starts with (case-sensitive). */
export const MITEL_ID = 'id:ipphone.mitel.com';
/** What a Mitel phone sends in option 60 so that servers hand it option 43. */
export const MITEL_VENDOR_CLASS = 'ipphone.mitel.com';

/** How the string was (or is to be) carried. */
export type MitelCarry = '125' | '43' | '43-encapsulated';

export type MitelExtraction =
  | { found: true; option: 125 | 43; carry: MitelCarry; text: string }
  | { found: false; reason: string };

/** Only printable ASCII can be a Mitel string; anything else in a vendor option is someone else's. */
function isPrintable(text: string): boolean {
  return /^[\x20-\x7e]*$/.test(text);
}

/** A string looks Mitel's when, spaces aside, it opens with "id:" - the parser judges the rest. */
function looksMitel(text: string): boolean {
  return text.trimStart().startsWith('id:');
}

/** Finds the string inside one vendor payload: raw text first, then sub-options (130 first). */
function fromPayload(data: Uint8Array): { text: string; encapsulated: boolean } | undefined {
  const raw = readText(data) ?? '';
  if (looksMitel(raw)) return { text: raw, encapsulated: false };
  const subs = decodeSubOptions(data);
  if (subs.ok) {
    const texts = subs.value
      .slice()
      .sort((a, b) => Number(b.code === MITEL_SUBOPTION) - Number(a.code === MITEL_SUBOPTION))
      .map((s) => readText(s.data) ?? '');
    const hit = texts.find((t) => looksMitel(t));
    if (hit !== undefined) return { text: hit, encapsulated: true };
  }
  // Printable text that does not start with "id:" is still a candidate: the parser will reject it
  // with a reason the display can show, which is what a phone given a mistyped string does.
  if (raw.length > 0 && isPrintable(raw)) return { text: raw, encapsulated: false };
  return undefined;
}

/**
 * The Mitel string of a reply: option 125 (enterprise 1027) first, then option 43. The caller
 * parses `text`; `option` drives the "Using option 125" / "Using option 43" display.
 */
export function findMitelString(options: readonly DhcpOption[]): MitelExtraction {
  const vi = findOption(options, DhcpOptionCode.ViVendorSpecific);
  let why125 = 'no option 125';
  if (vi) {
    const blocks = decodeViVendorBlocks(vi);
    if (!blocks.ok) why125 = blocks.reason;
    else {
      const mitel = blocks.value.find((b) => b.enterprise === MITEL_ENTERPRISE);
      if (!mitel) why125 = 'option 125 has no Mitel (1027) block';
      else {
        const hit = fromPayload(mitel.data);
        if (hit) return { found: true, option: 125, carry: '125', text: hit.text };
        why125 = 'option 125 Mitel block holds no string';
      }
    }
  }
  const vendor = findOption(options, DhcpOptionCode.VendorSpecific);
  if (vendor) {
    const hit = fromPayload(vendor);
    if (hit) return { found: true, option: 43, carry: hit.encapsulated ? '43-encapsulated' : '43', text: hit.text };
    return { found: false, reason: `${why125}; option 43 holds no Mitel string` };
  }
  return { found: false, reason: `${why125}; no option 43` };
}

/** The longest string each carry can hold in one option instance (see the sources above). */
export const MITEL_MAX_LENGTH: Record<MitelCarry, number> = {
  '125': 255 - 5 - 2, // enterprise(4) + data-len(1) + sub-option code and length(2)
  '43-encapsulated': 255 - 2,
  '43': 255,
};

/** Builds the option that carries `text`; a string too long for the carry comes back as a reason. */
export function mitelOption(text: string, carry: MitelCarry): { ok: true; option: DhcpOption } | { ok: false; reason: string } {
  const data = Uint8Array.from(Buffer.from(text, 'latin1'));
  if (data.length > MITEL_MAX_LENGTH[carry]) {
    return { ok: false, reason: `Mitel string is ${data.length} characters; option ${carry} holds at most ${MITEL_MAX_LENGTH[carry]}` };
  }
  const sub = [{ code: MITEL_SUBOPTION, data }];
  switch (carry) {
    case '125':
      return { ok: true, option: opt.viVendor([{ enterprise: MITEL_ENTERPRISE, data: encodeSubOptions(sub) }]) };
    case '43-encapsulated':
      return { ok: true, option: opt.subOptions(DhcpOptionCode.VendorSpecific, sub) };
    case '43':
      return { ok: true, option: opt.bytes(DhcpOptionCode.VendorSpecific, data) };
  }
}
