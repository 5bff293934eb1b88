// The link's promise on real I/O: over a socat pty pair with the REAL serial binding (openSerialLink),
// a host NetStack and a router NetStack exchange 10,000 UDP datagrams in BOTH directions AT ONCE, and
// every one arrives, in order, byte for byte: 20 runs out of 20. Real time, so waiting is on I/O with
// a stall watchdog (no progress for STALL_MS), never a fixed sleep and never a timing assertion.
//
// No window bounds the sender: each side hands all 10,000 datagrams to its stack in one go, as fast as
// the stack takes them. The serial link's write queue absorbs the burst (about 1 MB, far below its
// 16 MiB bound, asserted: nothing refused) and drains it as fast as the pty takes it; the pty's own
// flow control holds the writer back when the reader lags, so nothing needs bounding in the test.
import { afterEach, describe, expect, it } from 'vitest';
import { NetStack, type Datagram } from '../../firmware/link/stack.ts';
import { SeededRandom } from '../../firmware/random.ts';
import { RealClock } from '../../sim/real-clock.ts';
import { makePtyPair, type PtyPair } from '../../sim/wire/pty.ts';
import { openSerialLink, type SerialLink } from '../../sim/wire/serial-link.ts';

const DATAGRAMS = 10_000;
const RUNS = 20;
const STALL_MS = 5_000;
const HOST = { mac: '02:00:00:00:00:01', ip: '10.0.0.2', port: 5000 };
const ROUTER = { mac: '02:00:00:00:00:fe', ip: '10.0.0.1', port: 6800 };

/** Datagram `seq` of a run and direction: 32 to 64 bytes, starting with seq (32-bit BE), then random. */
function payloadsFor(seed: number): Uint8Array[] {
  const rnd = new SeededRandom(seed);
  return Array.from({ length: DATAGRAMS }, (_, seq) => {
    const p = rnd.bytes(rnd.int(32, 64));
    new DataView(p.buffer, p.byteOffset).setUint32(0, seq);
    return p;
  });
}

/** Checks each arrival against what was sent, as it comes: in order, intact. */
class Receiver {
  next = 0;
  readonly faults: string[] = [];
  constructor(private readonly expected: readonly Uint8Array[]) {}

  take(d: Datagram): void {
    const p = d.payload;
    const seq = p.length >= 4 ? new DataView(p.buffer, p.byteOffset).getUint32(0) : -1;
    if (seq !== this.next) this.faults.push(`expected #${this.next}, got #${seq}`);
    else if (!Buffer.from(p).equals(this.expected[seq])) this.faults.push(`#${seq} corrupted`);
    this.next = seq + 1;
  }
}

interface Rig {
  pair: PtyPair;
  hostLink: SerialLink;
  routerLink: SerialLink;
  host: NetStack;
  router: NetStack;
  clock: RealClock;
}

let open: Rig | undefined;

afterEach(async () => {
  if (open) await closeRig(open);
  open = undefined;
});

async function closeRig(r: Rig): Promise<void> {
  r.host.close();
  r.router.close();
  r.clock.stopAll();
  await r.hostLink.close();
  await r.routerLink.close();
  await r.pair.close();
}

function nonZero(s: NetStack): string {
  return JSON.stringify(Object.fromEntries(Object.entries(s.counters.drops).filter(([, n]) => n > 0)));
}

/** Resolves when `done()` holds, or with 'stalled' when `progress()` stays put for STALL_MS. */
function waitFor(done: () => boolean, progress: () => number): Promise<'done' | 'stalled'> {
  return new Promise((resolve) => {
    let seen = -1;
    const poll = setInterval(() => {
      if (done()) finish('done');
    }, 5);
    const watchdog = setInterval(() => {
      const now = progress();
      if (now === seen) finish('stalled');
      seen = now;
    }, STALL_MS);
    const finish = (how: 'done' | 'stalled') => {
      clearInterval(poll);
      clearInterval(watchdog);
      resolve(how);
    };
  });
}

async function oneRun(run: number): Promise<{ ms: number; outcome: string }> {
  const pair = await makePtyPair();
  const clock = new RealClock();
  const hostLink = await openSerialLink(pair.a);
  const routerLink = await openSerialLink(pair.b);
  const host = new NetStack({ mac: HOST.mac, link: hostLink, clock, ip: HOST.ip, traceFrames: false });
  const router = new NetStack({ mac: ROUTER.mac, link: routerLink, clock, ip: ROUTER.ip, mode: 'router', traceFrames: false });
  open = { pair, hostLink, routerLink, host, router, clock };

  const up = payloadsFor(run * 2 + 1);
  const down = payloadsFor(run * 2 + 2);
  // warm-up: the host resolves the router by ARP, the router learns the host from the datagram
  let greeted = false;
  const unbindHello = router.bind(ROUTER.port, () => (greeted = true));
  host.sendUdp({ dstIp: ROUTER.ip, dstPort: ROUTER.port, srcPort: HOST.port, payload: Uint8Array.of(1) });
  expect(await waitFor(() => greeted, () => Number(greeted))).toBe('done');
  unbindHello();

  const atRouter = new Receiver(up);
  const atHost = new Receiver(down);
  router.bind(ROUTER.port, (d) => atRouter.take(d));
  host.bind(HOST.port, (d) => atHost.take(d));
  const start = performance.now();
  // both directions loaded from the first instant, interleaved
  for (let seq = 0; seq < DATAGRAMS; seq++) {
    host.sendUdp({ dstIp: ROUTER.ip, dstPort: ROUTER.port, srcPort: HOST.port, payload: up[seq] });
    router.sendUdp({ dstIp: HOST.ip, dstPort: HOST.port, srcPort: ROUTER.port, payload: down[seq] });
  }
  const how = await waitFor(
    () => atRouter.next >= DATAGRAMS && atHost.next >= DATAGRAMS,
    () => atRouter.next + atHost.next + host.counters.dropped + router.counters.dropped,
  );
  const ms = performance.now() - start;

  const faults = [...atRouter.faults.map((f) => `host->router ${f}`), ...atHost.faults.map((f) => `router->host ${f}`)];
  const drops = { host: host.counters.dropped, router: router.counters.dropped };
  const refused = hostLink.stats.bytesDropped + routerLink.stats.bytesDropped;
  const ok = how === 'done' && faults.length === 0 && drops.host === 0 && drops.router === 0 && refused === 0;
  const outcome = ok
    ? 'ok'
    : `run ${run}: ${how}, ${atRouter.next}/${atHost.next} arrived, drops ${JSON.stringify(drops)} ` +
      `(${nonZero(host)} / ${nonZero(router)}), ${refused} bytes refused, faults: ${faults.slice(0, 3).join('; ')}`;
  await closeRig(open);
  open = undefined;
  return { ms, outcome };
}

describe('10,000 UDP datagrams each way at once, host <-> router NetStacks over a real pty pair', () => {
  it(`arrive in order and intact, with nothing dropped: ${RUNS} runs out of ${RUNS}`, async () => {
    const outcomes: string[] = [];
    const durations: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const r = await oneRun(run);
      outcomes.push(r.outcome);
      durations.push(r.ms);
    }
    if (process.env.HOTDESK_HIL_REPORT) {
      console.log(`datagram stress: ${RUNS} runs, ms each: ${durations.map((d) => Math.round(d)).join(' ')}`);
    }
    expect(outcomes.filter((o) => o !== 'ok')).toEqual([]);
  }, 150_000);
});
