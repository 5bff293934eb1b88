// Mock serial ports hand data over through promises and process.nextTick, which no virtual clock can
// fake. A VirtualClock built with this settle function lets that I/O finish between instants:
// `new VirtualClock(settleIo)`. One macrotask turn drains every pending tick and microtask.
export const settleIo = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));
