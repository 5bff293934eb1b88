import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MockWire } from '../../../sim/wire/mock-wire.ts';
import { SeededRandom } from '../../../firmware/random.ts';
import { bitDistance, collect, ioClock } from './helpers.ts';

const BYTE_MS_115200 = 10_000 / 115200; // one 8N1 byte at 115200 baud, in ms

describe('MockWire timing', () => {
  it('delivers 1 MiB in exactly 1 MiB * 10 bit-times plus latency, each chunk when its last byte is out', async () => {
    const clock = ioClock();
    const wire = new MockWire({ clock, random: new SeededRandom(1), latencyMs: 5, maxChunk: 4096 });
    const rx = collect(wire.controllerEnd, clock);
    const data = new SeededRandom(2).bytes(1 << 20);
    wire.phoneEnd.write(data);
    await clock.advance(200_000);
    expect(rx.total()).toBe(1 << 20);
    expect(Buffer.from(rx.all()).equals(Buffer.from(data))).toBe(true);
    let cumulative = 0;
    const instants = rx.instants();
    for (const arrival of instants) {
      cumulative += arrival.length;
      expect(arrival.t).toBeCloseTo(cumulative * BYTE_MS_115200 + 5, 6);
    }
    expect(instants.at(-1)!.t).toBeCloseTo(((1 << 20) * 10 * 1000) / 115200 + 5, 6);
    expect(instants.length).toBe(wire.stats.phoneToController.chunks);
    expect(instants.length).toBeGreaterThan(256); // random chunks of 1..4096 bytes
    await wire.close();
  });

  it('queues writes behind a busy transmitter, restarts when idle, and keeps the two directions apart', async () => {
    const clock = ioClock();
    const wire = new MockWire({ clock, baud: 9600 });
    const atController = collect(wire.controllerEnd, clock);
    const atPhone = collect(wire.phoneEnd, clock);
    const byte = 10_000 / 9600;
    wire.phoneEnd.write(new Uint8Array(100));
    wire.phoneEnd.write(new Uint8Array(50)); // waits for the first 100 bytes to be out
    wire.controllerEnd.write(new Uint8Array(100)); // its own line: not delayed by the other way
    await clock.advance(1000);
    wire.phoneEnd.write(new Uint8Array(10)); // the line has been idle since t = 150 bytes
    await clock.advance(1000);
    expect(atPhone.chunks.map((c) => c.t)).toEqual([expect.closeTo(100 * byte, 6)]);
    expect(atController.chunks.map((c) => [c.t, c.bytes.length])).toEqual([
      [expect.closeTo(100 * byte, 6), 100],
      [expect.closeTo(150 * byte, 6), 50],
      [expect.closeTo(1000 + 10 * byte, 6), 10],
    ]);
    await wire.close();
  });

  it('with lineRate off, delivers after the latency alone', async () => {
    const clock = ioClock();
    const wire = new MockWire({ clock, lineRate: false, latencyMs: 2 });
    const rx = collect(wire.controllerEnd, clock);
    wire.phoneEnd.write(new Uint8Array(100_000));
    await clock.advance(1.999);
    expect(rx.total()).toBe(0);
    await clock.advance(0.001);
    expect(rx.total()).toBe(100_000);
    expect(rx.chunks[0].t).toBeCloseTo(2, 9);
    await wire.close();
  });

  it('with lineRate off and no latency, delivers without the clock moving', async () => {
    const clock = ioClock();
    const wire = new MockWire({ clock, lineRate: false });
    const rx = collect(wire.controllerEnd, clock);
    wire.phoneEnd.write(Uint8Array.of(1, 2, 3));
    await clock.advance(0);
    expect([...rx.all()]).toEqual([1, 2, 3]);
    expect(clock.now()).toBe(0);
    await wire.close();
  });
});

describe('MockWire chunking', () => {
  it('delivers the same bytes in order, in chunks of at most maxChunk', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 64 }),
        fc.integer(),
        async (writes, maxChunk, seed) => {
          const clock = ioClock();
          const wire = new MockWire({ clock, random: new SeededRandom(seed), maxChunk });
          const rx = collect(wire.phoneEnd, clock);
          for (const w of writes) wire.controllerEnd.write(w);
          await clock.advance(1000);
          await wire.close();
          expect(Buffer.from(rx.all()).equals(Buffer.concat(writes))).toBe(true);
          for (const c of rx.chunks) expect(c.bytes.length).toBeLessThanOrEqual(maxChunk);
          expect(wire.stats.controllerToPhone.chunks).toBe(rx.instants().length);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('copies what it is given: the writer may reuse its buffer at once', async () => {
    const clock = ioClock();
    const wire = new MockWire({ clock });
    const rx = collect(wire.controllerEnd, clock);
    const buf = Uint8Array.of(1, 2, 3);
    wire.phoneEnd.write(buf);
    buf.fill(9);
    await clock.advance(10);
    expect([...rx.all()]).toEqual([1, 2, 3]);
    await wire.close();
  });
});

