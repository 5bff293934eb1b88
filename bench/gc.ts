// A forced garbage collection for memory benchmarks. `npm run bench` starts node through bin/run-ts.js,
// so `--expose-gc` cannot be passed on the command line; V8 takes the flag at run time, and a fresh
// context created after that sees `gc` as a global.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | undefined;

function gcFunction(): () => void {
  if (collect) return collect;
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return (collect = existing);
  setFlagsFromString('--expose-gc');
  collect = runInNewContext('gc') as () => void;
  return collect;
}

/** Collects until the heap stops shrinking (weak references and finalizers take a few passes). */
export async function settleHeap(): Promise<void> {
  const gc = gcFunction();
  let last = Infinity;
  for (let i = 0; i < 10; i++) {
    gc();
    // let finalizers and any pending I/O callbacks run, then collect what they released
    await new Promise<void>((resolve) => setImmediate(resolve));
    const used = process.memoryUsage().heapUsed;
    if (used >= last) break;
    last = used;
  }
}

export interface MemorySample {
  heapUsed: number;
  /** Memory outside the JS heap (Buffers' backing stores), which a serial port's read pool uses. */
  external: number;
}

export async function memoryNow(): Promise<MemorySample> {
  await settleHeap();
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, external: m.external };
}
