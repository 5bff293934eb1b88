// A world with the web panel on it, as `hotdesk sim --web` builds one, but on the virtual clock so a
// test moves time itself: the board and its server first (port 0), then the world with a panel for
// every phone and the trace feeding the log, then the page's presses wired to the world's phones.
import { VirtualClock } from '../../firmware/clock.ts';
import { parseControllerConfig } from '../../sim/controller/config.ts';
import { TraceWriter } from '../../sim/trace.ts';
import { openWebPanel, type WebPanel } from '../../sim/web/web-panel.ts';
import { settleIo } from '../../sim/wire/settle.ts';
import { World, type WorldOptions } from '../../sim/world.ts';

/** Alice logs in with this PIN; Bob is a hot desk user who never does (Alice's key 2 watches him). */
export const PIN = '8642';
export const CONFIG = {
  users: [
    { ext: '5123', pin: PIN, name: 'Alice Smith', keys: [{ key: 1, type: 'line', dn: '5123' }, { key: 2, type: 'blf', dn: '5124' }] },
    { ext: '5124', pin: '', name: 'Bob Jones' },
  ],
};

export interface WebWorld {
  world: World;
  web: WebPanel;
  /** Runs the simulation until `done` holds (or fails after `ms` of simulated time). */
  until(done: () => boolean, ms?: number, what?: string): Promise<void>;
  /** Moves the simulation to time `t` exactly and tells the pages. */
  advanceTo(t: number): Promise<void>;
  close(): Promise<void>;
}

export async function webWorld(options: Partial<WorldOptions> = {}): Promise<WebWorld> {
  const clock = new VirtualClock(settleIo);
  const web = await openWebPanel({ clock, realtime: false, port: 0 });
  const trace = new TraceWriter(clock);
  trace.addSink(web.board.traceSink);
  const world = await World.build({
    profile: '5340',
    link: { kind: 'mock' },
    clock,
    seed: 7,
    config: parseControllerConfig(CONFIG, 'web-rig'),
    trace,
    panelFor: web.board.panelFor,
    ...options,
  });
  web.attach(world);
  return {
    world,
    web,
    async until(done, ms = 10_000, what = 'the condition') {
      const met = await world.advance(ms, done);
      web.server.sync();
      if (!met) throw new Error(`${what} not within ${ms} ms of simulated time (display: ${world.display().join(' | ')})`);
    },
    async advanceTo(t) {
      await world.advance(t - world.now());
      web.server.sync();
    },
    async close() {
      await web.close();
      await world.close();
    },
  };
}

export const showing = (world: World, text: string) => () => world.display().some((row) => row.includes(text));