describe('MockWire noise', () => {
  it('flips bits at about the configured rate, and counts every flip', async () => {
    const clock = ioClock();
    const wire = new MockWire({ clock, random: new SeededRandom(7), bitErrorRate: 1e-3, lineRate: false });
    const rx = collect(wire.controllerEnd, clock);
    const data = new SeededRandom(8).bytes(256 * 1024);
    for (let at = 0; at < data.length; at += 1000) wire.phoneEnd.write(data.subarray(at, at + 1000));
    await clock.advance(1);
    expect(rx.total()).toBe(data.length);
    const flipped = bitDistance(rx.all(), data);
    expect(flipped).toBe(wire.stats.phoneToController.bitsFlipped);
    const bits = data.length * 8;
    const mean = bits * 1e-3;
    const sigma = Math.sqrt(bits * 1e-3 * (1 - 1e-3));
    expect(Math.abs(flipped - mean)).toBeLessThan(5 * sigma);
    await wire.close();
  });

  it('drops and duplicates whole SLIP frames at about the configured rates', async () => {
    const clock = ioClock();
    const wire = new MockWire({ clock, random: new SeededRandom(11), dropRate: 0.1, duplicateRate: 0.05 });
    const rx = collect(wire.controllerEnd, clock);
    const count = 3000;
    for (let i = 0; i < count; i++) {
      // END, a body that names the frame in 7-bit bytes (so never 0xC0), END: as the link layer frames them
      wire.phoneEnd.write(Uint8Array.of(0xc0, i >> 7, i & 0x7f, 0x55, 0xc0));
    }
    await clock.advance(count * 5 * BYTE_MS_115200 * 2 + 10);
    const bodies = Buffer.from(rx.all())
      .toString('latin1')
      .split('\xc0')
      .filter((s) => s.length > 0)
      .map((s) => (s.charCodeAt(0) << 7) | s.charCodeAt(1));
    const seen = new Map<number, number>();
    for (const id of bodies) seen.set(id, (seen.get(id) ?? 0) + 1);
    // in order, every frame whole: the ids never go backwards (a duplicate repeats the same id)
    for (let k = 1; k < bodies.length; k++) expect(bodies[k]).toBeGreaterThanOrEqual(bodies[k - 1]);
    const missing = count - seen.size;
    const doubled = [...seen.values()].filter((n) => n === 2).length;
    expect([...seen.values()].every((n) => n === 1 || n === 2)).toBe(true);
    const stats = wire.stats.phoneToController;
    expect(stats.framesDropped).toBe(missing);
    expect(stats.framesDuplicated).toBe(doubled);
    expect(missing).toBeGreaterThan(count * 0.1 - 5 * Math.sqrt(count * 0.1 * 0.9));
    expect(missing).toBeLessThan(count * 0.1 + 5 * Math.sqrt(count * 0.1 * 0.9));
    expect(doubled).toBeGreaterThan(count * 0.05 - 5 * Math.sqrt(count * 0.05 * 0.95));
    expect(doubled).toBeLessThan(count * 0.05 + 5 * Math.sqrt(count * 0.05 * 0.95));
    await wire.close();
  });

  it('decides a frame split across writes once, as a whole', async () => {
    const clock = ioClock();
    const wire = new MockWire({ clock, random: new SeededRandom(5), duplicateRate: 1 });
    const rx = collect(wire.controllerEnd, clock);
    wire.phoneEnd.write(Uint8Array.of(0xc0, 1, 2));
    wire.phoneEnd.write(Uint8Array.of(3, 0xc0));
    await clock.advance(10);
    expect([...rx.all()]).toEqual([0xc0, 1, 2, 3, 0xc0, 1, 2, 3, 0xc0]);
    expect(wire.stats.phoneToController.framesDuplicated).toBe(1);
    await wire.close();
  });

  it('takes new noise settings mid-run', async () => {
    const clock = ioClock();
    const wire = new MockWire({ clock, lineRate: false });
    const rx = collect(wire.controllerEnd, clock);
    wire.phoneEnd.write(new Uint8Array(1000));
    await clock.advance(1);
    wire.configure({ bitErrorRate: 1 });
    wire.phoneEnd.write(new Uint8Array(1000));
    await clock.advance(1);
    const all = rx.all();
    expect(all.subarray(0, 1000).every((b) => b === 0)).toBe(true);
    expect(all.subarray(1000).every((b) => b === 0xff)).toBe(true);
    expect(wire.stats.phoneToController.bitsFlipped).toBe(8000);
    await wire.close();
  });
});

