// Real traffic to start from: a World (sim/world.ts, mock link, virtual clock) boots a phone against its
// controller and logs a hot desk user in, captured to a pcap at the phone's end. The frames read back
// (Ethernet, without FCS) are the corpus the mutators start from, split by direction.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseControllerConfig } from '../sim/controller/config.ts';
import { World } from '../sim/world.ts';

export const FUZZ_USERS = [
  { ext: '5123', pin: '1234', name: 'Alice Smith', keys: [{ key: 1, type: 'line', dn: '5123' }, { key: 2, type: 'blf', dn: '5124' }] },
  { ext: '5124', pin: '', name: 'Bob Jones' },
];

/** The controller's world both the capture and the harnesses run. */
export function fuzzConfig() {
  return parseControllerConfig({ users: FUZZ_USERS }, 'fuzz');
}

export interface Corpus {
  /** Frames the phone sent (to the controller). */
  fromPhone: Uint8Array[];
  /** Frames the controller sent (to the phone). */
  fromController: Uint8Array[];
  phoneMac: string;
}

/** Reads a classic pcap (microsecond, little endian) back into its frames. */
export function readPcap(bytes: Buffer): Uint8Array[] {
  const frames: Uint8Array[] = [];
  for (let at = 24; at + 16 <= bytes.length; ) {
    const len = bytes.readUInt32LE(at + 8);
    frames.push(new Uint8Array(bytes.subarray(at + 16, at + 16 + len)));
    at += 16 + len;
  }
  return frames;
}

function macOf(frame: Uint8Array, at: number): string {
  return [...frame.subarray(at, at + 6)].map((b) => b.toString(16).padStart(2, '0')).join(':');
}

let cached: Promise<Corpus> | undefined;

/** Boot + login + logout once per process (the same seed gives the same bytes). */
export function captureCorpus(seed = 1): Promise<Corpus> {
  cached ??= capture(seed);
  return cached;
}

async function capture(seed: number): Promise<Corpus> {
  const dir = mkdtempSync(join(tmpdir(), 'hotdesk-fuzz-'));
  const pcapPath = join(dir, 'capture.pcap');
  const world = await World.build({ profile: '5340', link: { kind: 'mock' }, seed, pcapPath, dhcpStartDelayMs: { min: 0, max: 0 }, config: fuzzConfig() });
  try {
    const shows = (text: string) => () => world.display().some((l) => l.includes(text));
    if (!(await world.advance(60_000, shows('No User Logged In')))) throw new Error(`capture: the phone never came into service (${world.phone?.state})`);
    const dial = async (keys: string) => {
      for (const k of keys) {
        world.press(k);
        await world.advance(50);
      }
    };
    world.press('hotdesk');
    await world.advance(100);
    world.press('login');
    await world.advance(100);
    await dial('5123');
    world.press('ok');
    await world.advance(200);
    await dial('1234');
    world.press('ok');
    if (!(await world.advance(10_000, shows('Alice Smith')))) throw new Error('capture: the login did not complete');
    await world.advance(35_000); // a heartbeat or two, sealed
    world.press('logout');
    await world.advance(5_000);
    const mac = world.phone!.stack!.mac;
    await world.close();
    const frames = readPcap(readFileSync(pcapPath));
    return {
      phoneMac: mac,
      fromPhone: frames.filter((f) => macOf(f, 6) === mac),
      fromController: frames.filter((f) => macOf(f, 6) !== mac),
    };
  } finally {
    await world.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
