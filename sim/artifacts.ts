// The test suite's audit hook: with HOTDESK_ARTIFACTS=DIR in the environment, every world writes its
// trace and pcap into DIR (unless the run asked for its own files), plus a digest of its users' PINs,
// so one check at the end of the suite can prove no PIN reached any trace or capture. The digests are
// salted SHA-256: the audit needs to recognise a PIN, never to store one.
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ArtifactFiles {
  trace: string;
  pcap: string;
}

let count = 0;

/** Where this world's trace and pcap go for the audit, or undefined when no audit runs. */
export function auditFiles(pins: readonly string[]): ArtifactFiles | undefined {
  const dir = process.env.HOTDESK_ARTIFACTS;
  if (!dir) return undefined;
  const base = join(dir, `world-${process.pid}-${++count}`);
  const salt = randomBytes(16).toString('hex');
  writeFileSync(`${base}.pins.json`, JSON.stringify({ salt, digests: [...new Set(pins)].map((p) => pinDigest(salt, p)) }));
  return { trace: `${base}.jsonl`, pcap: `${base}.pcap` };
}

/**
 * A PIN that enters a world after it was built (an administrator's reset-pin): its digest joins the
 * audit's in a file of its own, so the audit looks for it in every trace and capture as well.
 */
export function auditExtraPins(pins: readonly string[]): void {
  const dir = process.env.HOTDESK_ARTIFACTS;
  if (!dir || pins.length === 0) return;
  const salt = randomBytes(16).toString('hex');
  writeFileSync(join(dir, `pins-${process.pid}-${++count}.pins.json`), JSON.stringify({ salt, digests: [...new Set(pins)].map((p) => pinDigest(salt, p)) }));
}

export function pinDigest(salt: string, pin: string): string {
  return createHash('sha256').update(`${salt}:${pin}`).digest('hex');
}
