// Acceptance of the link on the mock wire, in virtual time:
//  - at 115200 baud with the line-rate model on, 1 MiB of UDP takes what the line rate says (every
//    frame's SLIP bytes x 10 bit-times), counted from the bytes the wire carried AND from first
//    principles (an independent RFC encoder, reference-frame.ts), within 2 %;
//  - with bit errors on, only intact datagrams arrive (byte for byte, by sequence number) and every
//    loss is accounted for: each piece of the received byte stream is either delivered or counted in
//    exactly one drop reason, and the frames lost are exactly those the noise touched.
import { describe, expect, it } from 'vitest';
import { DROP_REASONS, type DropReason } from '../../../firmware/link/stack.ts';
import { mapNoise } from './noise-accounting.ts';
import { referenceFrame, referenceSlip } from './reference-frame.ts';
import { numberedPayloads, PHONE, ROUTER, seqOf, totalLength, wireRig, type WireRig } from './wire-rig.ts';

const BAUD = 115200;
const MIB = 1 << 20;
/** A UART hands bytes over in FIFO-sized pieces; the mock cuts writes into chunks of 1..this. */
const MAX_CHUNK = 256;
const byteMs = 10_000 / BAUD; // 8N1: start + 8 data + stop bits

type Dir = 'up' | 'down';

/** Sends every payload at once (the transmitter then never idles); returns the reference SLIP bytes. */
function sendAll(rig: WireRig, dir: Dir, payloads: readonly Uint8Array[]): Uint8Array[] {
  const [from, to, stack] = dir === 'up' ? [PHONE, ROUTER, rig.phone] : [ROUTER, PHONE, rig.router];
  return payloads.map((payload, i) => {
    // dstMac skips ARP, so the line carries these frames and nothing else
    stack.sendUdp({ dstIp: to.ip, dstPort: to.port, srcPort: from.port, payload, dstMac: to.mac });
    // the stack numbers IPv4 identifications from 1, one per datagram sent
    const ref = { srcMac: from.mac, dstMac: to.mac, srcIp: from.ip, dstIp: to.ip, srcPort: from.port, dstPort: to.port, id: i + 1, payload };
    return referenceSlip(referenceFrame(ref));
  });
}

function relativeError(got: number, want: number): number {
  return Math.abs(got - want) / want;
}

describe('the link on the mock wire at 115200 baud, line-rate model on', () => {
  it('carries 1 MiB of UDP in the time the line rate says, within 2 %, from wire bytes and from first principles', async () => {
    const rig = await wireRig({ baud: BAUD, lineRate: true, maxChunk: MAX_CHUNK });
    try {
      const payloads = numberedPayloads(MIB / 1024, 1024, 7);
      const t0 = rig.clock.now();
      const reference = sendAll(rig, 'up', payloads);
      const done = await rig.clock.advance(10 * 60_000, () => rig.atRouter.length === payloads.length);
      expect(done).toBe(true);

      // every datagram arrived intact and in order
      expect(rig.atRouter.map((a) => seqOf(a.d.payload))).toEqual(payloads.map((_, i) => i));
      rig.atRouter.forEach((a, i) => expect(Buffer.from(a.d.payload).equals(payloads[i])).toBe(true));

      // bytes: what the wire carried = what the stack wrote = the independent encoding, exactly
      const wireBytes = rig.wire.stats.phoneToController.bytesDelivered;
      const firstPrinciples = totalLength(reference);
      expect(wireBytes).toBe(totalLength(rig.phoneLink.written));
      expect(rig.phone.counters.txBytes).toBe(wireBytes);
      expect(wireBytes).toBe(firstPrinciples);
      expect(Buffer.concat(rig.phoneLink.written).equals(Buffer.concat(reference))).toBe(true);
      // sanity of the encoding itself: 1024 + 46 bytes of headers and FCS, 2 ENDs, and SLIP escapes
      expect(firstPrinciples).toBeGreaterThan(MIB + payloads.length * 48);

      // time: the last datagram is delivered when its last byte is out of the line
      const took = rig.atRouter.at(-1)!.t - t0;
      expect(relativeError(took, wireBytes * byteMs)).toBeLessThan(0.02);
      expect(relativeError(took, firstPrinciples * byteMs)).toBeLessThan(0.02);
      // ... and so is every datagram: no earlier than its last byte, no later than one chunk after
      let cumulative = 0;
      rig.atRouter.forEach((a, i) => {
        cumulative += reference[i].length;
        expect(a.t - t0).toBeGreaterThanOrEqual(cumulative * byteMs - 1e-6);
        expect(a.t - t0).toBeLessThanOrEqual((cumulative + MAX_CHUNK) * byteMs + 1e-6);
      });
    } finally {
      await rig.close();
    }
  });

  it('is full duplex: 256 KiB each way at once takes as long as the longer direction alone, not the sum', async () => {
    const rig = await wireRig({ baud: BAUD, lineRate: true, maxChunk: MAX_CHUNK });
    try {
      const up = numberedPayloads(256, 1024, 11);
      const down = numberedPayloads(256, 1024, 12);
      const refUp = sendAll(rig, 'up', up);
      const refDown = sendAll(rig, 'down', down);
      const done = await rig.clock.advance(10 * 60_000, () => rig.atRouter.length === up.length && rig.atPhone.length === down.length);
      expect(done).toBe(true);
      const longer = Math.max(totalLength(refUp), totalLength(refDown)) * byteMs;
      const took = Math.max(rig.atRouter.at(-1)!.t, rig.atPhone.at(-1)!.t);
      expect(relativeError(took, longer)).toBeLessThan(0.02);
      expect(rig.atPhone.every((a, i) => Buffer.from(a.d.payload).equals(down[i]))).toBe(true);
    } finally {
      await rig.close();
    }
  });
});

