// The lamps of one phone: desk keys ('key:3') and key-module keys ('pkm1:12'). A lamp is only a cadence
// name and a phase origin; whether it is lit at any moment is computed (cadence.ts), so lamps cost
// nothing while no one looks. Someone who wants every blink as it happens (--trace-lamps, a real-time
// panel) asks watchToggles, and only then does the bank set a clock alarm: one at a time, for the
// earliest next change across all lamps.
import type { Clock, Panel, TimerId, Tracer } from '../hal.ts';
import { FIXED_CADENCES, type Cadence, type CadenceTable } from '../profile.ts';
import { lampState, togglesBetween, type LampState } from './cadence.ts';
import { after } from '../clock-interface.ts';

export interface LampSetting {
  readonly cadence: string;
  /** Clock time the cadence was set: its blinking is counted from here. */
  readonly origin: number;
}

export interface LampToggle {
  readonly key: string;
  readonly cadence: string;
  readonly lit: boolean;
  /** The exact time of the change (the alarm may run later on a real clock; this does not move). */
  readonly at: number;
}

/** What set() did: a new cadence, the same one again (origin kept), or a name the table lacks. */
export type SetResult = 'changed' | 'unchanged' | 'unknown-cadence';

export type CadenceListener = (key: string, setting: LampSetting) => void;
export type ToggleListener = (toggle: LampToggle) => void;

interface Lamp {
  name: string;
  cadence: Cadence;
  origin: number;
  /** Changes up to this time have been reported to watchers. */
  reportedTo: number;
  /** The first change after reportedTo (Infinity for a steady lamp). */
  next: number;
}

/** An unset lamp is dark, as if set to 'off' at time 0. */
const UNSET: LampSetting = Object.freeze({ cadence: 'off', origin: 0 });

/** Each profile's table with the fixed cadences, built once: every phone of a model shares it. */
const fullTables = new WeakMap<CadenceTable, CadenceTable>();
function withFixedCadences(cadences: CadenceTable): CadenceTable {
  let table = fullTables.get(cadences);
  if (!table) fullTables.set(cadences, (table = Object.freeze({ ...cadences, ...FIXED_CADENCES })));
  return table;
}

export class LampBank {
  private readonly table: CadenceTable;
  private readonly lamps = new Map<string, Lamp>();
  private readonly cadenceListeners = new Set<CadenceListener>();
  private readonly toggleListeners = new Set<ToggleListener>();
  private alarm: TimerId | undefined;
  private alarmAt = Infinity;

  /** `cadences` is the profile's table; the fixed ones (off, on, hotdesk-logged-out) are always there. */
  constructor(
    private readonly clock: Clock,
    cadences: CadenceTable,
  ) {
    this.table = withFixedCadences(cadences);
  }

  /** The cadence names set() accepts. */
  cadenceNames(): string[] {
    return Object.keys(this.table);
  }

  /** Puts `key` on a cadence. A new cadence starts now; the same cadence again keeps its phase. */
  set(key: string, cadenceName: string): SetResult {
    if (!Object.hasOwn(this.table, cadenceName)) return 'unknown-cadence';
    if (this.get(key).cadence === cadenceName) return 'unchanged';
    const now = this.clock.now();
    const cadence = this.table[cadenceName];
    this.lamps.set(key, {
      name: cadenceName,
      cadence,
      origin: now,
      reportedTo: now,
      next: lampState(cadence, now, now).nextChange,
    });
    const setting: LampSetting = { cadence: cadenceName, origin: now };
    for (const listener of [...this.cadenceListeners]) listener(key, setting);
    this.reschedule();
    return 'changed';
  }

  /**
   * The LED driver's power-on reset: every lamp dark. Only the device itself calls this, at each boot;
   * once the firmware runs, the keys machine is the one writer of lamps.
   */
  reset(): void {
    for (const key of this.lamps.keys()) this.set(key, 'off');
  }

  /** The lamp's cadence and phase origin ('off' from 0 for a lamp never set). */
  get(key: string): LampSetting {
    const lamp = this.lamps.get(key);
    return lamp ? { cadence: lamp.name, origin: lamp.origin } : UNSET;
  }

