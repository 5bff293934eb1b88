// 200 seeded first boots with an upgrade over a NOISY mock wire (bit errors, lost and duplicated
// frames, writes cut into small chunks, latency): the link drops what is damaged, DHCP and TFTP
// retransmit, and every phone ends on the served image, flashed and confirmed. A corrupt frame that
// slipped through FCS and UDP checksum into flash could still leave a slot that "verifies" if the
// bootloader were wrong; so the test checks bytes, not verdicts: every slot that verifies hashes to the
// factory image or the served one, and the slot the phone runs hashes to the served one.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SLOT_NAMES } from '../../firmware/boot/flash-layout.ts';
import { verifySlot } from '../../firmware/boot/flash-slot.ts';
import { parseImageHeader } from '../../firmware/boot/image.ts';
import { parseControllerConfig } from '../../sim/controller/config.ts';
import { devTrustedKey } from '../../sim/controller/dev-keys/index.ts';
import { DEFAULT_PAYLOAD_SIZE } from '../../sim/controller/firmware-store/firmware-images.ts';
import { FirmwareStore } from '../../sim/controller/firmware-store/firmware-store.ts';
import type { MemoryFlash } from '../../sim/flash-memory.ts';
import { SIM_FLASH_LAYOUT } from '../../sim/phone-setup.ts';
import { World } from '../../sim/world.ts';

const BOOTS = 200;
const BATCH = 10;
const NEW = '1.0.2.0';
/** Noisy, not hopeless: a full-size frame is hit by a bit error about 1 time in 7, 1 in 20 is lost, 1 in 20 doubled. */
const NOISE = { bitErrorRate: 1e-5, dropRate: 0.05, duplicateRate: 0.05, maxChunk: 48, latencyMs: 3 };
const BOUND_MS = 30 * 60_000;

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** The image held in a slot of a flash snapshot, as far as its header says it goes. */
function slotImage(snapshot: Uint8Array, slot: 'A' | 'B'): Uint8Array | undefined {
  const region = SIM_FLASH_LAYOUT.slots[slot];
  const header = parseImageHeader(snapshot.subarray(region.offset, region.offset + 512));
  if (!header.ok) return undefined;
  return snapshot.subarray(region.offset, region.offset + header.header.headerLength + header.header.payloadLength);
}

interface BootOutcome {
  seed: number;
  problems: string[];
  simulatedMs: number;
  /** Frames the receiving stacks threw away (bad FCS, checksum, escape): the bit errors that hit. */
  frameDrops: number;
  /** What the wire did: frames lost whole, frames doubled, bits flipped (both directions). */
  wireLost: number;
  wireDoubled: number;
  bitsFlipped: number;
  /** Downloads that failed and restarted the boot (`Download failed`). */
  downloadFailures: number;
}