/** Framing damage is all bit noise can cause here: FCS and SLIP catch it before any upper layer looks. */
const NOISE_REASONS: readonly DropReason[] = ['fcs', 'slip-escape', 'short-frame', 'slip-oversize'];

interface NoiseCase {
  name: string;
  bitErrorRate: number;
  count: number;
  size: number;
  seed: number;
}

const CASES: NoiseCase[] = [
  { name: '1 MiB of 1024-byte datagrams at 1e-5 per bit', bitErrorRate: 1e-5, count: 1024, size: 1024, seed: 21 },
  // small frames at a higher rate: many more damaged frames, so rarer damage (an END made by noise
  // splitting a frame, a broken escape, a piece too short to be a frame) shows up too
  { name: '4,000 32-byte datagrams at 2e-4 per bit', bitErrorRate: 2e-4, count: 4000, size: 32, seed: 22 },
];

describe('the link on the mock wire with bit errors', () => {
  const seen = new Map<DropReason, number>();

  it.each(CASES)('$name: only intact datagrams arrive, and every loss is counted', async (c) => {
    const rig = await wireRig({ baud: BAUD, lineRate: true, maxChunk: MAX_CHUNK, bitErrorRate: c.bitErrorRate }, c.seed);
    try {
      const payloads = numberedPayloads(c.count, c.size, c.seed);
      sendAll(rig, 'up', payloads);
      const sentBytes = totalLength(rig.phoneLink.written);
      // every byte is out after sentBytes byte-times; a little more lets the last chunk land
      await rig.clock.advance(sentBytes * byteMs + 1000);
      const received = Buffer.concat(rig.routerLink.received);
      const noise = mapNoise(rig.phoneLink.written, received);
      expect(noise.bitsFlipped).toBe(rig.wire.stats.phoneToController.bitsFlipped);

      // only intact datagrams, byte for byte, each once
      const delivered = rig.atRouter.map((a) => a.d.payload);
      const seqs = delivered.map(seqOf);
      expect(new Set(seqs).size).toBe(seqs.length);
      delivered.forEach((p, i) => expect(Buffer.from(p).equals(payloads[seqs[i]]), `datagram ${seqs[i]}`).toBe(true));
      // exactly the frames the noise did not touch arrive; exactly those it touched are lost
      const untouched = payloads.map((_, seq) => seq).filter((seq) => !noise.frameHit[seq]);
      expect(seqs).toEqual(untouched);

      // every piece of the received stream is accounted for: delivered, or one drop with its reason
      const drops = rig.router.counters.drops;
      const counted = DROP_REASONS.reduce((n, r) => n + drops[r], 0);
      expect(rig.router.counters.dropped).toBe(counted);
      expect(rig.router.counters.delivered + counted).toBe(noise.pieces);
      for (const r of DROP_REASONS) if (!NOISE_REASONS.includes(r)) expect(drops[r], r).toBe(0);
      // sent = delivered + counted drops - the extra pieces the noise cut (an END made inside a frame)
      // + the pieces it merged away (an END destroyed, both ENDs between two frames for a merge)
      const netExtraPieces = noise.pieces - c.count;
      expect(c.count).toBe(seqs.length + counted - netExtraPieces);
      expect(netExtraPieces).toBeLessThanOrEqual(noise.endsMade);
      expect(netExtraPieces).toBeGreaterThanOrEqual(-noise.endsLost);

      // the run proves something: noise struck, and most datagrams still got through
      const lost = c.count - seqs.length;
      expect(lost).toBeGreaterThan(10);
      expect(seqs.length).toBeGreaterThan(c.count / 2);
      for (const r of NOISE_REASONS) seen.set(r, (seen.get(r) ?? 0) + drops[r]);
    } finally {
      await rig.close();
    }
  });

  it('between them, the runs met frame damage of every kind noise makes but oversize', () => {
    // a merge needs both ENDs between two frames destroyed: too rare to expect (slip-oversize)
    expect(seen.get('fcs')).toBeGreaterThan(0);
    expect(seen.get('slip-escape')).toBeGreaterThan(0);
    expect(seen.get('short-frame')).toBeGreaterThan(0);
  });
});
