// curl downloads a firmware image from the controller's TFTP server, exposed on a real UDP port
// (`tftp: { expose: HOST:PORT }`), with blksize 1428: the bytes are the store's, exactly.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseControllerConfig } from '../../sim/controller/config.ts';
import { World } from '../../sim/world.ts';
import { runCommand, tempDir } from './daemons.ts';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("curl against the controller's exposed TFTP server", () => {
  it('downloads a 300 KiB image byte-identical with --tftp-blksize 1428', async () => {
    const dir = tempDir('curl');
    cleanups.push(() => dir.remove());
    const world = await World.build({
      profile: '5340',
      link: { kind: 'mock' },
      ends: 'controller',
      config: parseControllerConfig(
        { firmware: [{ family: '53gx', version: '2.0.0.1', size: '300KiB', seed: 3 }], tftp: { expose: '127.0.0.1:0' } },
        'curl test',
      ),
    });
    cleanups.push(() => world.close());
    await world.controller!.ready;
    const exposed = world.controller!.exposedTftp!;
    expect(exposed.port).toBeGreaterThan(1024);
    const file = world.profile.firmware!.file;
    const out = join(dir.path, 'image.bin');

    const r = await runCommand('curl', ['--silent', '--show-error', '--max-time', '20', '--tftp-blksize', '1428', '-o', out, `tftp://127.0.0.1:${exposed.port}/${file}`], 30_000);
    expect(r.code, r.stderr).toBe(0);
    const served = world.controller!.firmware.get(file)!;
    const got = readFileSync(out);
    expect(got.length).toBe(served.length);
    expect(got.equals(Buffer.from(served))).toBe(true);
    expect(exposed.server.stats.completed).toBe(1);
    // 1428-byte blocks were negotiated: far fewer DATA packets than 512-byte blocks would take
    expect(exposed.server.stats.dataSent).toBeLessThanOrEqual(Math.ceil(served.length / 1428) + 2);
  }, 40_000);

  it('answers a file the store does not hold with a TFTP error that curl reports', async () => {
    const world = await World.build({
      profile: '5340',
      link: { kind: 'mock' },
      ends: 'controller',
      config: parseControllerConfig({ tftp: { expose: '127.0.0.1:0' } }, 'curl test'),
    });
    cleanups.push(() => world.close());
    await world.controller!.ready;
    const dir = tempDir('curl-missing');
    cleanups.push(() => dir.remove());
    const r = await runCommand('curl', ['--silent', '--max-time', '10', '-o', join(dir.path, 'x'), `tftp://127.0.0.1:${world.controller!.exposedTftp!.port}/no-such-image.bin`], 20_000);
    expect(r.code).toBe(68); // CURLE_TFTP_NOTFOUND: the server's ERROR 1 reached curl, from its one-off TID
    expect(world.controller!.exposedTftp!.server.stats.completed).toBe(0);
  }, 30_000);
});
