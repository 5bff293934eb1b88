// What the web panel's socket carries (docs/design.md "Web panel"). The server sends arrays of these,
// each array one turn of the event loop: first a `hello` with every phone's full view, then changes.
// Everything here is what the phone itself shows a person: display rows come already masked by the
// firmware, and a digit pressed into a masked entry is echoed as `masked`, never as itself.
import type { CadenceTable } from '../../firmware/profile.ts';
import type { StampedRecord } from '../trace.ts';

/** One lamp: the cadence it blinks to and the simulation time its blinking counts from. */
export interface LampView {
  cadence: string;
  origin: number;
}

/** A key module attached to a set: its model and how many keys (`pkmM:1` to `pkmM:N`). */
export interface PkmView {
  model: string;
  name: string;
  keys: number;
}

/** Everything the page needs to draw one phone as a person sees it. */
export interface PhoneView {
  name: string;
  model: string;
  modelName: string;
  kind: 'desk' | 'handset' | 'pkm';
  /** The trace's node for this phone (`phone:<mac>`), so the log can say which phone a line is about. */
  node: string;
  rows: number;
  columns: number;
  /** Keys `key:1` to `key:N`. */
  programmableKeys: number;
  /** Softkey positions under the display. */
  softkeyCount: number;
  lampKind: string;
  /** The fixed keys this model has, by contract name (`hotdesk`, `hold`, ...). */
  fixedKeys: string[];
  pkms: PkmView[];
  /** The model's cadences: the page works out each lamp's blinking itself from these. */
  cadences: CadenceTable;
  lines: string[];
  softkeys: string[];
  labels: Record<string, string>;
  lamps: Record<string, LampView>;
  /** A masked entry (the PIN) has the screen. */
  masked: boolean;
  /** The handset is off its cradle (the panel's own record of the hook presses it made). */
  offhook: boolean;
  /** Presses this phone took from the page, so a page (or a test) can tell its press arrived. */
  presses: number;
}

export type ServerMessage =
  | { type: 'hello'; t: number; realtime: boolean; phones: PhoneView[]; log: StampedRecord[] }
  | { type: 'display'; phone: string; lines: string[] }
  | { type: 'softkeys'; phone: string; labels: string[] }
  | { type: 'labels'; phone: string; labels: Record<string, string> }
  | { type: 'lamp'; phone: string; key: string; lamp: LampView }
  | { type: 'masked'; phone: string; masked: boolean }
  | { type: 'hook'; phone: string; offhook: boolean }
  | { type: 'trace'; record: StampedRecord }
  /** The simulation clock now; every batch ends with one. */
  | { type: 'time'; t: number }
  /** A press the phone took; `key` is `masked` for a digit going into a masked entry. */
  | { type: 'pressed'; phone: string; key: string; presses: number }
  | { type: 'refused'; phone?: string; message: string };

/** What the page sends: a key pressed on a phone, by its contract name. */
export interface PressMessage {
  type: 'press';
  phone: string;
  key: string;
}
