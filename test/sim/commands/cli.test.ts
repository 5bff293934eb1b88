import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hotdesk, tshark } from '../../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'hotdesk-cli-'));

describe('hotdesk command', () => {
  it('sim --headless --for 30s writes a gap-free trace and a pcap tshark decodes cleanly', async () => {
    const trace = join(dir, 't.jsonl');
    const pcap = join(dir, 't.pcap');
    const ran = await hotdesk(['sim', '--headless', '--for', '30s', '--trace', trace, '--pcap', pcap]);
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);

    const records = readFileSync(trace, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(records.length).toBeGreaterThan(20);
    expect(records.some((r) => r.kind === "display" && r.lines[0] === "No User Logged In")).toBe(true);
    records.forEach((r, i) => expect(r.seq).toBe(i + 1));
    expect(records.at(-1).t).toBeLessThanOrEqual(30_000);
    for (let i = 1; i < records.length; i++) expect(records[i].t).toBeGreaterThanOrEqual(records[i - 1].t);

    const malformed = await tshark(['-r', pcap, '-Y', '_ws.malformed || _ws.expert.severity >= error']);
    expect(malformed.code).toBe(0);
    expect(malformed.stdout.trim()).toBe('');
    const protocols = await tshark(['-r', pcap, '-T', 'fields', '-e', 'frame.protocols']);
    const lines = protocols.stdout.trim().split('\n');
    expect(lines.some((l) => l.includes('eth:ethertype:arp'))).toBe(true);
    expect(lines.some((l) => l.includes('ip:udp:dhcp'))).toBe(true);
    expect(lines.some((l) => l.includes('ip:udp:tftp'))).toBe(true);
  });

  it('--help on the command and its subcommands', async () => {
    const top = await hotdesk(['--help']);
    expect(top.code).toBe(0);
    for (const cmd of ['sim', 'phone', 'controller', 'run', 'profiles']) expect(top.stdout).toContain(cmd);
    for (const cmd of ['sim', 'phone', 'controller', 'run', 'profiles']) {
      const sub = await hotdesk([cmd, '--help']);
      expect(sub.code).toBe(0);
      expect(sub.stdout).toContain(`hotdesk ${cmd}`);
    }
  });

  it.each([
    [['fly'], /unknown command "fly"/],
    [['sim', '--bogus'], /Unknown option '--bogus'/],
    [['sim', '--for', 'soon'], /--for soon: a duration is a number with a unit/],
    [['sim', '--link', 'a,b,c'], /--link takes/],
    [['phone'], /--port is required/],
    [['run'], /name at least one scenario file/],
  ])('bad arguments %j: one clear line and exit 2', async (args, message) => {
    const ran = await hotdesk(args as string[]);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toMatch(message);
    expect(ran.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a port that does not exist: one line naming it, exit 3 (the environment)', async () => {
    const ran = await hotdesk(['phone', '--port', '/dev/hotdesk-no-such-port', '--for', '1s']);
    expect(ran.code).toBe(3);
    expect(ran.stderr).toContain('/dev/hotdesk-no-such-port');
    expect(ran.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('run: 0 when all pass, 1 with the failing step and display, 2 for a bad file with its line', async () => {
    const pass = join(dir, 'pass.yaml');
    const fail = join(dir, 'fail.yaml');
    const bad = join(dir, 'bad.yaml');
    writeFileSync(pass, 'name: p\nprofile: 5340\nsteps:\n  - wait-display: "Upgrade not required"\n');
    writeFileSync(fail, 'name: f\nprofile: 5340\nsteps:\n  - advance: 30s\n  - expect-display: "Nobody here"\n');
    writeFileSync(bad, 'name: b\nprofile: 5340\nsteps:\n  - advance: 2s\n  - jump: high\n');

    const ok = await hotdesk(['run', pass]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('PASS p');

    const failed = await hotdesk(['run', pass, fail]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/FAIL f\n\s+.*fail\.yaml:5: step 2 expect-display: "Nobody here"/);
    expect(failed.stdout).toMatch(/display: \[No User Logged In\]/);

    const broken = await hotdesk(['run', pass, bad]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('bad.yaml:5: unknown step "jump"');
    expect(broken.stdout).toBe(''); // nothing ran
  });
});
