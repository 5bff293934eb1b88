// The fuzzer (fuzz/): a short seeded slice per end, in process. It counts frames and drops by reason,
// finds nothing at either end, and catches a deliberately broken handler as a crash whose reproducer
// replays.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureCorpus, type Corpus } from '../../fuzz/capture.ts';
import { fuzzEnd, replayFinding, type Finding } from '../../fuzz/harness.ts';
import { parseArgs } from '../../fuzz/args.ts';
import { writeReproducer } from '../../fuzz/report.ts';

let corpus: Corpus;
let dir: string;

beforeAll(async () => {
  corpus = await captureCorpus(1);
  dir = mkdtempSync(join(tmpdir(), 'hotdesk-fuzz-test-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fuzz', () => {
  it('captures a real boot and login to mutate', () => {
    expect(corpus.fromPhone.length).toBeGreaterThan(5);
    expect(corpus.fromController.length).toBeGreaterThan(5);
  });

  it('feeds 3,000 frames into the phone: counted, dropped by reason, no crash, no hang', async () => {
    const s = await fuzzEnd({ target: 'phone', seed: 1, frames: 3000, corpus });
    expect(s.frames).toBe(3000);
    expect(Object.values(s.layers).reduce((a, b) => a + b, 0)).toBe(3000);
    expect(s.drops['link fcs']).toBeGreaterThan(0);
    expect(s.drops['link slip-escape']).toBeGreaterThan(0);
    expect(s.drops['sig-secure bad-tag']).toBeGreaterThan(0);
    expect(Object.keys(s.drops).length).toBeGreaterThan(15);
    expect(s.probes.sent).toBeGreaterThan(0);
    expect(s.probes.answered).toBe(s.probes.sent);
    expect(s.findings).toEqual([]);
    expect(s.crashes).toBe(0);
    expect(s.hangs).toBe(0);
  });

  it('feeds 3,000 frames into the controller: counted, dropped by reason, no crash, no hang', async () => {
    const s = await fuzzEnd({ target: 'controller', seed: 1, frames: 3000, corpus });
    expect(s.frames).toBe(3000);
    expect(s.drops['link fcs']).toBeGreaterThan(0);
    expect(s.drops['sig-secure unknown-session']).toBeGreaterThan(0);
    expect(Object.keys(s.dhcp ?? {}).some((k) => k.startsWith('dhcp ignored'))).toBe(true);
    expect(s.probes.answered).toBe(s.probes.sent);
    expect(s.findings.map((f) => f.message)).toEqual([]);
    expect(s.hangs).toBe(0);
  });

  it('is reproducible: the same seed gives the same run', async () => {
    const a = await fuzzEnd({ target: 'controller', seed: 7, frames: 400, corpus });
    const b = await fuzzEnd({ target: 'controller', seed: 7, frames: 400, corpus });
    expect(b.bytes).toBe(a.bytes);
    expect(b.drops).toEqual(a.drops);
  });

  it('catches a deliberately broken handler as a crash, with a reproducer that replays', async () => {
    const breakDhcp = (payload: Uint8Array) => payload.length > 2 && payload[2] === 255; // hlen 255
    const s = await fuzzEnd({ target: 'controller', seed: 1, frames: 400, corpus, layer: 'dhcp', breakDhcp });
    expect(s.crashes).toBeGreaterThan(0);
    const f = s.findings[0];
    expect(f.kind).toBe('crash');
    expect(f.message).toContain('injected: the deliberately broken DHCP handler');
    const file = writeReproducer(dir, 'controller', f);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Finding & { replay: string };
    expect(saved).toMatchObject({ seed: 1, index: f.index, target: 'controller', frame: f.frame });
    expect(saved.replay).toBe(`npm run fuzz -- --replay ${file}`);
    expect((await replayFinding(saved, corpus, { breakDhcp })).reproduced).toBe(true);
    // the same frame into a controller without the broken handler goes through cleanly
    expect((await replayFinding(saved, corpus)).reproduced).toBe(false);
  });

  it('refuses bad flags', () => {
    expect(parseArgs(['--frames', 'lots'])).toMatch(/--frames/);
    expect(parseArgs(['--target', 'fridge'])).toMatch(/--target/);
    expect(parseArgs(['--nope'])).toMatch(/unknown flag/);
    expect(parseArgs(['--frames', '1000000', '--seed', '3', '--target', 'phone'])).toMatchObject({ frames: 1_000_000, seed: 3, targets: ['phone'] });
  });
});
