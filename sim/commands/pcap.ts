// `hotdesk pcap unseal IN.pcap --keylog FILE -o OUT.pcap`: the capture with every sealed signalling
// datagram replaced by the clear datagram inside it, opened with the HOTDESK_KEYLOG session keys, so the
// Wireshark dissector (wireshark/hotdesk.lua) names every message. Wireshark's Lua has no AES-GCM, so
// the opening happens here, with the firmware's own KeyLogReader. Every other frame is copied as it is;
// a rewritten frame keeps its Ethernet, 802.1Q and IPv4 headers, with IPv4 and UDP lengths and checksums
// made right again.
import { readFileSync, writeFileSync } from 'node:fs';
import { internetChecksum } from '../../firmware/link/checksum.ts';
import { KeyLogReader } from '../../firmware/signalling/secure/keylog.ts';
import { hex, isSealed, parseSealed } from '../../firmware/signalling/secure/sealed.ts';
import { UsageError } from './usage.ts';

// the format KeyLogReader takes; it skips any other line silently (an appended log may hold junk), but
// a user who names a key log wants to hear about a line that is not one
const KEYLOG_LINE = /^HOTDESK-SIG [0-9a-f]{16} [0-9a-f]{64} [0-9a-f]{64}$/;

// classic pcap: microsecond timestamps (as sim/pcap.ts writes) or nanosecond ones, either byte order
const PCAP_MAGICS = new Set([0xa1b2c3d4, 0xa1b23c4d]);
const PCAPNG_MAGIC = 0x0a0d0d0a;
const LINKTYPE_ETHERNET = 1;

