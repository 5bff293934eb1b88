// A phone (host) and its router (router mode) NetStack on the mock wire, in virtual time, with both
// link ends tapped: every byte a stack wrote (one write per frame) and every byte it was handed.
import { VirtualClock } from '../../../firmware/clock.ts';
import type { ByteLink } from '../../../firmware/hal.ts';
import { NetStack, type Datagram } from '../../../firmware/link/stack.ts';
import { SeededRandom } from '../../../firmware/random.ts';
import type { LineOptions } from '../../../sim/wire/cable-line.ts';
import { MockWire } from '../../../sim/wire/mock-wire.ts';
import { settleIo } from '../../../sim/wire/settle.ts';

export const PHONE = { mac: '02:00:00:00:00:01', ip: '10.0.0.2', port: 5000 };
export const ROUTER = { mac: '02:00:00:00:00:fe', ip: '10.0.0.1', port: 6800 };

export interface TappedLink extends ByteLink {
  /** Copies of every write, in order: the stack writes one SLIP frame per write. */
  readonly written: Uint8Array[];
  /** Copies of every chunk the link handed to the stack. */
  readonly received: Uint8Array[];
}

export function tapped(end: ByteLink): TappedLink {
  const written: Uint8Array[] = [];
  const received: Uint8Array[] = [];
  return {
    written,
    received,
    write(bytes) {
      written.push(bytes.slice());
      end.write(bytes);
    },
    onData(receiver) {
      end.onData((bytes) => {
        received.push(bytes.slice());
        receiver(bytes);
      });
    },
  };
}

export interface WireRig {
  clock: VirtualClock;
  wire: MockWire;
  phone: NetStack;
  router: NetStack;
  phoneLink: TappedLink;
  routerLink: TappedLink;
  /** What each stack's bound port received, in order, with the virtual time it arrived. */
  atRouter: { t: number; d: Datagram }[];
  atPhone: { t: number; d: Datagram }[];
  close(): Promise<void>;
}

export async function wireRig(line: Partial<LineOptions>, seed = 1): Promise<WireRig> {
  const clock = new VirtualClock(settleIo);
  const wire = new MockWire({ clock, random: new SeededRandom(seed), ...line });
  await wire.ready;
  const phoneLink = tapped(wire.phoneEnd);
  const routerLink = tapped(wire.controllerEnd);
  const phone = new NetStack({ mac: PHONE.mac, link: phoneLink, clock, ip: PHONE.ip, traceFrames: false });
  const router = new NetStack({ mac: ROUTER.mac, link: routerLink, clock, ip: ROUTER.ip, mode: 'router', traceFrames: false });
  const atRouter: WireRig['atRouter'] = [];
  const atPhone: WireRig['atPhone'] = [];
  router.bind(ROUTER.port, (d) => atRouter.push({ t: clock.now(), d }));
  phone.bind(PHONE.port, (d) => atPhone.push({ t: clock.now(), d }));
  return {
    clock,
    wire,
    phone,
    router,
    phoneLink,
    routerLink,
    atRouter,
    atPhone,
    close: async () => {
      phone.close();
      router.close();
      await wire.close();
    },
  };
}

/** `count` payloads of `size` bytes, seeded random, each starting with its sequence number (32-bit BE). */
export function numberedPayloads(count: number, size: number, seed: number): Uint8Array[] {
  const rnd = new SeededRandom(seed);
  return Array.from({ length: count }, (_, seq) => {
    const p = rnd.bytes(size);
    new DataView(p.buffer, p.byteOffset, p.byteLength).setUint32(0, seq);
    return p;
  });
}

export function seqOf(payload: Uint8Array): number {
  return new DataView(payload.buffer, payload.byteOffset, payload.byteLength).getUint32(0);
}

export function totalLength(chunks: readonly Uint8Array[]): number {
  return chunks.reduce((n, c) => n + c.length, 0);
}
