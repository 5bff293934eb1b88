// vitest globalSetup: every world the suite builds writes its trace and pcap into one directory, and at
// the end the suite fails if any of them holds a PIN ("no PIN in any trace, pcap or log written by the
// whole test suite"). Child processes (the CLI tests) inherit the directory through the environment.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditDirectory } from './pin-audit.ts';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'hotdesk-audit-'));
  process.env.HOTDESK_ARTIFACTS = dir;
  return () => {
    const result = auditDirectory(dir);
    console.log(`PIN audit: ${result.files} traces and pcaps (${(result.bytes / 1e6).toFixed(1)} MB), ${result.digests} PINs: ${result.leaks.length} leaks`);
    if (result.leaks.length > 0) {
      // vitest reports a throw from a teardown but still exits 0: fail the run explicitly
      console.error(`PIN audit FAILED: ${result.leaks.slice(0, 10).join('; ')} (files kept in ${dir})`);
      process.exitCode = 1;
      return;
    }
    rmSync(dir, { recursive: true, force: true });
  };
}
