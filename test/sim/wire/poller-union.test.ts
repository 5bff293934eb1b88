import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { installPollerUnion, UV_DISCONNECT, UV_READABLE, UV_WRITABLE } from '../../../sim/wire/poller-union.ts';

/** Shaped like bindings-cpp's JS Poller: once() asks the native side to poll, then listens. */
class FakePoller extends EventEmitter {
  readonly nativePolls: number[] = [];
  poll(flag = 0): void {
    this.nativePolls.push(flag);
  }
  override once(event: string, listener: (...args: unknown[]) => void): this {
    if (event === 'readable') this.poll(UV_READABLE);
    if (event === 'writable') this.poll(UV_WRITABLE);
    if (event === 'disconnect') this.poll(UV_DISCONNECT);
    return super.once(event, listener);
  }
}

describe('installPollerUnion', () => {
  it('keeps a pending writable interest when a read starts (the bindings-cpp bug)', () => {
    const poller = new FakePoller();
    const stats = installPollerUnion(poller)!;
    poller.once('writable', () => {});
    poller.once('readable', () => {});
    expect(poller.nativePolls).toEqual([UV_WRITABLE, UV_READABLE | UV_WRITABLE]);
    expect(stats).toEqual({ polls: 2, widened: 1 });
  });

  it('drops interests once their listeners have been served', () => {
    const poller = new FakePoller();
    installPollerUnion(poller);
    poller.once('readable', () => {});
    poller.once('disconnect', () => {});
    poller.emit('readable', null);
    poller.once('writable', () => {});
    expect(poller.nativePolls).toEqual([UV_READABLE, UV_READABLE | UV_DISCONNECT, UV_WRITABLE | UV_DISCONNECT]);
  });

  it('wraps a poller only once', () => {
    const poller = new FakePoller();
    expect(installPollerUnion(poller)).toBeDefined();
    expect(installPollerUnion(poller)).toBeUndefined();
    poller.once('writable', () => {});
    expect(poller.nativePolls).toEqual([UV_WRITABLE]);
  });
});
