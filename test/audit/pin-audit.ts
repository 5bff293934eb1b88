// The suite-wide PIN audit: scans every trace and pcap the test suite's worlds wrote (HOTDESK_ARTIFACTS)
// for the PINs of those worlds' users, known only by salted digest. A PIN counts as leaked where it
// stands alone as text (no digit either side) or where key records spell it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pinDigest } from '../../sim/artifacts.ts';
import { keyRuns, MIN_PIN_DIGITS, withoutCounters } from '../security/pin-scan.ts';

export interface AuditResult {
  files: number;
  bytes: number;
  digests: number;
  leaks: string[];
}

function digestBook(dir: string, names: string[]): { salt: string; digests: Set<string> }[] {
  return names
    .filter((n) => n.endsWith('.pins.json'))
    .map((n) => JSON.parse(readFileSync(join(dir, n), 'utf8')) as { salt: string; digests: string[] })
    .filter((b) => b.digests.length > 0)
    .map((b) => ({ salt: b.salt, digests: new Set(b.digests) }));
}

/** Every candidate: standalone digit runs in the text, and every stretch of digits typed as keys. */
function candidates(text: string, jsonl: boolean): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(new RegExp(`(?<![0-9])[0-9]{${MIN_PIN_DIGITS},8}(?![0-9])`, 'g'))) out.add(m[0]);
  if (jsonl) {
    for (const run of keyRuns(text)) {
      for (let i = 0; i < run.length; i++) for (let n = MIN_PIN_DIGITS; n <= 8 && i + n <= run.length; n++) out.add(run.slice(i, i + n));
    }
  }
  return out;
}

export function auditDirectory(dir: string): AuditResult {
  const names = readdirSync(dir);
  const books = digestBook(dir, names);
  const result: AuditResult = { files: 0, bytes: 0, digests: books.reduce((n, b) => n + b.digests.size, 0), leaks: [] };
  if (books.length === 0) return result;
  for (const name of names) {
    const jsonl = name.endsWith('.jsonl');
    if (!jsonl && !name.endsWith('.pcap')) continue;
    const raw = readFileSync(join(dir, name));
    result.files++;
    result.bytes += raw.length;
    const text = jsonl ? withoutCounters(raw.toString('utf8')) : raw.toString('latin1');
    for (const c of candidates(text, jsonl)) {
      if (books.some((b) => b.digests.has(pinDigest(b.salt, c)))) result.leaks.push(`${name}: a PIN of ${c.length} digits`);
    }
  }
  return result;
}
