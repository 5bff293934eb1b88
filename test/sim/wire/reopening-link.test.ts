// The reopening link with a fake port opener and fake timers: one line when lost, backoff, one line
// when back, the same ByteLink throughout, writes dropped while gone, and the give-up.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openReopeningSerialLink, REOPEN_FIRST_MS, REOPEN_MAX_MS } from '../../../sim/wire/reopening-link.ts';
import type { SerialLink, SerialLinkStats } from '../../../sim/wire/serial-link.ts';

class FakePort {
  written: number[] = [];
  receiver?: (b: Uint8Array) => void;
  closeListener?: (err: Error | null) => void;
  closed = false;
  link(): SerialLink {
    const stats: SerialLinkStats = { bytesWritten: 0, bytesRead: 0, bytesQueued: 0, peakQueued: 0, bytesDropped: 0, writes: 0, polls: 0, pollsWidened: 0 };
    return {
      path: '/dev/fake',
      port: undefined as never,
      pollerPatched: true,
      get stats() {
        return stats;
      },
      write: (b) => {
        this.written.push(...b);
        stats.bytesWritten += b.length;
      },
      onData: (r) => (this.receiver = r),
      onClose: (l) => (this.closeListener = l),
      close: async () => {
        this.closed = true;
      },
    };
  }
}

describe('ReopeningSerialLink', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('reopens with doubling backoff, one line lost and one back, and the same receiver gets the new port', async () => {
    const ports: FakePort[] = [];
    const attempts: number[] = [];
    let available = true;
    const lines: string[] = [];
    const onGone = vi.fn();
    const link = await openReopeningSerialLink('/dev/fake', {
      watchPath: false, // a fake port has no device node to watch
      log: (l) => lines.push(l),
      onGone,
      giveUpMs: 60_000,
      open: async () => {
        attempts.push(Date.now());
        if (!available) throw new Error('cannot open serial port /dev/fake: ENOENT');
        const p = new FakePort();
        ports.push(p);
        return p.link();
      },
    });
    const got: number[] = [];
    link.onData((b) => got.push(...b));
    link.write(Uint8Array.of(1));
    ports[0].receiver!(Uint8Array.of(9));

    available = false;
    const t0 = Date.now();
    ports[0].closeListener!(new Error('bad file descriptor'));
    expect(lines).toEqual(['port /dev/fake lost (bad file descriptor); reopening']);
    expect(ports[0].closed).toBe(true);
    link.write(Uint8Array.of(2, 3)); // no port: dropped, not queued
    await vi.advanceTimersByTimeAsync(10_000);
    const waits = attempts.slice(1).map((t, i) => t - (i === 0 ? t0 : attempts[i]));
    expect(waits.slice(0, 6)).toEqual([REOPEN_FIRST_MS, 200, 400, 800, 1600, REOPEN_MAX_MS]);

    available = true;
    await vi.advanceTimersByTimeAsync(REOPEN_MAX_MS);
    expect(lines).toEqual(['port /dev/fake lost (bad file descriptor); reopening', 'port /dev/fake back']);
    expect(link.state).toBe('up');
    link.write(Uint8Array.of(4));
    ports[1].receiver!(Uint8Array.of(8));
    expect(ports[1].written).toEqual([4]);
    expect(got).toEqual([9, 8]);
    expect(link.stats).toMatchObject({ bytesWritten: 2, droppedWhileDown: 2, bytesDropped: 2, losses: 1, reopens: 1 });

    // a late event from the old port changes nothing
    ports[0].receiver!(Uint8Array.of(7));
    expect(got).toEqual([9, 8]);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(onGone).not.toHaveBeenCalled();
    await link.close();
    expect(ports[1].closed).toBe(true);
  });

  it('gives up once after giveUpMs and stops trying', async () => {
    let opened = false;
    let attempts = 0;
    let port: FakePort | undefined;
    const gone: Error[] = [];
    const link = await openReopeningSerialLink('/dev/fake', {
      watchPath: false, // a fake port has no device node to watch
      log: () => {},
      onGone: (e) => gone.push(e),
      giveUpMs: 1500,
      open: async () => {
        attempts++;
        if (opened) throw new Error('cannot open serial port /dev/fake: No such file or directory');
        opened = true;
        port = new FakePort();
        return port.link();
      },
    });
    port!.closeListener!(null);
    await vi.advanceTimersByTimeAsync(1499);
    expect(gone).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(gone.map((e) => e.message)).toEqual(['port /dev/fake lost and not back within 1500 ms (No such file or directory)']);
    expect(link.state).toBe('gone');
    const tried = attempts;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(attempts).toBe(tried);
    expect(gone).toHaveLength(1);
  });
});