async function noisyBoot(seed: number): Promise<BootOutcome> {
  const world = await World.build({
    profile: '5340',
    link: { kind: 'mock' },
    phoneFirmware: '1.0.0.0',
    seed,
    wire: NOISE,
    config: parseControllerConfig({ firmware: [{ family: '53gx', version: NEW, size: '8KiB', seed: seed + 1000 }] }, 'noisy boots'),
  });
  const problems: string[] = [];
  let downloadFailures = 0;
  let wasFailed = false;
  try {
    const family = world.profile.firmware!.family;
    const served = world.controller!.firmware.get(world.profile.firmware!.file)!;
    const factory = new FirmwareStore().putGenerated('factory', { family, version: [1, 0, 0, 0], payloadSize: DEFAULT_PAYLOAD_SIZE, seed });
    const known = new Set([sha256(served), sha256(factory)]);
    const flash = world.flash as MemoryFlash;
    let boots = world.phone!.boots;
    const done = await world.advance(BOUND_MS, () => {
      const phone = world.phone!;
      if (phone.boots !== boots) {
        boots = phone.boots;
        const running = phone.bootloader.running;
        const img = running && slotImage(flash.snapshot(), running.slot);
        if (!img || !known.has(sha256(img))) problems.push(`boot ${boots} runs ${running ? `slot ${running.slot}: an unknown image` : 'nothing'}`);
      }
      const failedNow = phone.state === 'network.downloadFailed';
      if (failedNow && !wasFailed) downloadFailures++;
      wasFailed = failedNow;
      if (!phone.on) return false;
      const fw = world.firmware();
      return fw?.version === NEW && fw.confirmed && phone.state.startsWith('network.inService');
    });
    if (!done) problems.push(`not confirmed on ${NEW} after ${BOUND_MS / 60_000} min: ${JSON.stringify(world.firmware())} in ${world.phone!.state}`);

    const snapshot = flash.snapshot();
    for (const slot of SLOT_NAMES) {
      const verdict = verifySlot(flash, SIM_FLASH_LAYOUT.slots[slot], { trustedKeys: [devTrustedKey()], family });
      const img = slotImage(snapshot, slot);
      if (verdict.ok && (!img || !known.has(sha256(img)))) problems.push(`slot ${slot} verifies but holds neither image`);
    }
    const running = world.phone!.bootloader.running;
    const runningImg = running && slotImage(snapshot, running.slot);
    if (!runningImg || sha256(runningImg) !== sha256(served)) problems.push('the running slot is not the served image');
    const wire = world.wire!.stats;
    return {
      seed,
      problems,
      simulatedMs: world.now(),
      frameDrops: world.phone!.stack!.counters.dropped + world.controller!.router.dropped,
      wireLost: wire.phoneToController.framesDropped + wire.controllerToPhone.framesDropped,
      wireDoubled: wire.phoneToController.framesDuplicated + wire.controllerToPhone.framesDuplicated,
      bitsFlipped: wire.phoneToController.bitsFlipped + wire.controllerToPhone.bitsFlipped,
      downloadFailures,
    };
  } finally {
    await world.close();
  }
}

describe('seeded boots with an upgrade on a noisy mock wire', () => {
  it(`${BOOTS} boots all end on the served image, confirmed, never a corrupt one`, async () => {
    const started = Date.now();
    const outcomes: BootOutcome[] = [];
    for (let first = 1; first <= BOOTS; first += BATCH) {
      const seeds = Array.from({ length: Math.min(BATCH, BOOTS - first + 1) }, (_, i) => first + i);
      outcomes.push(...(await Promise.all(seeds.map(noisyBoot))));
    }
    const failed = outcomes.filter((o) => o.problems.length > 0);
    expect(failed.map((o) => `seed ${o.seed}: ${o.problems.join('; ')}`)).toEqual([]);
    expect(outcomes).toHaveLength(BOOTS);
    // the noise is real: bit errors reached the stacks and were dropped there, frames were lost and doubled
    const sum = (f: (o: BootOutcome) => number) => outcomes.reduce((n, o) => n + f(o), 0);
    expect(sum((o) => o.frameDrops)).toBeGreaterThan(BOOTS);
    expect(sum((o) => o.wireLost)).toBeGreaterThan(BOOTS);
    expect(sum((o) => o.wireDoubled)).toBeGreaterThan(BOOTS);
    const sims = outcomes.map((o) => o.simulatedMs).sort((a, b) => a - b);
    console.log(
      `noisy-boots: ${BOOTS} boots in batches of ${BATCH}, ${Date.now() - started} ms wall; bits flipped ${sum((o) => o.bitsFlipped)}, ` +
        `frames dropped by the stacks ${sum((o) => o.frameDrops)}, lost on the wire ${sum((o) => o.wireLost)}, doubled ${sum((o) => o.wireDoubled)}; ` +
        `downloads failed and restarted ${sum((o) => o.downloadFailures)}; simulated time to confirmed: median ${(sims[BOOTS >> 1] / 1000).toFixed(1)} s, max ${(sims[BOOTS - 1] / 1000).toFixed(1)} s`,
    );
  }, 180_000);
});
