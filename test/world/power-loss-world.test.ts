// A power cut at every flash operation of a real upgrade, in a whole World (phone + mock wire +
// controller, virtual clock): the flash test cuts the bootloader alone; this one cuts the phone in the
// middle of its own download, boot-record writes, trial boot and confirm, and lets the world plug it
// back in (World.onPhoneFault). Whatever the cut hits, every boot runs a valid image, byte for byte the
// factory one or the served one, and the phone ends on the new image, confirmed.
import { describe, expect, it } from 'vitest';
import type { SlotName } from '../../firmware/boot/flash-layout.ts';
import { parseImageHeader } from '../../firmware/boot/image.ts';
import { parseControllerConfig } from '../../sim/controller/config.ts';
import { DEFAULT_PAYLOAD_SIZE } from '../../sim/controller/firmware-store/firmware-images.ts';
import { FirmwareStore } from '../../sim/controller/firmware-store/firmware-store.ts';
import type { MemoryFlash } from '../../sim/flash-memory.ts';
import { SIM_FLASH_LAYOUT } from '../../sim/phone-setup.ts';
import { World } from '../../sim/world.ts';

const OLD = '1.0.0.0';
const NEW = '1.0.1.0';
const SEED = 7;
/** Simulated time allowed from the cut to the new image confirmed (DHCP waits, restarts, two downloads). */
const RECOVERY_BOUND_MS = 10 * 60_000;

async function upgradeWorld(): Promise<World> {
  return World.build({
    profile: '5340',
    link: { kind: 'mock' },
    phoneFirmware: OLD,
    seed: SEED,
    config: parseControllerConfig({ firmware: [{ family: '53gx', version: NEW, size: '16KiB' }] }, 'power-loss test'),
  });
}

/** The factory image phoneFlash() provisions for this seed: one of the two images a slot may hold. */
function factoryImage(world: World): Uint8Array {
  return new FirmwareStore().putGenerated('factory', {
    family: world.profile.firmware!.family,
    version: [1, 0, 0, 0],
    payloadSize: DEFAULT_PAYLOAD_SIZE,
    seed: SEED,
  });
}

function servedImage(world: World): Uint8Array {
  return world.controller!.firmware.get(world.profile.firmware!.file)!;
}

function slotBytes(flash: MemoryFlash, slot: SlotName, length: number): Uint8Array {
  const region = SIM_FLASH_LAYOUT.slots[slot];
  return flash.snapshot().subarray(region.offset, region.offset + length);
}

/**
 * What the bootloader just started: the slot it chose (RAM, so readable after a cut) and whether that
 * slot's bytes (a snapshot: no power needed) are exactly one of the two known images.
 */
function checkRunning(world: World, known: Uint8Array[]): string {
  const running = world.phone!.bootloader.running;
  if (!running) return world.phone!.on ? 'the phone booted no image' : 'cut inside the bootloader';
  const flash = world.flash as MemoryFlash;
  const header = parseImageHeader(slotBytes(flash, running.slot, 512));
  if (!header.ok) return `slot ${running.slot} runs without a header`;
  const length = header.header.headerLength + header.header.payloadLength;
  const bytes = Buffer.from(slotBytes(flash, running.slot, length));
  if (!known.some((img) => bytes.equals(Buffer.from(img)))) return `slot ${running.slot} is neither the factory nor the served image`;
  return 'ok';
}

const upgradeStarted = (w: World) => w.phone!.state.startsWith('network.firmware');
const upgradeConfirmed = (w: World) => {
  if (!w.phone!.on) return false; // the flash has no power while the phone is unplugged
  const fw = w.firmware();
  return fw?.version === NEW && fw.confirmed;
};

/** Runs until the new image is confirmed, checking the image at every boot; returns what it saw. */
async function runToConfirmed(world: World, boundMs: number): Promise<{ done: boolean; boots: string[] }> {
  const known = [factoryImage(world), servedImage(world)];
  const boots: string[] = [];
  let seenBoots = world.phone!.boots;
  const done = await world.advance(boundMs, () => {
    if (world.phone!.boots !== seenBoots) {
      seenBoots = world.phone!.boots;
      boots.push(checkRunning(world, known));
    }
    return upgradeConfirmed(world) && world.phone!.state.startsWith('network.inService');
  });
  return { done, boots };
}

describe('power loss at every flash operation of a World upgrade', () => {
  it('cuts each of the N operations of a clean upgrade and always boots a valid image, ending on the new one', async () => {
    const started = Date.now();
    // the clean run: how many flash operations from the download's start to the confirm
    const clean = await upgradeWorld();
    let n: number;
    try {
      expect(await clean.advance(120_000, () => upgradeStarted(clean))).toBe(true);
      const flash = clean.flash as MemoryFlash;
      const before = flash.operations;
      const run = await runToConfirmed(clean, RECOVERY_BOUND_MS);
      expect(run.done).toBe(true);
      expect(run.boots).toEqual(['ok']); // the trial boot of the new image
      n = flash.operations - before;
    } finally {
      await clean.close();
    }
    // erases and writes of a 16 KiB image in 4 KiB sectors, plus boot-record writes: far more than a few
    expect(n).toBeGreaterThan(10);

    let slowestMs = 0;
    for (let k = 0; k < n; k++) {
      const world = await upgradeWorld();
      try {
        expect(await world.advance(120_000, () => upgradeStarted(world))).toBe(true);
        const flash = world.flash as MemoryFlash;
        flash.failAfterWrites(k);
        const armedAt = world.now();
        const run = await runToConfirmed(world, RECOVERY_BOUND_MS);
        slowestMs = Math.max(slowestMs, world.now() - armedAt);
        const where = `cut after ${k} of ${n} operations`;
        expect(world.powerCuts, where).toBe(1);
        expect(run.boots.length, where).toBeGreaterThanOrEqual(1);
        const bad = run.boots.filter((b) => b !== 'ok' && b !== 'cut inside the bootloader');
        expect(bad, `${where}: ${run.boots.join('; ')}`).toEqual([]);
        expect(run.boots.at(-1), where).toBe('ok');
        expect(run.done, `${where}: ended ${JSON.stringify(world.firmware())} in ${world.phone!.state}`).toBe(true);
        const inspect = world.phone!.bootloader.inspect();
        expect(inspect.slots[inspect.active].version, where).toBe(NEW);
        expect(inspect.slots[inspect.active].state, where).toBe('confirmed');
      } finally {
        await world.close();
      }
    }
    console.log(`power-loss-world: N=${n} cut points, slowest recovery ${(slowestMs / 1000).toFixed(1)} s simulated, ${Date.now() - started} ms wall`);
  }, 120_000);
});
