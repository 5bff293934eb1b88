import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MESSAGE_TYPES, decodeMessage } from '../../../firmware/signalling/messages.ts';
import { DOC_PATH, regenerate } from './protocol-doc.ts';

const doc = readFileSync(DOC_PATH, 'utf8');

describe('docs/protocol.md', () => {
  it('says what the code does: every generated block is current', () => {
    // on failure: npx tsx test/firmware/signalling/protocol-doc.ts --write
    expect(regenerate(doc)).toBe(doc);
  });

  it('describes every message type, with an example that decodes', () => {
    for (const type of MESSAGE_TYPES) {
      const section = doc.split(`\n### ${type}\n`)[1];
      expect(section, type).toBeDefined();
      const dump = section.split('```')[1];
      const bytes = Uint8Array.from(
        dump
          .trim()
          .split('\n')
          .flatMap((line) => line.slice(6).trim().split(/\s+/))
          .map((h) => parseInt(h, 16)),
      );
      const r = decodeMessage(bytes);
      expect(r.ok && r.msg.type, type).toBe(type);
    }
  });
});
