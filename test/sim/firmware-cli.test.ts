import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firmwareCommand } from '../../sim/firmware-cli.ts';
import { parseImageHeader, IMAGE_HEADER_LENGTH } from '../../firmware/boot/image.ts';
import { generatePayload } from '../../sim/controller/firmware-store/payload.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'hotdesk-fwcli-'));
  dirs.push(d);
  return d;
}

async function run(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await firmwareCommand(argv, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

describe('hotdesk firmware', () => {
  it('build then inspect: header printed, hash and signature OK against the dev key', async () => {
    const dir = tempDir();
    const out = join(dir, '53xx.bin');
    const built = await run('build', '--family', '53xx', '--version', '1.2.3.4', '--size', '64KiB', '--out', out);
    expect(built).toMatchObject({ code: 0, err: '' });
    const image = readFileSync(out);
    expect(image.length).toBe(IMAGE_HEADER_LENGTH + 65536);
    expect(image.subarray(IMAGE_HEADER_LENGTH)).toEqual(Buffer.from(generatePayload(65536, 1)));
    const seen = await run('inspect', out);
    expect(seen.code).toBe(0);
    expect(seen.out).toMatch(/family: +53xx/);
    expect(seen.out).toMatch(/version: +1\.2\.3\.4/);
    expect(seen.out).toMatch(/payload: +65536 bytes/);
    expect(seen.out).toMatch(/hash: +OK/);
    expect(seen.out).toMatch(/signature: +OK \(the DEV key\)/);
  });

  it('inspect says BAD for a tampered payload or header, and exits 1', async () => {
    const dir = tempDir();
    const path = join(dir, 'img');
    const payload = join(dir, 'payload');
    writeFileSync(payload, Buffer.from('the firmware payload'));
    expect((await run('build', '--family', '69xx', '--version', '2.0.0.1', '--payload', payload, '--out', path)).code).toBe(0);
    const good = readFileSync(path);

    const badPayload = Buffer.from(good);
    badPayload[IMAGE_HEADER_LENGTH + 3] ^= 1;
    writeFileSync(path, badPayload);
    let r = await run('inspect', path);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/hash: +BAD/);
    expect(r.out).toMatch(/signature: +OK/);

    const badHeader = Buffer.from(good);
    badHeader[19] ^= 1;
    writeFileSync(path, badHeader);
    r = await run('inspect', path);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/version: +2\.0\.0\.0/);
    expect(r.out).toMatch(/signature: +BAD/);

    writeFileSync(path, good.subarray(0, good.length - 1));
    r = await run('inspect', path);
    expect(r.out).toMatch(/hash: +BAD \(19 payload bytes, header says 20\)/);

    writeFileSync(path, Buffer.from('not an image at all'));
    r = await run('inspect', path);
    expect(r).toMatchObject({ code: 1, out: '' });
    expect(r.err).toMatch(/^hotdesk firmware inspect: .*\n$/);
  });

  it('sign re-signs with another key: BAD against the dev key, OK against its own', async () => {
    const dir = tempDir();
    const img = join(dir, 'img');
    const keyPem = join(dir, 'site.key.pem');
    const pubPem = join(dir, 'site.pub.pem');
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    writeFileSync(keyPem, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(pubPem, publicKey.export({ type: 'spki', format: 'pem' }));
    await run('build', '--family', '56xx', '--version', '3.0.0.0', '--size', '1000', '--seed', '9', '--out', img);
    const before = readFileSync(img);

    expect((await run('sign', img, '--key', keyPem)).code).toBe(0);
    const after = readFileSync(img);
    expect(after.subarray(IMAGE_HEADER_LENGTH)).toEqual(before.subarray(IMAGE_HEADER_LENGTH));
    const h = parseImageHeader(after);
    expect(h.ok && h.header.version).toEqual([3, 0, 0, 0]);

    const againstDev = await run('inspect', img);
    expect(againstDev.code).toBe(1);
    expect(againstDev.out).toMatch(/signature: +BAD \(signed by key [0-9a-f]{16}, not the DEV key\)/);
    const againstSite = await run('inspect', img, '--pubkey', pubPem);
    expect(againstSite.code).toBe(0);
    expect(againstSite.out).toMatch(/signature: +OK/);

    // build with --key signs with that key from the start
    const img2 = join(dir, 'img2');
    expect((await run('build', '--family', '56xx', '--version', '3.0.0.1', '--size', '10', '--out', img2, '--key', keyPem)).code).toBe(0);
    expect((await run('inspect', img2, '--pubkey', pubPem)).code).toBe(0);
  });

  it('bad usage is one line on stderr and exit 2; --help exits 0', async () => {
    const dir = tempDir();
    const cases: string[][] = [
      ['frobnicate'],
      ['build', '--family', '53xx', '--version', '1.2.3', '--size', '10', '--out', join(dir, 'x')],
      ['build', '--family', '53xx', '--version', '1.2.3.4', '--out', join(dir, 'x')],
      ['build', '--family', '53xx', '--version', '1.2.3.4', '--size', '10', '--payload', 'p', '--out', join(dir, 'x')],
      ['build', '--family', 'toolong', '--version', '1.2.3.4', '--size', '10', '--out', join(dir, 'x')],
      ['build', '--family', '53xx', '--version', '1.2.3.4', '--size', 'lots', '--out', join(dir, 'x')],
      ['build', '--bogus'],
      ['inspect'],
      ['inspect', join(dir, 'missing')],
      ['sign', join(dir, 'missing')],
      ['sign', join(dir, 'missing'), '--key', join(dir, 'nokey')],
    ];
    for (const argv of cases) {
      const r = await run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err, argv.join(' ')).toMatch(/^hotdesk firmware[^\n]*\n$/);
    }
    for (const sub of ['build', 'sign', 'inspect']) {
      const r = await run(sub, '--help');
      expect(r.code).toBe(0);
      expect(r.out).toContain(`hotdesk firmware ${sub}`);
    }
    expect((await run('--help')).code).toBe(0);
    expect((await run()).code).toBe(2);
  });
});
