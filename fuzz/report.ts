// What a run prints, SIPp-style: a progress line while it runs (on a TTY), then per end the frames
// sent, frames/s, crashes, hangs, probes and drops by reason, and a reproducer file per finding.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { EndStats, Finding } from './harness.ts';

export interface RunReport {
  seed: number;
  ends: (EndStats & { name: string })[];
  reproducers: string[];
}

export function progressLine(name: string, s: EndStats, total: number): string {
  const fps = s.wallMs > 0 ? Math.round(s.frames / (s.wallMs / 1000)) : 0;
  return `[${name}] ${s.frames}/${total} frames  ${fps} frames/s  crashes ${s.crashes}  hangs ${s.hangs}  probes ${s.probes.answered}/${s.probes.sent}`;
}

export function framesPerSecond(s: EndStats): number {
  return s.wallMs > 0 ? Math.round(s.frames / (s.wallMs / 1000)) : 0;
}

/** One JSON file per finding: the seed, the frame index, the frame (and any before it), and the replay command. */
export function writeReproducer(dir: string, name: string, f: Finding): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}-seed${f.seed}-frame${f.index}-${f.kind}.json`);
  const shown = relative(process.cwd(), file) || file;
  const body = { tool: 'hotdesk fuzz', ...f, replay: `npm run fuzz -- --replay ${shown}` };
  writeFileSync(file, JSON.stringify(body, null, 2) + '\n');
  return shown;
}

export function formatReport(r: RunReport): string {
  const lines: string[] = [];
  lines.push(`hotdesk fuzz, seed ${r.seed}`);
  const cols = ['end', 'frames', 'bytes', 'frames/s', 'crashes', 'hangs', 'probes ok', 'restarts'];
  const rows = r.ends.map((e) => [e.name, String(e.frames), String(e.bytes), String(framesPerSecond(e)), String(e.crashes), String(e.hangs), `${e.probes.answered}/${e.probes.sent}`, String(e.restarts)]);
  const width = cols.map((c, i) => Math.max(c.length, ...rows.map((row) => row[i].length)));
  const fmt = (row: string[]) => row.map((c, i) => (i === 0 ? c.padEnd(width[i]) : c.padStart(width[i]))).join('  ');
  lines.push(fmt(cols), ...rows.map(fmt));
  for (const e of r.ends) {
    const drops = Object.entries(e.drops);
    if (drops.length === 0) continue;
    const total = drops.reduce((n, [, c]) => n + c, 0);
    lines.push('', `drops at the ${e.name} by reason (${total}):`);
    const w = Math.max(...drops.map(([k]) => k.length));
    for (const [k, n] of drops) lines.push(`  ${k.padEnd(w)}  ${n}`);
  }
  for (const e of r.ends) {
    const dhcp = Object.entries(e.dhcp ?? {});
    if (dhcp.length === 0) continue;
    lines.push('', `the ${e.name}'s DHCP server, per DHCP datagram:`);
    const w = Math.max(...dhcp.map(([k]) => k.length));
    for (const [k, n] of dhcp) lines.push(`  ${k.padEnd(w)}  ${n}`);
  }
  for (const e of r.ends) {
    if (e.findings.length === 0) continue;
    lines.push('', `findings at the ${e.name} (${e.crashes} crashes, ${e.hangs} hangs${e.findings.length < e.crashes + e.hangs ? `, first ${e.findings.length} kept` : ''}):`);
    for (const f of e.findings) lines.push(`  ${f.kind} frame ${f.index} (${f.layer}) at ${f.where}: ${f.message.slice(0, 300)}`);
  }
  if (r.reproducers.length > 0) lines.push('', 'reproducers (npm run fuzz -- --replay FILE):', ...r.reproducers.map((p) => `  ${p}`));
  return lines.join('\n');
}
