// The links a world runs on (docs/design.md "CLI": --link): a whole cable (the mock wire, the in-memory
// frame link, or a socat pty pair with the real serial binding on both ends), two ports, or one port
// with a device at the far end.
import type { ByteLink, Clock } from '../firmware/hal.ts';
import type { SeededRandom } from '../firmware/random.ts';
import type { CableKind, LinkSpec } from './link-spec.ts';
import { FrameHub } from './wire/frame-wire.ts';
import { MockWire, type MockWireOptions } from './wire/mock-wire.ts';
import { makePtyPair } from './wire/pty.ts';
import { openReopeningSerialLink } from './wire/reopening-link.ts';
import { openSerialLink } from './wire/serial-link.ts';

export type Closers = (() => void | Promise<void>)[];

export interface LinkEnds {
  phoneLink?: ByteLink;
  controllerLink?: ByteLink;
  /** The mock wire, when the link is one (tests and scenarios unplug it, read its stats). */
  wire?: MockWire;
}

/** A cable with both ends here. */
export interface Cable {
  phoneLink: ByteLink;
  controllerLink: ByteLink;
  wire?: MockWire;
}

export interface LinkOptions {
  clock: Clock;
  random: SeededRandom;
  wire?: Partial<Omit<MockWireOptions, 'clock' | 'random'>>;
  baud?: number;
  /** The world's frame switch (`frames`): made on the first frame cable, shared by the rest. */
  frames?: FrameHub;
}

/** Opens a cable: the one of a mock, frames or pty world, and one more per extra phone of a world. */
export async function openCable(kind: CableKind, o: LinkOptions, closers: Closers): Promise<Cable> {
  if (kind === 'frames') {
    // the mock wire takes a random stream per cable; so does this cable, unused, so a seed draws the same
    // MACs, DHCP waits and session timings on either link and a scenario plays the same on both
    o.random.fork();
    if (!o.frames) {
      const hub = new FrameHub(o.clock);
      o.frames = hub;
      closers.push(() => hub.close());
    }
    const { phoneEnd, controllerEnd } = o.frames.cable();
    return { phoneLink: phoneEnd, controllerLink: controllerEnd };
  }
  if (kind === 'mock') {
    const wire = new MockWire({ clock: o.clock, random: o.random.fork(), ...o.wire });
    closers.push(() => wire.close());
    await wire.ready;
    return { phoneLink: wire.phoneEnd, controllerLink: wire.controllerEnd, wire };
  }
  const pair = await makePtyPair();
  closers.push(() => pair.close());
  const [a, b] = await Promise.all([openSerialLink(pair.a, o.baud), openSerialLink(pair.b, o.baud)]);
  closers.push(() => a.close(), () => b.close());
  return { phoneLink: a, controllerLink: b };
}

/** The ends `--link` names, for the ends this command runs (both, or the phone or controller alone). */
export async function openLinks(spec: LinkSpec, ends: 'both' | 'phone' | 'controller', o: LinkOptions, closers: Closers): Promise<LinkEnds> {
  const port = async (path: string) => {
    // a command's ports come back when unplugged and replugged (the spec says how to report and when to give up)
    const recovery = spec.kind === 'ports' || spec.kind === 'port' ? spec.recovery : undefined;
    const link = recovery ? await openReopeningSerialLink(path, { ...recovery, baud: o.baud }) : await openSerialLink(path, o.baud);
    closers.push(() => link.close());
    return link;
  };
  switch (spec.kind) {
    case 'mock':
    case 'frames':
    case 'pty':
      return openCable(spec.kind, o, closers);
    case 'ports':
      return {
        phoneLink: ends !== 'controller' ? await port(spec.phone) : undefined,
        controllerLink: ends !== 'phone' ? await port(spec.controller) : undefined,
      };
    case 'port': {
      const link = await port(spec.phone);
      return ends === 'controller' ? { controllerLink: link } : { phoneLink: link };
    }
  }
}
