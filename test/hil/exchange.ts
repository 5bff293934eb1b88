// Both ends of a real pty pair write the same amount AT THE SAME TIME, in writes of varied sizes, and
// each must receive exactly what the other sent. Waiting is on real I/O, bounded by a stall watchdog
// (no progress for `stallMs`), never a fixed sleep.
import { SeededRandom } from '../../firmware/random.ts';
import type { SerialLink } from '../../sim/wire/serial-link.ts';

export interface ExchangeResult {
  stalled: boolean;
  aGotBtoA: boolean; // a received exactly what b sent
  bGotAtoB: boolean;
  received: [number, number];
}

export async function exchange(a: SerialLink, b: SerialLink, bytes: number, seed: number, stallMs = 5000): Promise<ExchangeResult> {
  const rnd = new SeededRandom(seed);
  const fromA = rnd.bytes(bytes);
  const fromB = rnd.bytes(bytes);
  const atA: Buffer[] = [];
  const atB: Buffer[] = [];
  let nA = 0;
  let nB = 0;
  const stalled = await new Promise<boolean>((settle) => {
    let seen = -1;
    const watchdog = setInterval(() => {
      if (nA + nB === seen) finish(true);
      seen = nA + nB;
    }, stallMs);
    const finish = (stall: boolean) => {
      clearInterval(watchdog);
      settle(stall);
    };
    const check = () => {
      if (nA >= bytes && nB >= bytes) finish(false);
    };
    a.onData((d) => {
      atA.push(Buffer.from(d));
      nA += d.length;
      check();
    });
    b.onData((d) => {
      atB.push(Buffer.from(d));
      nB += d.length;
      check();
    });
    // interleaved, in one go: both directions are loaded from the first instant
    for (let at = 0; at < bytes; ) {
      const n = Math.min(rnd.int(1, 4096), bytes - at);
      a.write(fromA.subarray(at, at + n));
      b.write(fromB.subarray(at, at + n));
      at += n;
    }
  });
  return {
    stalled,
    aGotBtoA: Buffer.concat(atA).equals(Buffer.from(fromB)),
    bGotAtoB: Buffer.concat(atB).equals(Buffer.from(fromA)),
    received: [nA, nB],
  };
}
