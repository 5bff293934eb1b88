// scripts/peers.sh: `npm test` starts with its --check, which names a missing peer tool and how to install
// it in one line; --install installs what is missing (here --dry-run, which prints the apt-get line).
// Each case runs it on a PATH of its own: the few utilities it uses, and fake tools for the peers given.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SCRIPT = join(import.meta.dirname, '..', '..', 'scripts', 'peers.sh');
const PEERS = ['socat', 'tshark', 'dnsmasq', 'in.tftpd', 'curl', 'tmux', 'chromium'];
const UTILITIES = ['dirname', 'sort', 'paste', 'sed', 'id'];

function which(tool: string): string {
  const found = spawnSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
  if (!found) throw new Error(`${tool} is needed to run this test`);
  return found;
}

/** A PATH with the script's utilities and fake `tools`; `sbin`: tools installed off PATH. */
function machine(tools: string[], sbin: string[] = []) {
  const root = mkdtempSync(join(tmpdir(), 'hotdesk-peers-'));
  const bin = join(root, 'bin');
  const sbinDir = join(root, 'sbin');
  mkdirSync(bin);
  mkdirSync(sbinDir);
  for (const u of UTILITIES) symlinkSync(which(u), join(bin, u));
  const fake = (dir: string, tool: string) => {
    writeFileSync(join(dir, tool), '#!/bin/sh\nexit 0\n');
    chmodSync(join(dir, tool), 0o755);
  };
  for (const t of tools) fake(bin, t);
  for (const t of sbin) fake(sbinDir, t);
  return (...args: string[]) => {
    const r = spawnSync(which('bash'), [SCRIPT, ...args], { encoding: 'utf8', env: { PATH: bin, HOTDESK_PEERS_SBIN: sbinDir } });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
}

describe('scripts/peers.sh', () => {
  it('--check passes quietly when every peer tool is on PATH', () => {
    const r = machine(PEERS)('--check');
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('--check fails at once with one line naming the missing tool and its package', () => {
    const r = machine(PEERS.filter((t) => t !== 'dnsmasq'))('--check');
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('hotdesk tests: dnsmasq is missing — install it with: apt-get install dnsmasq-base (or run: npm run peers)\n');
  });

  it('names every missing tool on that one line', () => {
    const r = machine(['socat', 'tshark', 'curl', 'tmux'])('--check');
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('hotdesk tests: dnsmasq in.tftpd chromium are missing — install them with: apt-get install dnsmasq-base tftpd-hpa chromium (or run: npm run peers)\n');
  });

  it('a tool installed in sbin but not on PATH: says to fix PATH, not to install it again', () => {
    const r = machine(PEERS.filter((t) => t !== 'dnsmasq'), ['dnsmasq'])('--check');
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^hotdesk tests: \S+\/sbin\/dnsmasq installed but not on PATH: add \S+\/sbin to PATH/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it.runIf(process.getuid?.() === 0)('--install installs exactly the missing packages with apt-get (dry run, as root)', () => {
    const r = machine(['socat', 'curl', 'tmux'])('--install', '--dry-run');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('apt-get install -y tshark dnsmasq-base tftpd-hpa chromium\n');
  });

  it.runIf(process.getuid?.() === 0)('--install: apt-get update, the debconf answer, no service started, the missing packages, then the check', () => {
    // apt-get and the root tools are fakes that log what they were asked; "installing" puts the tools on PATH
    const root = mkdtempSync(join(tmpdir(), 'hotdesk-peers-install-'));
    const log = join(root, 'log');
    const bin = join(root, 'bin');
    mkdirSync(bin);
    for (const u of [...UTILITIES, 'cat', 'env']) symlinkSync(which(u), join(bin, u));
    const script = (name: string, body: string) => {
      writeFileSync(join(bin, name), `#!${which('bash')}\n${body}\n`);
      chmodSync(join(bin, name), 0o755);
    };
    for (const t of ['socat', 'curl', 'tmux']) script(t, 'exit 0');
    const chmod = which('chmod');
    script('apt-get', `echo "apt-get $*" >> ${log}\ncase " $* " in *" install "*) for t in tshark dnsmasq in.tftpd chromium; do printf '#!/bin/sh\\nexit 0\\n' > ${bin}/$t; ${chmod} +x ${bin}/$t; done ;; esac`);
    script('debconf-set-selections', `echo "debconf $(cat)" >> ${log}`);
    script('tee', `echo "tee $*: $(cat)" >> ${log}`);
    script('chmod', `echo "chmod $*" >> ${log}`);
    script('rm', `echo "rm $*" >> ${log}`);
    const guard = join(root, 'policy-rc.d'); // not there: the script puts one in place while it installs
    const r = spawnSync(which('bash'), [SCRIPT, '--install'], { encoding: 'utf8', env: { PATH: bin, HOTDESK_PEERS_SBIN: '', HOTDESK_POLICY_RC: guard } });
    expect(r.stderr).toBe('hotdesk tests: installing tshark dnsmasq-base tftpd-hpa chromium\n');
    expect(r.status).toBe(0);
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual([
      'apt-get update -qq',
      'debconf wireshark-common wireshark-common/install-setuid boolean false',
      `tee ${guard}: #!/bin/sh`,
      'exit 101',
      `chmod +x ${guard}`,
      'apt-get install -y -qq -o DPkg::Lock::Timeout=300 tshark dnsmasq-base tftpd-hpa chromium',
      `rm -f ${guard}`,
    ]);
  });

  it('--install with nothing missing installs nothing', () => {
    const r = machine(PEERS)('--install', '--dry-run');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/the peer tools are all installed \(socat tshark dnsmasq in\.tftpd curl tmux chromium\)/);
  });

  it('refuses an unknown option (exit 2)', () => {
    expect(machine(PEERS)('--frobnicate').code).toBe(2);
  });
});
