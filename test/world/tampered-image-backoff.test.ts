// No flash wear loop (issue "Security and reliability"): a tampered image on the server is refused, and
// the phone goes on in service on its confirmed image, showing why, and tries again after a back-off
// that doubles (30 s up to 1 h) instead of rebooting and erasing its inactive slot every few seconds.
// Before: 198 reboots and 3,743 sector erases in a simulated hour, never in service.
import { afterEach, expect, it } from 'vitest';
import { FIRMWARE_RETRY_FIRST_MS, FIRMWARE_RETRY_MAX_MS, firmwareRetryMs } from '../../firmware/phone-machine.ts';
import { parseControllerConfig } from '../../sim/controller/config.ts';
import { World } from '../../sim/world.ts';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

it('a refused image costs a few tries an hour, with the phone in service on its own image between them', async () => {
  world = await World.build({
    profile: '5340',
    link: { kind: 'mock' },
    phoneFirmware: '1.0.0.0',
    config: parseControllerConfig({ firmware: [{ family: '53gx', version: '6.6.6.6', size: '32KiB', tampered: true }] }, 'test'),
  });
  const w = world;
  const flash = w.flash!;
  let erases = 0;
  const erase = flash.erase.bind(flash);
  flash.erase = (sector: number) => {
    erases++;
    erase(sector);
  };
  const shown: string[] = [];
  w.trace.addSink((r) => {
    if (r.kind === 'display' && r.node.startsWith('phone:') && Array.isArray(r.lines)) shown.push(r.lines.join(' | '));
  });
  await w.advance(3_600_000);
  const failures = shown.filter((s) => s.startsWith('Download failed'));
  const boots = w.phone!.boots;
  console.log(`tampered image, 1 simulated hour: ${failures.length} refused downloads, ${boots} boot(s), ${erases} sector erases`);
  // why, on the display
  expect(failures.every((s) => s === 'Download failed | Image refused')).toBe(true);
  // back in service after each refusal, on the image it runs
  for (let i = 0; i < shown.length; i++) {
    if (!shown[i].startsWith('Download failed')) continue;
    expect(shown.slice(i + 1).some((s) => s === 'No User Logged In')).toBe(true);
  }
  expect(w.firmware()).toEqual({ version: '1.0.0.0', confirmed: true });
  expect(boots).toBe(1);
  // 30 s, 60 s, 120 s, ... : 7 tries fit in the first hour (the first at boot)
  expect(failures.length).toBeGreaterThanOrEqual(6);
  expect(failures.length).toBeLessThanOrEqual(8);
  expect(erases).toBeLessThan(400);
  expect([firmwareRetryMs(1), firmwareRetryMs(2), firmwareRetryMs(3), firmwareRetryMs(99)]).toEqual([
    FIRMWARE_RETRY_FIRST_MS,
    2 * FIRMWARE_RETRY_FIRST_MS,
    4 * FIRMWARE_RETRY_FIRST_MS,
    FIRMWARE_RETRY_MAX_MS,
  ]);
}, 60_000);
