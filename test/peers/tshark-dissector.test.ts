// The Wireshark dissector on a real capture, as a user gets one: `hotdesk run` of a login, a BLF change
// and a call with HOTDESK_KEYLOG and --pcap, `hotdesk pcap unseal` with the key log, then tshark with
// wireshark/hotdesk.lua. Every signalling datagram is named as the codec decodes it, nothing is marked;
// the sealed capture shows sealed records and no clear message but the key exchange; and one corrupted
// length byte is marked malformed.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGE_TYPES, decodeMessage } from '../../firmware/signalling/messages.ts';
import type { MessageType } from '../../firmware/signalling/messages.ts';
import { isSealed } from '../../firmware/signalling/secure/sealed.ts';
import { hotdesk } from '../support/cli.ts';
import { lines, tsharkLua, udpRecords } from '../wireshark/tshark-lua.ts';
import { tempDir } from './daemons.ts';

const SCENARIO = join(import.meta.dirname, '..', 'wireshark', 'login-blf-call.yaml');
const dir = tempDir('dissector');
const sealedPcap = join(dir.path, 'run.pcap');
const keyLog = join(dir.path, 'keys.log');
const clearPcap = join(dir.path, 'clear.pcap');
afterAll(() => dir.remove());

const SIGNALLING = 6800;
const signalling = (pcap: string) => udpRecords(readFileSync(pcap)).filter((r) => r.srcPort === SIGNALLING || r.dstPort === SIGNALLING);

beforeAll(async () => {
  process.env.HOTDESK_KEYLOG = keyLog; // the documented key log, as SSLKEYLOGFILE
  try {
    const ran = await hotdesk(['run', SCENARIO, '--pcap', sealedPcap]);
    expect(ran.stdout + ran.stderr).toMatch(/^PASS /);
    expect(ran.code).toBe(0);
  } finally {
    delete process.env.HOTDESK_KEYLOG;
  }
  const unsealed = await hotdesk(['pcap', 'unseal', sealedPcap, '--keylog', keyLog, '-o', clearPcap]);
  expect(unsealed.stderr).toBe('');
  expect(unsealed.code).toBe(0);
  expect(unsealed.stdout).toMatch(/^unsealed (\d+) of \1 sealed datagrams in \d+ frames -> /);
}, 60_000);

