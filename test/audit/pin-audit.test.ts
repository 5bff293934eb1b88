// The suite-wide audit must be able to fail: it finds a leaked PIN as text in a trace and a pcap and as
// key records, ignores counters and PINs inside longer digit runs, and passes a clean world's files.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runScenarioInWorld } from '../../sim/commands/run.ts';
import { parseScenario } from '../../sim/scenario/load.ts';
import { auditDirectory } from './pin-audit.ts';

const saved = process.env.HOTDESK_ARTIFACTS;
afterEach(() => {
  process.env.HOTDESK_ARTIFACTS = saved;
});

const LOGIN = `name: audit
profile: 5340
controller:
  users: [{ ext: "5123", pin: "4711", name: "Alice" }]
steps:
  - wait-display: "No User Logged In"
    timeout: 30s
  - press: hotdesk
  - press: login
  - dial: "5123"
  - press: ok
  - dial: "4711"
  - press: ok
  - wait-display: "Alice"
`;

describe('the suite-wide PIN audit', () => {
  it('passes what a real login wrote, and catches a PIN injected as text, pcap bytes or key records', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotdesk-audit-test-'));
    process.env.HOTDESK_ARTIFACTS = dir;
    const result = await runScenarioInWorld(parseScenario(LOGIN, 'audit.yaml'), { link: { kind: 'mock' } });
    expect(result.ok).toBe(true);
    const clean = auditDirectory(dir);
    expect(clean.files).toBe(2);
    expect(clean.digests).toBe(1);
    expect(clean.leaks).toEqual([]);

    const trace = readdirSync(dir).find((n) => n.endsWith('.jsonl'))!;
    const pcap = readdirSync(dir).find((n) => n.endsWith('.pcap'))!;
    const original = readFileSync(join(dir, trace), 'utf8');
    writeFileSync(join(dir, trace), original + JSON.stringify({ seq: 4711, t: 4711, node: 'x', kind: 'info', message: 'counter only' }) + '\n');
    expect(auditDirectory(dir).leaks).toEqual([]); // a counter that equals the PIN is not a leak
    writeFileSync(join(dir, trace), original + JSON.stringify({ node: 'x', kind: 'info', message: 'id 947110' }) + '\n');
    expect(auditDirectory(dir).leaks).toEqual([]); // inside a longer number: not the PIN
    writeFileSync(join(dir, trace), original + JSON.stringify({ node: 'x', kind: 'info', message: 'pin 4711' }) + '\n');
    expect(auditDirectory(dir).leaks).toEqual([`${trace}: a PIN of 4 digits`]);
    const keys = ['4', '7', '1', '1'].map((key) => JSON.stringify({ node: 'p', kind: 'key', key })).join('\n');
    writeFileSync(join(dir, trace), original + keys + '\n');
    expect(auditDirectory(dir).leaks).toEqual([`${trace}: a PIN of 4 digits`]);
    writeFileSync(join(dir, trace), original);
    writeFileSync(join(dir, pcap), Buffer.concat([readFileSync(join(dir, pcap)), Buffer.from('\x00PIN=4711\x00', 'latin1')]));
    expect(auditDirectory(dir).leaks).toEqual([`${pcap}: a PIN of 4 digits`]);
  });
});