export async function commandPcap(values: Record<string, unknown>, positionals: string[]): Promise<number> {
  const [sub, input, ...extra] = positionals;
  if (sub !== 'unseal') throw new UsageError(sub === undefined ? 'name a subcommand: unseal' : `unknown subcommand "${sub}" (unseal)`);
  if (input === undefined) throw new UsageError('name the capture to unseal');
  if (extra.length > 0) throw new UsageError(`one capture at a time (also got ${extra.join(' ')})`);
  const keylogPath = (values.keylog as string | undefined) ?? process.env.HOTDESK_KEYLOG;
  if (!keylogPath) throw new UsageError('--keylog is required (or HOTDESK_KEYLOG)');
  const out = values.out as string | undefined;
  if (!out) throw new UsageError('-o OUT.pcap is required');

  const keys = readKeyLog(keylogPath);
  const result = unsealCapture(readFileOrSay(input, 'capture'), keys, input);
  if (result.sealed > 0 && result.opened === 0) {
    throw new UsageError(
      result.unknownSessions.size > 0
        ? `${keylogPath} holds no key for the sessions in ${input} (${[...result.unknownSessions].join(', ')})`
        : `none of the ${result.sealed} sealed datagrams in ${input} opens with the keys in ${keylogPath} (their tags do not verify)`,
    );
  }
  try {
    writeFileSync(out, result.pcap);
  } catch (err) {
    throw new UsageError(`cannot write ${out}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
  const left = result.sealed - result.opened;
  const why = result.unknownSessions.size > 0 ? ` (no key for session ${[...result.unknownSessions].join(', ')})` : left > 0 ? ' (their tags do not verify)' : '';
  process.stdout.write(
    result.sealed === 0
      ? `no sealed datagrams in ${input}; copied ${result.frames} frames to ${out}\n`
      : `unsealed ${result.opened} of ${result.sealed} sealed datagrams in ${result.frames} frames -> ${out}${left > 0 ? `; ${left} left sealed${why}` : ''}\n`,
  );
  return 0;
}

function readFileOrSay(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new UsageError(`cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
}

export interface KeyLog {
  reader: KeyLogReader;
  /** The session ids it holds keys for (hex), to tell a missing key from a tag that fails. */
  sessions: Set<string>;
}

/** The key log, every line checked: a line that is not a key is an error naming file and line. */
export function readKeyLog(path: string): KeyLog {
  const text = readFileOrSay(path, 'key log').toString('utf8');
  const keys: KeyLog = { reader: new KeyLogReader(), sessions: new Set() };
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (!KEYLOG_LINE.test(line)) throw new UsageError(`${path}:${i + 1}: not a key log line (HOTDESK-SIG <session> <key> <key>, hex)`);
    keys.reader.add(line);
    keys.sessions.add(line.split(' ')[1]);
  }
  if (keys.sessions.size === 0) throw new UsageError(`${path}: no HOTDESK-SIG line (run with HOTDESK_KEYLOG=${path})`);
  return keys;
}

export interface Unsealed {
  pcap: Buffer;
  frames: number;
  sealed: number;
  opened: number;
  unknownSessions: Set<string>;
}

/** Rewrites a classic pcap; throws UsageError naming `name` when it is not one we can read. */
export function unsealCapture(pcap: Buffer, keys: KeyLog, name: string): Unsealed {
  if (pcap.length < 24) throw new UsageError(`${name}: not a pcap file (${pcap.length} bytes)`);
  const magicLe = pcap.readUInt32LE(0);
  const magicBe = pcap.readUInt32BE(0);
  if (magicLe === PCAPNG_MAGIC) throw new UsageError(`${name}: pcapng is not supported; save it as pcap (editcap -F pcap IN OUT)`);
  const format = PCAP_MAGICS.has(magicLe) ? { le: true } : PCAP_MAGICS.has(magicBe) ? { le: false } : undefined;
  if (!format) throw new UsageError(`${name}: not a pcap file (magic 0x${magicBe.toString(16).padStart(8, '0')})`);
  const u32 = (at: number) => (format.le ? pcap.readUInt32LE(at) : pcap.readUInt32BE(at));
  const linkType = u32(20) & 0x0fffffff;
  if (linkType !== LINKTYPE_ETHERNET) throw new UsageError(`${name}: link type ${linkType}, only Ethernet (1) is read`);

  const parts: Buffer[] = [pcap.subarray(0, 24)];
  const result: Unsealed = { pcap: Buffer.alloc(0), frames: 0, sealed: 0, opened: 0, unknownSessions: new Set() };
  for (let at = 24; at < pcap.length; ) {
    if (at + 16 > pcap.length) throw new UsageError(`${name}: record ${result.frames + 1} is cut short at byte ${at}`);
    const capLen = u32(at + 8);
    const origLen = u32(at + 12);
    if (at + 16 + capLen > pcap.length) throw new UsageError(`${name}: record ${result.frames + 1} is cut short at byte ${at}`);
    const frame = pcap.subarray(at + 16, at + 16 + capLen);
    result.frames++;
    const rewritten = capLen === origLen ? unsealFrame(frame, keys, result) : undefined;
    if (rewritten) {
      const rec = Buffer.from(pcap.subarray(at, at + 16));
      const write = (v: number, o: number) => (format.le ? rec.writeUInt32LE(v, o) : rec.writeUInt32BE(v, o));
      write(rewritten.length, 8);
      write(rewritten.length, 12);
      parts.push(rec, rewritten);
    } else {
      parts.push(pcap.subarray(at, at + 16 + capLen));
    }
    at += 16 + capLen;
  }
  result.pcap = Buffer.concat(parts);
  return result;
}

/** The frame with its sealed UDP payload opened, or undefined to keep it as it is. */
function unsealFrame(frame: Buffer, keys: KeyLog, counts: Unsealed): Buffer | undefined {
  let ip = 14;
  if (frame.length < ip) return undefined;
  let etherType = frame.readUInt16BE(12);
  if (etherType === 0x8100 && frame.length >= 18) {
    etherType = frame.readUInt16BE(16);
    ip = 18;
  }
  if (etherType !== 0x0800 || frame.length < ip + 20 || frame[ip] >> 4 !== 4) return undefined;
  const ihl = (frame[ip] & 0x0f) * 4;
  const totalLength = frame.readUInt16BE(ip + 2);
  const fragmented = (frame.readUInt16BE(ip + 6) & 0x3fff) !== 0;
  if (frame[ip + 9] !== 17 || fragmented || ihl < 20 || totalLength < ihl + 8 || ip + totalLength > frame.length) return undefined;
  const udp = ip + ihl;
  const udpLength = frame.readUInt16BE(udp + 4);
  if (udpLength < 8 || udp + udpLength > ip + totalLength) return undefined;
  const payload = frame.subarray(udp + 8, udp + udpLength);
  if (!isSealed(payload)) return undefined;
  counts.sealed++;
  const clear = keys.reader.open(payload);
  if (!clear) {
    const p = parseSealed(payload);
    // a session the log names whose tag fails is corruption (or another log's), not a missing key
    if (p.ok && !keys.sessions.has(hex(p.header.sessionId))) counts.unknownSessions.add(hex(p.header.sessionId));
    return undefined;
  }
  counts.opened++;
  const tail = frame.subarray(ip + totalLength); // Ethernet padding, if any, stays
  const out = Buffer.concat([frame.subarray(0, udp + 8), clear, tail]);
  const newUdpLength = 8 + clear.length;
  out.writeUInt16BE(ihl + newUdpLength, ip + 2);
  out.writeUInt16BE(0, ip + 10);
  out.writeUInt16BE(internetChecksum(out, ip, ip + ihl), ip + 10);
  out.writeUInt16BE(newUdpLength, udp + 4);
  if (frame.readUInt16BE(udp + 6) !== 0) {
    // UDP's checksum covers a pseudo-header: source, destination, zero, protocol, UDP length
    const pseudo = Buffer.alloc(12);
    frame.copy(pseudo, 0, ip + 12, ip + 20);
    pseudo[9] = 17;
    pseudo.writeUInt16BE(newUdpLength, 10);
    out.writeUInt16BE(0, udp + 6);
    const sum = internetChecksum(Buffer.concat([pseudo, out.subarray(udp, udp + newUdpLength)]));
    out.writeUInt16BE(sum === 0 ? 0xffff : sum, udp + 6);
  }
  return out;
}