describe('tshark with wireshark/hotdesk.lua on the capture of a login, a BLF change and a call', () => {
  it('names every signalling datagram of the unsealed capture as the codec decodes it, and marks nothing', async () => {
    const records = signalling(clearPcap);
    expect(records.length).toBeGreaterThan(30);
    // the codec's view of the same capture: every datagram in clear now, each a valid message
    const codec = records.map((r) => {
      const d = decodeMessage(r.payload);
      if (!d.ok) throw new Error(`frame ${r.frame}: ${d.reason} ${d.detail}`);
      return `${r.frame}\t${d.msg.type}`;
    });
    const named = lines(await tsharkLua(clearPcap, '-Y', 'hotdesk', '-T', 'fields', '-e', 'frame.number', '-e', 'hotdesk.msg'));
    expect(named).toEqual(codec);

    const seen = new Set(named.map((l) => l.split('\t')[1] as MessageType));
    expect([...seen].filter((t) => !MESSAGE_TYPES.includes(t))).toEqual([]);
    const login = ['key-exchange', 'key-exchange-ack', 'register', 'register-ack', 'login-begin', 'login-challenge', 'login', 'login-result', 'key-layout-begin', 'key-layout-block', 'ack'];
    const blf = ['blf-subscribe', 'blf-state'];
    const call = ['call-setup', 'call-alerting', 'call-connect', 'call-hold', 'call-resume', 'call-release'];
    const rest = ['heartbeat', 'heartbeat-ack', 'logout-request', 'logout-notice'];
    expect([...seen].sort()).toEqual(expect.arrayContaining([...login, ...blf, ...call, ...rest].sort()));
    // the BLF change: the monitored user logs in elsewhere, and the key follows
    const states = lines(await tsharkLua(clearPcap, '-Y', 'hotdesk.blf_state', '-T', 'fields', '-e', 'hotdesk.blf_state.state'));
    expect(states.slice(0, 2)).toEqual(['5', '0']); // logged-out, then idle (logged in)

    // nothing marked, with IPv4 and UDP checksums checked too: unseal made the rewritten frames right
    const checked = ['-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE'];
    expect(lines(await tsharkLua(clearPcap, ...checked, '-Y', '_ws.malformed || _ws.expert.severity >= error'))).toEqual([]);
    expect(lines(await tsharkLua(clearPcap, ...checked, '-Y', 'hotdesk && udp.checksum.status != 1'))).toEqual([]);
    // the full decode too: no Lua error, no malformed mark anywhere in any tree
    const verbose = await tsharkLua(clearPcap, '-V', '-Y', 'hotdesk');
    expect(verbose).not.toMatch(/Malformed|Lua Error/);
    expect(verbose).toContain('hotdesk signalling: login-result');
  });

  it('shows the sealed capture as sealed records, and no clear message but the key exchange', async () => {
    const records = signalling(sealedPcap);
    const sealedFrames = records.filter((r) => isSealed(r.payload)).map((r) => String(r.frame));
    expect(sealedFrames.length).toBeGreaterThan(30);
    const logged = readFileSync(keyLog, 'utf8').trim().split('\n').map((l) => l.split(' ')[1]);

    const out = lines(await tsharkLua(sealedPcap, '-Y', 'hotdesk', '-T', 'fields', '-e', 'frame.number', '-e', 'hotdesk.msg', '-e', 'hotdesk.sealed.session'));
    expect(out.filter((l) => l.split('\t')[2] !== '').map((l) => l.split('\t')[0])).toEqual(sealedFrames);
    expect(new Set(out.map((l) => l.split('\t')[1]).filter((m) => m !== ''))).toEqual(new Set(['key-exchange', 'key-exchange-ack']));
    // one session, this phone's, and the key log has it (the other phone's is there too)
    const sessions = new Set(out.map((l) => l.split('\t')[2]).filter((s) => s !== ''));
    expect(sessions.size).toBe(1);
    expect(logged).toContain([...sessions][0]);
    const info = lines(await tsharkLua(sealedPcap, '-Y', 'hotdesk.sealed', '-T', 'fields', '-e', '_ws.col.Info'));
    expect(info.every((l) => /^sealed session [0-9a-f]{16} seq \d+, \d+ bytes$/.test(l))).toBe(true);
    expect(lines(await tsharkLua(sealedPcap, '-Y', '_ws.malformed || _ws.expert.severity >= error'))).toEqual([]);
  });

  it('marks a clear datagram whose length byte is corrupted as malformed', async () => {
    const pcap = readFileSync(clearPcap);
    const target = signalling(clearPcap).find((r) => decodeMessage(r.payload).ok && r.payload[3] === 0x13); // login-result
    expect(target).toBeDefined();
    const bad = Buffer.from(pcap);
    bad[target!.fileOffset + 11] ^= 0x01; // the low byte of the header's body length
    const badPcap = join(dir.path, 'bad.pcap');
    writeFileSync(badPcap, bad);
    const bytes = udpRecords(bad).find((r) => r.frame === target!.frame)!.payload;
    expect(decodeMessage(bytes)).toMatchObject({ ok: false, reason: 'bad-length' });

    expect(lines(await tsharkLua(badPcap, '-Y', '_ws.expert.severity >= error', '-T', 'fields', '-e', 'frame.number'))).toEqual([String(target!.frame)]);
    const verbose = await tsharkLua(badPcap, '-V', '-Y', `frame.number == ${target!.frame}`);
    expect(verbose).toMatch(/Expert Info \(Error\/Malformed\): bad-length: header says \d+ body bytes, datagram has \d+/);
  });
});

