// What a scenario acts on: the phone under test, any other phones it names (`on:`), and, when the link
// has it, the controller at the far end. The runner knows nothing about how the world was built: mock
// wire, pty pair or a device.
import type { HotdeskView } from '../../firmware/hotdesk/view.ts';

export interface ScenarioTarget {
  /** Moves the simulation clock (virtual: jumps; real: waits). Resolves early, true, once `until` holds. */
  advance(ms: number, until?: () => boolean): Promise<boolean>;
  now(): number;
  /** What the phone shows now, one string per display row. */
  display(): string[];
  /**
   * Every display the phone showed, oldest first, from `from` on (an index into the whole history of
   * that phone: each phone of the world numbers its own, so `wait-display` keeps a cursor per phone).
   * Boot messages can come and go within one instant; `wait-display` reads them here so none is missed.
   */
  displaysSince(from: number): { index: number; lines: string[] }[];
  /** Presses a key by its contract name (`0`-`9`, `*`, `#`, `hotdesk`, `key:3`, `pkm1:12`, a softkey label). */
  press(key: string): void;
  /** The cadence a lamp shows now (`off` when it is dark and steady). */
  lamp(key: string): string;
  /** Power: `off`, `on`, or `cycle` (off, a second, on). */
  power(action: 'off' | 'on' | 'cycle'): void;
  /** The firmware the phone runs now and whether that image is confirmed (undefined: none running). */
  firmware(): { version: string; confirmed: boolean } | undefined;
  /** Points the phone-facing calls at a named phone of the world (undefined: the phone under test). */
  select?(name: string | undefined): void;
  /** Acts on the far end; throws an Error with a clear message when the link has no controller. */
  actOnController(action: Record<string, unknown>): Promise<void>;
  /** The hot desk side of the phone (user, keys, controller), undefined until it is in service. */
  hotdesk?(): HotdeskView | undefined;
}
