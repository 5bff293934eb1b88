// Idle link memory: heap and off-heap deltas over many instances after forced GC, for bare NetStacks
// over a null ByteLink, for mock wires with a NetStack at each end, and for the serialport mock
// streams alone (which is where an idle mock wire's memory goes).
import { SerialPortMock } from 'serialport';
import { VirtualClock } from '../firmware/clock.ts';
import type { ByteLink } from '../firmware/hal.ts';
import { NetStack } from '../firmware/link/stack.ts';
import { MockWire } from '../sim/wire/mock-wire.ts';
import { memoryNow } from './gc.ts';
import { passFail, type BenchOptions, type Table, type Verdict } from './harness.ts';

export const TARGET_IDLE_LINK_BYTES = 64 * 1024;
const KIB = 1024;

const nullLink: ByteLink = { write() {}, onData() {} };

function mac(prefix: number, i: number): string {
  const hex = (n: number) => (n & 0xff).toString(16).padStart(2, '0');
  return `02:00:${hex(prefix)}:${hex(i >> 16)}:${hex(i >> 8)}:${hex(i)}`;
}

interface Footprint {
  heap: number;
  external: number;
}

/** Heap and off-heap bytes per instance that `build(i)` leaves reachable, over `n` instances. */
async function footprint<T>(n: number, build: (i: number) => Promise<T>, dispose: (all: T[]) => Promise<void>): Promise<Footprint> {
  // one instance first, dropped: lazily compiled code and first-use caches are not per-instance costs
  await dispose([await build(-1)]);
  const kept: T[] = [];
  const before = await memoryNow();
  for (let i = 0; i < n; i++) kept.push(await build(i));
  const after = await memoryNow();
  await dispose(kept);
  return { heap: (after.heapUsed - before.heapUsed) / n, external: (after.external - before.external) / n };
}

export async function measureIdleMemory(opts: BenchOptions): Promise<{ table: Table; verdicts: Verdict[] }> {
  const n = opts.quick ? 50 : 200;
  const clock = new VirtualClock();
  const bare = await footprint(
    n,
    async (i) => new NetStack({ mac: mac(1, i + 2), link: nullLink, clock, ip: '10.0.0.2' }),
    async (all) => all.forEach((s) => s.close()),
  );
  const linked = await footprint(
    n,
    async (i) => {
      const wire = new MockWire({ clock, lineRate: false });
      await wire.ready;
      const phone = new NetStack({ mac: mac(2, i + 2), link: wire.phoneEnd, clock, ip: '10.0.0.2' });
      const router = new NetStack({ mac: mac(3, i + 2), link: wire.controllerEnd, clock, ip: '10.0.0.1', mode: 'router' });
      return { wire, phone, router };
    },
    async (all) => {
      for (const l of all) {
        l.phone.close();
        l.router.close();
        await l.wire.close();
      }
    },
  );
  // What the suggested fix would buy: the same pair of mock port streams with a 4 KiB highWaterMark.
  const portPair = (highWaterMark: number | undefined) =>
    footprint(
      n,
      async (i) => {
        const paths = ['a', 'b'].map((end) => `/dev/hotdesk-bench-${process.pid}-${highWaterMark}-${i}-${end}`);
        for (const path of paths) SerialPortMock.binding.createPort(path);
        const ports = paths.map((path) => new SerialPortMock({ path, baudRate: 115200, ...(highWaterMark ? { highWaterMark } : {}) }));
        await Promise.all(ports.map((p) => new Promise((resolve) => p.once('open', resolve))));
        return ports;
      },
      async (all) => {
        for (const p of all.flat()) await new Promise((resolve) => p.close(resolve));
      },
    );
  const defaultPorts = await portPair(undefined);
  const smallPorts = await portPair(4096);
  const total = (f: Footprint) => f.heap + f.external;
  const verdicts: Verdict[] = [
    { target: `bare NetStack pair (both ends of a link, no wire) < ${TARGET_IDLE_LINK_BYTES / KIB} KiB`, pass: 2 * total(bare) < TARGET_IDLE_LINK_BYTES },
    { target: `idle link over the mock wire (wire + both stacks) < ${TARGET_IDLE_LINK_BYTES / KIB} KiB`, pass: total(linked) < TARGET_IDLE_LINK_BYTES },
  ];
  const row = (name: string, f: Footprint, times = 1) => [
    name,
    (times * f.heap) / KIB,
    (times * f.external) / KIB,
    (times * total(f)) / KIB,
    (times * total(f)) / TARGET_IDLE_LINK_BYTES,
  ];
  const table: Table = {
    title: `idle link memory: ${n} instances each, heap deltas after forced GC (KiB per instance)`,
    columns: ['instance', 'heap KiB', 'off-heap KiB', 'total KiB', 'x 64 KiB target'],
    rows: [
      row('NetStack over a null ByteLink (one end)', bare),
      row('NetStack pair (both ends, no wire)', bare, 2),
      row('mock wire + phone and router NetStacks', linked),
      row('  of which the wire and its serialport streams', { heap: linked.heap - 2 * bare.heap, external: linked.external - 2 * bare.external }),
      row('two SerialPortMock streams, default highWaterMark', defaultPorts),
      row('two SerialPortMock streams, highWaterMark 4 KiB', smallPorts),
    ],
    notes: [
      'off-heap = Buffer backing stores: the SLIP decoder\'s frame buffer (1,526 B) per stack; each SerialPortMock',
      "stream preallocates a read pool of its highWaterMark (serialport's default 64 KiB), two per wire:",
      'passing highWaterMark: 4096 to the SerialPortMock streams in sim/wire/mock-wire.ts would save the difference per link.',
      ...verdicts.map((v) => `${passFail(v.pass)}  ${v.target}`),
    ],
  };
  return { table, verdicts };
}