describe('hotdesk pcap unseal', () => {
  it('keeps a sealed datagram that does not open as it is, and says so', async () => {
    const sealed = signalling(sealedPcap).filter((r) => isSealed(r.payload));
    const victim = sealed[5];
    const pcap = Buffer.from(readFileSync(sealedPcap));
    pcap[victim.fileOffset + victim.payload.length - 1] ^= 0xff; // the last byte of its GCM tag
    const input = writeTo('one-bad-tag.pcap', pcap);
    const output = join(dir.path, 'one-bad-tag.clear.pcap');
    const ran = await hotdesk(['pcap', 'unseal', input, '--keylog', keyLog, '-o', output]);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain(`unsealed ${sealed.length - 1} of ${sealed.length} sealed datagrams`);
    expect(ran.stdout).toContain('1 left sealed (their tags do not verify)');
    const after = signalling(output);
    expect(after.length).toBe(signalling(sealedPcap).length);
    expect(after.filter((r) => isSealed(r.payload)).map((r) => r.frame)).toEqual([victim.frame]);
    expect(Buffer.from(after.find((r) => r.frame === victim.frame)!.payload).equals(Buffer.from(pcap.subarray(victim.fileOffset, victim.fileOffset + victim.payload.length)))).toBe(true);
  });
});

describe('hotdesk pcap unseal: bad input is one clear line and exit 2', () => {
  it.each([
    ['no subcommand', () => ['pcap'], /name a subcommand: unseal/],
    ['an unknown subcommand', () => ['pcap', 'open', sealedPcap], /unknown subcommand "open"/],
    ['no output', () => ['pcap', 'unseal', sealedPcap, '--keylog', keyLog], /-o OUT.pcap is required/],
    ['a missing capture', () => ['pcap', 'unseal', join(dir.path, 'nope.pcap'), '--keylog', keyLog, '-o', join(dir.path, 'x.pcap')], /cannot read capture .*nope\.pcap: ENOENT/],
    ['a file that is no pcap', () => ['pcap', 'unseal', keyLog, '--keylog', keyLog, '-o', join(dir.path, 'x.pcap')], /not a pcap file/],
    ['a missing key log', () => ['pcap', 'unseal', sealedPcap, '--keylog', join(dir.path, 'nope.log'), '-o', join(dir.path, 'x.pcap')], /cannot read key log .*nope\.log: ENOENT/],
    ['a key log with a bad line', () => ['pcap', 'unseal', sealedPcap, '--keylog', writeTo('typo.log', `${readFileSync(keyLog, 'utf8')}HOTDESK-SIG 12 34\n`), '-o', join(dir.path, 'x.pcap')], /typo\.log:3: not a key log line/],
    ['a key log for other sessions', () => ['pcap', 'unseal', sealedPcap, '--keylog', writeTo('other.log', `HOTDESK-SIG ${'ab'.repeat(8)} ${'11'.repeat(32)} ${'22'.repeat(32)}\n`), '-o', join(dir.path, 'x.pcap')], /other\.log holds no key for the sessions in .*run\.pcap \([0-9a-f]{16}\)/],
    ['a key log with the session and wrong keys', () => ['pcap', 'unseal', sealedPcap, '--keylog', writeTo('wrong.log', readFileSync(keyLog, 'utf8').replace(/ [0-9a-f]{64} [0-9a-f]{64}$/gm, ` ${'11'.repeat(32)} ${'22'.repeat(32)}`)), '-o', join(dir.path, 'x.pcap')], /none of the \d+ sealed datagrams in .*run\.pcap opens with the keys in .*wrong\.log \(their tags do not verify\)/],
    ['a cut-short capture', () => ['pcap', 'unseal', writeTo('cut.pcap', readFileSync(sealedPcap).subarray(0, 200)), '--keylog', keyLog, '-o', join(dir.path, 'x.pcap')], /cut\.pcap: record \d+ is cut short at byte \d+/],
  ])('%s', async (_name, args, message) => {
    const ran = await hotdesk(args());
    expect(ran.stderr).toMatch(message);
    expect(ran.stderr.trim().split('\n')).toHaveLength(1);
    expect(ran.code).toBe(2);
    expect(existsSync(join(dir.path, 'x.pcap'))).toBe(false);
  });
});

function writeTo(name: string, content: string | Buffer): string {
  const path = join(dir.path, name);
  writeFileSync(path, content);
  return path;
}
