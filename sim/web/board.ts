// The web panel's picture of every phone of the world: one Panel per phone (the world hands each phone's
// display, softkeys, key labels, lamps and masked state to it, as it hands the terminal panel the first
// phone's), the trace's last lines, and the presses the page makes. It keeps the full view of each phone
// so a page that connects late is sent everything at once, then tells its listeners each change.
import type { Clock, Panel } from '../../firmware/hal.ts';
import type { Profile } from '../../firmware/profile.ts';
import { FIXED_KEYS, NAMED_KEYS } from '../scenario/keys.ts';
import type { StampedRecord, TraceSink } from '../trace.ts';
import type { PhoneView, ServerMessage } from './protocol.ts';

/** How many trace records a page that connects is sent first (the log beside the phones). */
export const LOG_KEPT = 200;

/** A phone as the world builds it, as much as the board needs to draw it. */
export interface BoardPhone {
  name: string;
  profile: Profile;
  pkms: readonly Profile[];
  mac: string;
}

export type BoardListener = (message: ServerMessage) => void;

/** What presses a key on a named phone of the world (World.units' phone.press). */
export type PressKey = (phone: string, key: string) => void;

export class WebBoard {
  private readonly views = new Map<string, PhoneView>();
  private readonly log: StampedRecord[] = [];
  private readonly listeners = new Set<BoardListener>();
  private pressKey?: PressKey;

  constructor(
    private readonly clock: Clock,
    /** The simulation runs on wall time: the page may run its own clock on between updates. */
    readonly realtime: boolean,
  ) {}

  /** The Panel for one phone of the world (WorldOptions.panelFor). */
  readonly panelFor = (phone: BoardPhone): Panel => {
    if (this.views.has(phone.name)) throw new Error(`two phones are named "${phone.name}"`);
    const view = newView(phone);
    this.views.set(phone.name, view);
    const name = phone.name;
    return {
      display: (lines) => {
        view.lines = [...lines];
        this.emit({ type: 'display', phone: name, lines: view.lines });
      },
      lamp: (key, cadence, origin) => {
        const lamp = { cadence, origin };
        if (cadence === 'off') delete view.lamps[key];
        else view.lamps[key] = lamp;
        this.emit({ type: 'lamp', phone: name, key, lamp });
      },
      softkeys: (labels) => {
        view.softkeys = [...labels];
        this.emit({ type: 'softkeys', phone: name, labels: view.softkeys });
      },
      keyLabels: (keys) => {
        view.labels = Object.fromEntries(keys.map((k) => [k.key, k.label]));
        this.emit({ type: 'labels', phone: name, labels: view.labels });
      },
      masked: (masked) => {
        if (view.masked === masked) return;
        view.masked = masked;
        this.emit({ type: 'masked', phone: name, masked });
      },
    };
  };

  /** Feeds the log beside the phones (TraceWriter.addSink). */
  readonly traceSink: TraceSink = (record) => {
    this.log.push(record);
    if (this.log.length > LOG_KEPT * 2) this.log.splice(0, this.log.length - LOG_KEPT);
    this.emit({ type: 'trace', record });
  };

  /** Where the page's presses go, once the world is built. */
  connect(press: PressKey): void {
    this.pressKey = press;
  }

  get phoneNames(): string[] {
    return [...this.views.keys()];
  }

  /** Everything a page that just connected needs: every phone's full view and the log so far. */
  hello(): ServerMessage {
    return {
      type: 'hello',
      t: this.clock.now(),
      realtime: this.realtime,
      phones: [...this.views.values()].map((v) => structuredClone(v)),
      log: this.log.slice(-LOG_KEPT),
    };
  }

