// The generated dissector in real tshark, against the codec: messages of every type (random, from the
// codec's arbitraries) decode by name with every field's value and bytes as encodeMessage wrote them;
// every reason the firmware drops a datagram for is marked as that reason, with the codec agreeing
// that the datagram is bad for that reason; other ports are claimed only for datagrams that are ours.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { MESSAGE_TYPES, decodeMessage, encodeMessage, typeCode } from '../../firmware/signalling/messages.ts';
import type { Envelope, Message } from '../../firmware/signalling/messages.ts';
import { parseSealed, sealedHeader } from '../../firmware/signalling/secure/sealed.ts';
import { fieldFilter, messageFields } from '../../wireshark/generate.ts';
import type { Field } from '../../wireshark/generate.ts';
import { envelope, messageArbitraries } from '../firmware/signalling/arbitraries.ts';
import { lines, pcapOf, tsharkLua } from './tshark-lua.ts';

const dir = mkdtempSync(join(tmpdir(), 'hotdesk-dissector-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Raw = [string, number, number, number, number];
interface Decoded {
  values: Map<string, string[]>;
  raws: Map<string, Raw[]>;
  /** Items with items under them (the body of a message, the flags). */
  subtrees: Set<string>;
}

/** One packet's hotdesk fields from tshark -T json -x, nested subtrees flattened, repeats as lists. */
function flatten(layer: unknown, into: Decoded = { values: new Map(), raws: new Map(), subtrees: new Set() }): Decoded {
  for (const [key, v] of Object.entries(layer as Record<string, unknown>)) {
    if (key.endsWith('_raw')) {
      const list = (Array.isArray(v) && typeof v[0] === 'string' ? [v] : v) as Raw[];
      into.raws.set(key.slice(0, -4), [...(into.raws.get(key.slice(0, -4)) ?? []), ...list]);
    } else if (typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'))) {
      into.values.set(key, [...(into.values.get(key) ?? []), ...(typeof v === 'string' ? [v] : v)]);
    } else if (v && typeof v === 'object') {
      into.subtrees.add(key);
      flatten(Array.isArray(v) ? Object.assign({}, ...v) : v, into);
    }
  }
  return into;
}

async function packets(file: string): Promise<Decoded[]> {
  const json = JSON.parse(await tsharkLua(file, '-T', 'json', '-x', '--no-duplicate-keys')) as { _source: { layers: { hotdesk?: unknown } } }[];
  return json.map((p) => flatten(p._source.layers.hotdesk ?? {}));
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const strBytes = (s: string) => {
  const b = Buffer.from(s, 'utf8');
  return hex(Buffer.concat([Buffer.from([b.length]), b]));
};

/** What tshark must show for one field of `msg`: its value (when it has a plain one) and its bytes. */
function expectField(got: Decoded, type: Message['type'], f: Field, msg: Message): void {
  const key = fieldFilter(type, f.name);
  const v = (msg as unknown as Record<string, unknown>)[f.name];
  const values = got.values.get(key) ?? [];
  const raws = (got.raws.get(key) ?? []).map((r) => r[0]);
  const where = `${type}.${f.name}`;
  switch (f.kind) {
    case 'u8':
    case 'u16':
    case 'u32':
    case 'u48':
    case 'ipv4':
      expect(values, where).toEqual([String(v)]);
      break;
    case 'mac':
      expect(values, where).toEqual([v]);
      break;
    case 'enum':
      expect(values, where).toEqual([String(f.values.indexOf(v as string))]);
      break;
    case 'bool':
      expect(values, where).toEqual([v ? '1' : '0']);
      break;
    case 'bytes':
      expect(raws, where).toEqual([hex(v as Uint8Array)]);
      break;
    case 'bytes16': {
      const b = v as Uint8Array;
      expect(raws, where).toEqual([b.length.toString(16).padStart(4, '0') + hex(b)]);
      break;
    }
    case 'str':
      expect(raws, where).toEqual([strBytes(v as string)]);
      // tshark escapes what it cannot print; plain text must come through as it is
      if (/^[\x20-\x7e]*$/.test(v as string)) expect(values, where).toEqual([v]);
      break;
    case 'strlist': {
      const list = v as string[];
      expect(got.values.get(`${key}_count`), where).toEqual([String(list.length)]);
      expect(raws, where).toEqual(list.map(strBytes));
      break;
    }
  }
}

describe('the dissector against the codec (tshark)', () => {
  it('decodes messages of every type by name, every field as encodeMessage wrote it, and marks none', async () => {
    const fields = messageFields();
    const sent: { msg: Message; envelope: Envelope }[] = [];
    for (const [i, type] of MESSAGE_TYPES.entries()) {
      const msgs = fc.sample(messageArbitraries[type] as fc.Arbitrary<Message>, { numRuns: 4, seed: 1000 + i });
      const envs = fc.sample(envelope, { numRuns: 4, seed: 2000 + i });
      msgs.forEach((msg, j) => sent.push({ msg, envelope: envs[j] }));
    }
    const file = join(dir, 'every-type.pcap');
    writeFileSync(file, pcapOf(sent.map((s) => ({ payload: encodeMessage(s.msg, s.envelope) }))));

    const got = await packets(file);
    expect(got).toHaveLength(sent.length);
    for (const [i, { msg, envelope: env }] of sent.entries()) {
      const p = got[i];
      expect(p.values.get('hotdesk.msg'), `packet ${i + 1}`).toEqual([msg.type]);
      expect(p.values.get('hotdesk.type')).toEqual([`0x${typeCode(msg.type).toString(16).padStart(2, '0')}`]);
      expect(p.values.get('hotdesk.txid')).toEqual([`0x${env.txid.toString(16).padStart(8, '0')}`]);
      expect(p.values.get('hotdesk.flags')).toEqual([`0x${env.flags.toString(16).padStart(2, '0')}`]);
      expect(p.subtrees.has(fieldFilter(msg.type, '').slice(0, -1)) || p.values.has(fieldFilter(msg.type, '').slice(0, -1)), 'the body subtree').toBe(true);
      for (const f of fields.get(msg.type)!) expectField(p, msg.type, f, msg);
    }
    expect(new Set(got.map((p) => p.values.get('hotdesk.msg')?.[0]))).toEqual(new Set(MESSAGE_TYPES));
    expect(lines(await tsharkLua(file, '-Y', '_ws.malformed || _ws.expert.severity >= error'))).toEqual([]);
  });

  it('marks each reason the firmware drops a datagram for, as the codec names it', async () => {
    const ack = encodeMessage({ type: 'ack', status: 'ok' }, { txid: 7, flags: 0x02 });
    const edit = (bytes: Uint8Array, at: number, value: number) => {
      const b = Uint8Array.from(bytes);
      b[at] = value;
      return b;
    };
    const withBody = (type: Message['type'], body: number[]) => {
      const b = Buffer.alloc(12 + body.length);
      b.set(ack.subarray(0, 12));
      b[3] = typeCode(type);
      b.writeUInt16BE(body.length, 10);
      b.set(body, 12);
      return new Uint8Array(b);
    };
    const clear: [string, Uint8Array][] = [
      ['too-short', ack.subarray(0, 7)],
      ['bad-magic', edit(ack, 0, 0x58)],
      ['bad-version', edit(ack, 2, 2)],
      ['unknown-type', edit(ack, 3, 0x7e)],
      ['bad-flags', edit(ack, 4, 0x03)],
      ['bad-length', edit(ack, 11, 2)],
      ['truncated', withBody('login-challenge', [1, 2, 3])],
      ['trailing-bytes', withBody('ack', [0, 0])],
      ['bad-utf8', withBody('login-begin', [2, 0xc0, 0x80])], // an overlong NUL
      ['bad-utf8', withBody('login-begin', [3, 0xed, 0xa0, 0x80])], // a lone surrogate
      ['bad-enum', edit(ack, 12, 9)],
      ['bad-value', withBody('health-ack', [0, 2])],
      ['truncated', withBody('blf-subscribe', [2, 1, 0x35])], // a list whose count runs past the body
    ];
    for (const [reason, bytes] of clear) {
      const r = decodeMessage(bytes);
      expect(r.ok ? 'ok' : r.reason, `the codec on the ${reason} case`).toBe(reason);
    }
    const session = { sessionId: new Uint8Array(8).fill(0x33), seq: 5n };
    const sealed: [string, Uint8Array][] = [
      ['sealed-short', Buffer.concat([sealedHeader(session), Buffer.alloc(10)])],
      ['sealed-version', edit(Buffer.concat([sealedHeader(session), Buffer.alloc(30)]), 2, 2)],
    ];
    for (const [reason, bytes] of sealed) {
      const r = parseSealed(bytes);
      expect(r.ok ? 'ok' : r.reason, `the codec on the ${reason} case`).toBe(reason);
    }
    const cases = [...clear, ...sealed];
    const file = join(dir, 'bad.pcap');
    writeFileSync(file, pcapOf([{ payload: ack }, ...cases.map(([, payload]) => ({ payload }))]));

    const out = lines(await tsharkLua(file, '-T', 'fields', '-E', 'occurrence=f', '-e', 'frame.number', '-e', '_ws.expert.severity', '-e', '_ws.expert.group', '-e', '_ws.expert.message'));
    expect(out[0], 'the good datagram first').toBe('1\t\t\t');
    for (const [i, [reason]] of cases.entries()) {
      const [frame, severity, group, message] = out[i + 1].split('\t');
      expect(frame).toBe(String(i + 2));
      expect(message, `frame ${frame}`).toMatch(new RegExp(`^${reason}: `));
      expect(Number(severity), `frame ${frame} severity`).toBe(0x00800000); // PI_ERROR
      expect(Number(group), `frame ${frame} group`).toBe(0x07000000); // PI_MALFORMED
    }
    // and the Info column says so, as Wireshark users look for it
    const info = lines(await tsharkLua(file, '-T', 'fields', '-e', '_ws.col.Info'));
    for (const [i, [reason]] of cases.entries()) expect(info[i + 1]).toContain(`[Malformed: ${reason}]`);
  });

  it('claims another port only for what is ours: a known message, or a sealed datagram of our version', async () => {
    const msg = encodeMessage({ type: 'heartbeat', hotdeskExt: '5123' }, { txid: 9, flags: 0x01 });
    const seal = Buffer.concat([sealedHeader({ sessionId: new Uint8Array(8).fill(1), seq: 1n }), Buffer.alloc(40)]);
    const file = join(dir, 'other-port.pcap');
    writeFileSync(
      file,
      pcapOf([
        { payload: msg, srcPort: 40000, dstPort: 6801 },
        { payload: seal, srcPort: 6801, dstPort: 40000 },
        { payload: Buffer.from('HD but not a datagram of ours'), srcPort: 40000, dstPort: 6801 },
        { payload: Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]), srcPort: 40000, dstPort: 6801 },
      ]),
    );
    const out = lines(await tsharkLua(file, '-T', 'fields', '-e', 'frame.number', '-e', 'hotdesk.msg', '-e', 'hotdesk.sealed.seq', '-Y', 'hotdesk'));
    expect(out).toEqual(['1\theartbeat\t', '2\t\t1']);
  });
});
