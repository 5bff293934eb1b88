// Works around a bug in @serialport/bindings-cpp's unix poller (13.0.0, src/poller.cpp, Poller::poll):
// it records the new interest in `this->events` but then calls
//   uv_poll_start(handle, events, ...)        // only the NEW events, not this->events
// and uv_poll_start REPLACES the handle's interest set. So when a write got EAGAIN and is waiting for
// 'writable', and the reader then hits EAGAIN and polls for 'readable', libuv stops watching for
// 'writable': the write never resumes. It shows when bulk data flows both ways on a pty at once.
//
// The fix at the edge: the JS Poller (dist/poller.js) funnels every request through `poll(flag)`, and
// its `once(event)` calls `poll` just before adding the listener. We wrap `poll` on the instance so it
// always asks for the union of the new flag and every event that still has a listener waiting. The
// native side re-arms from its own (cumulative) set after an event fires, so only JS-initiated polls
// can narrow the set, and those all pass through here.

/** libuv's poll flags, as dist/poller.js names them (EVENTS). */
export const UV_READABLE = 0b0001;
export const UV_WRITABLE = 0b0010;
export const UV_DISCONNECT = 0b0100;

/** The part of bindings-cpp's JS Poller this touches. */
export interface PollerLike {
  poll(eventFlag?: number): void;
  listenerCount(event: string): number;
}

export interface PollerUnionStats {
  /** Polls that went through the wrapper. */
  polls: number;
  /** Polls the wrapper widened: each one is a request the unpatched binding would have narrowed. */
  widened: number;
}

const installed = Symbol('hotdesk.pollerUnion');

/** Wraps `poller.poll` in place; returns the counters, or undefined if it is already wrapped. */
export function installPollerUnion(poller: PollerLike): PollerUnionStats | undefined {
  const p = poller as PollerLike & { [installed]?: true };
  if (p[installed]) return undefined;
  const stats: PollerUnionStats = { polls: 0, widened: 0 };
  const original = poller.poll.bind(poller);
  poller.poll = (eventFlag = 0) => {
    let flag = eventFlag;
    if (poller.listenerCount('readable') > 0) flag |= UV_READABLE;
    if (poller.listenerCount('writable') > 0) flag |= UV_WRITABLE;
    if (poller.listenerCount('disconnect') > 0) flag |= UV_DISCONNECT;
    stats.polls++;
    if (flag !== eventFlag) stats.widened++;
    original(flag);
  };
  p[installed] = true;
  return stats;
}