  subscribe(listener: BoardListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * A key the page pressed on one phone: checked against that phone's model, then pressed. The answer
   * never names a digit that went into a masked entry.
   */
  press(phone: unknown, key: unknown): ServerMessage {
    if (typeof phone !== 'string' || !this.views.has(phone)) {
      return { type: 'refused', message: `no phone named ${JSON.stringify(phone)} (phones: ${this.phoneNames.join(', ')})` };
    }
    const view = this.views.get(phone)!;
    const wrong = keyProblem(view, key);
    if (wrong) return { type: 'refused', phone, message: wrong };
    if (!this.pressKey) return { type: 'refused', phone, message: 'the world is still being built' };
    const name = key as string;
    // what the answer and the log may say about this key: the status line echoes no PIN digit
    const shown = view.masked && /^[0-9]$/.test(name) ? 'masked' : name;
    try {
      this.pressKey(phone, name);
    } catch (err) {
      return { type: 'refused', phone, message: `${shown}: ${err instanceof Error ? err.message : String(err)}` };
    }
    view.presses++;
    this.hook(view, name);
    return { type: 'pressed', phone, key: shown, presses: view.presses };
  }

  /** The handset's place follows the hook keys the page pressed (the firmware keeps no cradle). */
  private hook(view: PhoneView, key: string): void {
    const offhook = key === 'offhook' ? true : key === 'onhook' ? false : view.offhook;
    if (offhook === view.offhook) return;
    view.offhook = offhook;
    this.emit({ type: 'hook', phone: view.name, offhook });
  }

  private emit(message: ServerMessage): void {
    for (const listener of [...this.listeners]) listener(message);
  }
}

function newView(phone: BoardPhone): PhoneView {
  const p = phone.profile;
  return {
    name: phone.name,
    model: p.id,
    modelName: p.name,
    kind: p.kind,
    node: `phone:${phone.mac}`,
    rows: p.display.rows,
    columns: p.display.columns,
    programmableKeys: p.programmableKeys,
    softkeyCount: p.softkeys,
    lampKind: p.lampKind,
    fixedKeys: FIXED_KEYS.filter((k) => k !== 'alarm' || p.kind === 'handset'),
    pkms: phone.pkms.map((m) => ({ model: m.id, name: m.name, keys: m.programmableKeys })),
    cadences: structuredClone(p.cadences) as PhoneView['cadences'],
    lines: [],
    softkeys: [],
    labels: {},
    lamps: {},
    masked: false,
    offhook: false,
    presses: 0,
  };
}

/** Why this phone has no such key (the contract's names, docs/design.md "Scenarios"), or undefined. */
export function keyProblem(view: PhoneView, key: unknown): string | undefined {
  if (typeof key !== 'string' || key.length === 0 || key.length > 16) return 'a key is named by a short string (0-9, *, #, hotdesk, key:3, ...)';
  if (key === 'alarm') return view.kind === 'handset' ? undefined : `alarm: the ${view.model} has no Alarm key (the 56xx handsets do)`;
  if (NAMED_KEYS.includes(key)) return undefined;
  const desk = /^key:([1-9]\d*)$/.exec(key);
  if (desk) return Number(desk[1]) <= view.programmableKeys ? undefined : `${key}: the ${view.model} has ${view.programmableKeys ? `programmable keys 1-${view.programmableKeys}` : 'no programmable keys'}`;
  const pkm = /^pkm([1-9]\d*):([1-9]\d*)$/.exec(key);
  if (pkm) {
    const module = view.pkms[Number(pkm[1]) - 1];
    if (!module) return `${key}: ${view.name} has ${view.pkms.length ? `key modules pkm1-pkm${view.pkms.length}` : 'no key modules'}`;
    return Number(pkm[2]) <= module.keys ? undefined : `${key}: pkm${pkm[1]} (a ${module.model}) has keys 1-${module.keys}`;
  }
  // a run of digits is never echoed: whatever was typed there could be a PIN
  return `unknown key ${JSON.stringify(key.replace(/[0-9]{3,}/g, '...'))} (0-9, *, #, ${FIXED_KEYS.join(', ')}, a softkey, key:N, pkmM:N)`;
}