describe('MockWire unplug and replug', () => {
  it('loses bytes in flight and written while out, tells carrier listeners, and carries on after replug', async () => {
    const clock = ioClock();
    const wire = new MockWire({ clock, maxChunk: 10 });
    const rx = collect(wire.controllerEnd, clock);
    const carrier: boolean[] = [];
    wire.onCarrier((up) => carrier.push(up));
    wire.phoneEnd.write(new Uint8Array(1000).fill(1)); // 1000 byte-times on the line
    await clock.advance(500 * BYTE_MS_115200);
    const before = rx.total();
    expect(before).toBeGreaterThan(400);
    expect(before).toBeLessThanOrEqual(500);
    wire.unplug();
    wire.phoneEnd.write(new Uint8Array(300).fill(2));
    wire.controllerEnd.write(new Uint8Array(300).fill(2));
    await clock.advance(1000);
    expect(rx.total()).toBe(before);
    wire.replug();
    wire.phoneEnd.write(new Uint8Array(20).fill(3));
    await clock.advance(1000);
    const all = rx.all();
    expect(all.length).toBe(before + 20);
    expect(all.subarray(before).every((b) => b === 3)).toBe(true);
    expect(all.subarray(0, before).every((b) => b === 1)).toBe(true);
    expect(carrier).toEqual([false, true]);
    expect(wire.stats.phoneToController.bytesLost).toBe(1000 - before + 300);
    expect(wire.stats.controllerToPhone.bytesLost).toBe(300);
    expect(wire.plugged).toBe(true);
    await wire.close();
  });
});

describe('MockWire determinism and fleets', () => {
  async function noisyRun(seed: number): Promise<{ t: number; hex: string }[]> {
    const clock = ioClock();
    const wire = new MockWire({
      clock,
      random: new SeededRandom(seed),
      maxChunk: 50,
      bitErrorRate: 1e-3,
      dropRate: 0.2,
      duplicateRate: 0.2,
      latencyMs: 1,
    });
    const rx = collect(wire.controllerEnd, clock);
    const src = new SeededRandom(99);
    for (let i = 0; i < 200; i++) {
      wire.phoneEnd.write(Uint8Array.of(0xc0, ...src.bytes(20).map((b) => b & 0x7f), 0xc0));
    }
    await clock.advance(10_000);
    await wire.close();
    return rx.chunks.map((c) => ({ t: c.t, hex: Buffer.from(c.bytes).toString('hex') }));
  }

  it('the same seed gives the same arrivals, byte for byte and instant for instant', async () => {
    const a = await noisyRun(42);
    const b = await noisyRun(42);
    const c = await noisyRun(43);
    expect(a.length).toBeGreaterThan(50);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('runs many wires at once, each a cable of its own', async () => {
    const clock = ioClock();
    const wires = Array.from({ length: 100 }, (_, i) => new MockWire({ clock, random: new SeededRandom(i), maxChunk: 64 }));
    const rx = wires.map((w) => ({ c: collect(w.controllerEnd, clock), p: collect(w.phoneEnd, clock) }));
    wires.forEach((w, i) => {
      w.phoneEnd.write(new Uint8Array(300).fill(i));
      w.controllerEnd.write(new Uint8Array(200).fill(255 - i));
    });
    await clock.advance(100);
    wires.forEach((_, i) => {
      expect(rx[i].c.total()).toBe(300);
      expect(rx[i].c.all().every((b) => b === i)).toBe(true);
      expect(rx[i].p.total()).toBe(200);
      expect(rx[i].p.all().every((b) => b === 255 - i)).toBe(true);
    });
    await Promise.all(wires.map((w) => w.close()));
    expect(new Set(wires.map((w) => w.phonePort.path)).size).toBe(100);
  });

  it('leaves no alarm behind once closed, and ignores writes after close', async () => {
    const clock = ioClock();
    const wire = new MockWire({ clock });
    const rx = collect(wire.controllerEnd, clock);
    wire.phoneEnd.write(new Uint8Array(1000));
    await clock.advance(1);
    expect(clock.pending).toBeGreaterThan(0);
    await wire.close();
    expect(clock.pending).toBe(0);
    wire.phoneEnd.write(new Uint8Array(10));
    await clock.advance(1000);
    expect(rx.total()).toBe(0);
    expect(wire.errors).toEqual([]);
  });
});

describe('MockWire options', () => {
  it('refuses a cable that cannot exist', () => {
    const clock = ioClock();
    expect(() => new MockWire({ clock, baud: 0 })).toThrow(/baud/);
    expect(() => new MockWire({ clock, maxChunk: 0 })).toThrow(/maxChunk/);
    const wire = new MockWire({ clock });
    expect(() => wire.configure({ latencyMs: -1 })).toThrow(/latencyMs/);
    void wire.close();
  });
});
