// Link throughput: 512-byte UDP datagrams through the WHOLE stack (NetStack encode, FCS, SLIP, mock
// wire bytes with the line-rate model off, decode, delivery), one direction and both at once, as a
// ratio to copying 512-byte buffers into a preallocated ring, interleaved in the same run. The same
// stacks over a direct in-memory link show what the serialport mock streams cost on top.
import { SeededRandom } from '../firmware/random.ts';
import { fmt, interleavedRates, median, passFail, type BenchOptions, type Table, type Verdict } from './harness.ts';
import { buildRig, pump, type Direction, type LinkRig } from './link-rig.ts';

export const PAYLOAD_BYTES = 512;
/** On one core: node is single threaded, so one core is all a run ever gets. */
export const TARGET_DATAGRAMS_PER_SECOND = 20_000;

/** The baseline: the least any link could do with a datagram, copy its bytes once into a ring. */
export function copyIntoRing(count: number, src: Uint8Array, ring: Uint8Array): number {
  const slots = Math.floor(ring.length / src.length);
  for (let i = 0; i < count; i++) ring.set(src, (i % slots) * src.length);
  return count;
}

interface Subject {
  name: string;
  run: () => number | Promise<number>;
}

export async function measureThroughput(opts: BenchOptions): Promise<{ table: Table; verdicts: Verdict[] }> {
  const count = opts.quick ? 2_000 : 20_000;
  const rounds = opts.quick ? 2 : 5;
  // Firmware images and voice look random: random bytes give SLIP its real escape rate (2 in 256).
  const payload = new SeededRandom(512).bytes(PAYLOAD_BYTES);
  const ring = new Uint8Array(PAYLOAD_BYTES * 256);
  const wire = await buildRig('mock-wire');
  const direct = await buildRig('direct');
  const through = (rig: LinkRig, dirs: Direction[]) => () => pump(rig, dirs, count, payload);
  const subjects: Subject[] = [
    { name: 'baseline: copy 512 B into a ring', run: () => copyIntoRing(count * 20, payload, ring) },
    { name: 'mock wire, phone -> router', run: through(wire, ['up']) },
    { name: 'mock wire, both directions at once', run: through(wire, ['up', 'down']) },
    { name: 'direct link, phone -> router', run: through(direct, ['up']) },
    { name: 'direct link, both directions at once', run: through(direct, ['up', 'down']) },
  ];
  try {
    // one untimed round first: the JIT compiles the hot paths before anything counts
    await interleavedRates(subjects, 1);
    const rates = await interleavedRates(subjects, rounds);
    const rate = (name: string) => median(rates.get(name)!);
    const baseline = rate(subjects[0].name);
    const dropped = [wire, direct].reduce((n, r) => n + r.phone.counters.dropped + r.router.counters.dropped, 0);
    const rows = subjects.map((s) => {
      const r = rate(s.name);
      return [s.name, r, (r * PAYLOAD_BYTES) / 1e6, r / baseline];
    });
    const one = rate(subjects[1].name);
    const both = rate(subjects[2].name);
    const verdicts: Verdict[] = [
      { target: `whole stack over the mock wire, one direction >= ${fmt(TARGET_DATAGRAMS_PER_SECOND)} datagrams/s`, pass: one >= TARGET_DATAGRAMS_PER_SECOND },
      { target: `whole stack over the mock wire, both directions >= ${fmt(TARGET_DATAGRAMS_PER_SECOND)} datagrams/s`, pass: both >= TARGET_DATAGRAMS_PER_SECOND },
      { target: 'no datagram dropped by either stack', pass: dropped === 0 },
    ];
    const table: Table = {
      title: `link throughput: ${PAYLOAD_BYTES}-byte UDP payloads, NetStack host <-> router, line-rate model off (median of ${rounds} interleaved rounds, ${fmt(count)} datagrams per direction each)`,
      columns: ['subject', 'datagrams/s', 'payload MB/s', 'x baseline'],
      rows,
      notes: [
        `mock wire / direct link = ${fmt(one / rate(subjects[3].name))} one way, ${fmt(both / rate(subjects[4].name))} both ways (the cost of the serialport mock streams)`,
        `both directions / one direction = ${fmt(both / one)} (one core does both stacks' work)`,
        ...verdicts.map((v) => `${passFail(v.pass)}  ${v.target}`),
      ],
    };
    return { table, verdicts };
  } finally {
    await wire.close();
    await direct.close();
  }
}