  /** Lit or dark at `now`, under the lamp's current cadence, and when that next changes. */
  stateAt(key: string, now: number = this.clock.now()): LampState {
    const lamp = this.lamps.get(key);
    return lamp ? lampState(lamp.cadence, lamp.origin, now) : { lit: false, nextChange: Infinity };
  }

  /** Every lamp ever set, in the order first set. */
  keys(): string[] {
    return [...this.lamps.keys()];
  }

  /** Calls `listener` once per cadence change (not per blink). Returns the unsubscribe. */
  onCadence(listener: CadenceListener): () => void {
    this.cadenceListeners.add(listener);
    return () => this.cadenceListeners.delete(listener);
  }

  /**
   * Calls `listener` at every change of every lamp between lit and dark, at its exact time, in time
   * order. A cadence change itself is onCadence's news, not a toggle. While at least one watcher is
   * subscribed the bank keeps one clock alarm set; after the last unsubscribes, none.
   */
  watchToggles(listener: ToggleListener): () => void {
    if (this.toggleListeners.size === 0) {
      // blinks before now were nobody's business: start reporting from here
      const now = this.clock.now();
      for (const lamp of this.lamps.values()) {
        lamp.reportedTo = now;
        lamp.next = lampState(lamp.cadence, lamp.origin, now).nextChange;
      }
    }
    this.toggleListeners.add(listener);
    this.reschedule();
    return () => {
      this.toggleListeners.delete(listener);
      this.reschedule();
    };
  }

  /** Keeps exactly one alarm, at the earliest next change, while anyone watches; otherwise none. */
  private reschedule(): void {
    let earliest = Infinity;
    if (this.toggleListeners.size > 0) for (const lamp of this.lamps.values()) earliest = Math.min(earliest, lamp.next);
    if (earliest === this.alarmAt && this.alarm !== undefined) return;
    this.clock.clearTimeout(this.alarm);
    this.alarm = undefined;
    this.alarmAt = earliest;
    if (earliest === Infinity) return;
    this.alarm = after(this.clock, earliest - this.clock.now(), () => this.ring());
  }

  private ring(): void {
    // The alarm was set for `alarmAt`, but clocks add delays in floating point: now + (at - now) can
    // land an ulp short of `at` (fractional origins come from the wire's timing). Counting from what
    // the clock says would then find nothing due and re-arm for the same instant, forever. The alarm
    // stands for its target time, so changes up to that time are due, whatever the clock rounded to.
    const now = Math.max(this.clock.now(), this.alarmAt);
    this.alarm = undefined;
    this.alarmAt = Infinity;
    const due: LampToggle[] = [];
    for (const [key, lamp] of this.lamps) {
      if (lamp.next > now) continue;
      // a late alarm (real clock, busy event loop) may cover several changes of one lamp: take them all
      for (const t of togglesBetween(lamp.cadence, lamp.origin, lamp.reportedTo, now)) {
        due.push({ key, cadence: lamp.name, lit: t.lit, at: t.at });
      }
      lamp.reportedTo = now;
      lamp.next = lampState(lamp.cadence, lamp.origin, now).nextChange;
    }
    due.sort((a, b) => a.at - b.at); // stable: lamps changing at the same instant keep bank order
    for (const toggle of due) for (const listener of [...this.toggleListeners]) listener(toggle);
    this.reschedule();
  }
}

/** Shows every cadence change on the panel, which works out the blinking itself from the origin. */
export function showLampsOn(bank: LampBank, panel: Panel): () => void {
  return bank.onCadence((key, s) => panel.lamp(key, s.cadence, s.origin));
}

/**
 * Traces every cadence change as {kind:'lamp', key, cadence}; with `toggles` (--trace-lamps) also
 * every blink as {kind:'lamp', key, cadence, on}, which keeps the bank's one alarm set.
 */
export function traceLamps(bank: LampBank, tracer: Tracer, opts: { toggles?: boolean } = {}): () => void {
  const offCadence = bank.onCadence((key, s) => tracer.record({ kind: 'lamp', key, cadence: s.cadence }));
  const offToggles = opts.toggles
    ? bank.watchToggles((t) => tracer.record({ kind: 'lamp', key: t.key, cadence: t.cadence, on: t.lit }))
    : () => {};
  return () => {
    offCadence();
    offToggles();
  };
}
