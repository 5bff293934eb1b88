// wireshark/hotdesk.lua is generated from the codec tables (wireshark/generate.ts), as the message
// reference of docs/protocol.md is: this fails when the committed dissector is not what they generate.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MESSAGE_TYPES, typeCode } from '../../firmware/signalling/messages.ts';
import { DISSECTOR_PATH, fieldFilter, messageFields, renderDissector } from '../../wireshark/generate.ts';

const committed = readFileSync(DISSECTOR_PATH, 'utf8');

describe('wireshark/hotdesk.lua', () => {
  it('is what the codec tables generate', () => {
    // on failure: npx tsx wireshark/generate.ts --write
    expect(committed).toBe(renderDissector());
  });

  it('names every message type by its code, with a field for every body field', () => {
    const fields = messageFields();
    expect([...fields.keys()]).toEqual(MESSAGE_TYPES);
    for (const type of MESSAGE_TYPES) {
      expect(committed).toContain(`[0x${typeCode(type).toString(16).padStart(2, '0')}] = { name = "${type}", fields = {`);
      for (const f of fields.get(type)!) {
        expect(committed, fieldFilter(type, f.name)).toContain(`{ name = "${f.name}", kind = "${f.kind}"`);
      }
    }
  });
});
