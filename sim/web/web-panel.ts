// `hotdesk sim --web`: the board of every phone and its server, opened before the world is built (so a
// port that is taken fails before anything runs, and the board sees every phone from its first display),
// then attached to the world once it stands, so the page's presses reach its phones.
import type { Clock } from '../../firmware/hal.ts';
import type { World } from '../world.ts';
import { WebBoard } from './board.ts';
import { startWebServer, type WebPanelServer } from './server.ts';

export interface WebPanelOptions {
  clock: Clock;
  realtime: boolean;
  host?: string;
  port?: number;
}

export interface WebPanel {
  readonly board: WebBoard;
  readonly server: WebPanelServer;
  readonly url: string;
  /** Presses from the page go to the world's phones, by name, through Phone.press like any key. */
  attach(world: Pick<World, 'units'>): void;
  close(): Promise<void>;
}

export async function openWebPanel(o: WebPanelOptions): Promise<WebPanel> {
  const board = new WebBoard(o.clock, o.realtime);
  const server = await startWebServer({ board, clock: o.clock, host: o.host, port: o.port });
  return {
    board,
    server,
    url: server.url,
    attach(world) {
      board.connect((phone, key) => {
        const unit = world.units.get(phone);
        if (!unit) throw new Error(`no phone named "${phone}"`);
        unit.phone.press(key);
      });
    },
    close: () => server.close(),
  };
}
