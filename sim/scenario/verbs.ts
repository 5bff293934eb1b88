// The step verbs of the scenario format (docs/design.md "Scenarios"). Each verb checks its argument when
// the file is loaded (so a bad file fails before anything runs, exit 2) and acts when the step runs.
// New features add verbs here (the call steps are in verbs-calls.ts); docs/scenarios.md describes them
// for users.
import { ActionError, describeControllerAction, parseControllerAction } from '../controller/actions.ts';
import { ArgError, StepFailure } from './errors.ts';
import type { StepContext } from './context.ts';
import type { ScenarioTarget } from './target.ts';
import type { HotdeskView } from '../../firmware/hotdesk/view.ts';
import { cadenceName, pressKey } from './keys.ts';
import { DEFAULT_WAIT_MS, durationArg, onlyKeys, textArg } from './verb-args.ts';
import { CALL_VERBS } from './verbs-calls.ts';
import { ACD_VERBS, checkAcdCall, resolvePress } from './verbs-acd.ts';

export { DEFAULT_WAIT_MS } from './verb-args.ts';

export interface Verb<A> {
  /**
   * Validates the step's value and sibling keys against the phone the step is on and the world; returns
   * the parsed argument or throws a reason (a string, or an ArgError that says where in the value).
   */
  parse(value: unknown, extras: Record<string, unknown>, ctx: StepContext): A;
  /** Acts; `phone` names the phone the step is on (its `on:`, `phone` for the phone under test). */
  run(target: ScenarioTarget, arg: A, phone: string): Promise<void>;
  /** A one-line description for a failing step's report. */
  describe(arg: A): string;
}

/** True when `text` is on one display row, or spans rows when they are read top to bottom. */
export function displayShows(lines: string[], text: string): boolean {
  const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
  const want = norm(text);
  return lines.some((l) => norm(l).includes(want)) || norm(lines.join(' ')).includes(want);
}

/**
 * Per target, per phone (by name): the index of the display the last `wait-display` on that phone
 * matched. Each phone numbers its own displays, so one phone's cursor means nothing on another.
 */
const cursors = new WeakMap<ScenarioTarget, Map<string, number>>();

function cursorsOf(target: ScenarioTarget): Map<string, number> {
  let map = cursors.get(target);
  if (!map) cursors.set(target, (map = new Map()));
  return map;
}

interface WaitArg {
  text: string;
  timeout: number;
}

const waitDisplay: Verb<WaitArg> = {
  parse(value, extras) {
    onlyKeys(extras, ['timeout'], 'wait-display');
    return {
      text: textArg(value, 'wait-display'),
      timeout: extras.timeout === undefined ? DEFAULT_WAIT_MS : durationArg(extras.timeout, 'timeout'),
    };
  },
  async run(target, arg, phone) {
    // Displays are read in order: one shown since the last display a wait on this phone matched counts,
    // even if it has already been replaced (several boot messages share an instant); the current one
    // always counts. The runner has selected the step's phone, so displaysSince reads that phone's.
    const byPhone = cursorsOf(target);
    const match = () => {
      for (const d of target.displaysSince(byPhone.get(phone) ?? 0)) {
        if (displayShows(d.lines, arg.text)) {
          byPhone.set(phone, d.index);
          return true;
        }
      }
      return false;
    };
    const seen = await target.advance(arg.timeout, match);
    if (!seen) throw new StepFailure(`"${arg.text}" did not appear within ${arg.timeout} ms`);
  },
  describe: (arg) => `wait-display: "${arg.text}"`,
};

const expectDisplay: Verb<string> = {
  parse(value, extras) {
    onlyKeys(extras, [], 'expect-display');
    return textArg(value, 'expect-display');
  },
  async run(target, text) {
    if (!displayShows(target.display(), text)) throw new StepFailure(`the display does not show "${text}"`);
  },
  describe: (text) => `expect-display: "${text}"`,
};

const advance: Verb<number> = {
  parse(value, extras) {
    onlyKeys(extras, [], 'advance');
    return durationArg(value, 'advance');
  },
  async run(target, ms) {
    await target.advance(ms);
  },
  describe: (ms) => `advance: ${ms}ms`,
};

const press: Verb<string> = {
  parse(value, extras, ctx) {
    onlyKeys(extras, [], 'press');
    return pressKey(value, ctx);
  },
  async run(target, key) {
    // an agent key name (make-busy, ...) is the layout's feature key that carries it
    target.press(resolvePress(target, key));
    await target.advance(0);
  },
  describe: (key) => `press: ${key}`,
};

const dial: Verb<string> = {
  parse(value, extras) {
    onlyKeys(extras, [], 'dial');
    const digits = String(value ?? '');
    if (!/^[0-9*#]+$/.test(digits)) throw `dial takes keypad digits, * and # only; got ${JSON.stringify(value)}`;
    return digits;
  },
  async run(target, digits) {
    for (const d of digits) {
      target.press(d);
      await target.advance(0);
    }
  },
  // The digits may be a PIN: a step's description reaches the trace and the terminal, so it never shows them.
  describe: (digits) => `dial: ${digits.length} key${digits.length === 1 ? '' : 's'}`,
};

const power: Verb<'off' | 'on' | 'cycle'> = {
  parse(value, extras) {
    onlyKeys(extras, [], 'power');
    if (value !== 'off' && value !== 'on' && value !== 'cycle') throw `power takes off, on or cycle; got ${JSON.stringify(value)}`;
    return value;
  },
  async run(target, action) {
    target.power(action);
    await target.advance(0);
  },
  describe: (action) => `power: ${action}`,
};

/** The action is checked at load against the table the controller acts by (sim/controller/actions.ts). */
const controller: Verb<Record<string, unknown>> = {
  parse(value, extras, ctx) {
    onlyKeys(extras, [], 'controller');
    try {
      parseControllerAction(value, { world: ctx.world });
      checkAcdCall(value, ctx);
    } catch (err) {
      if (err instanceof ActionError) throw new ArgError(err.message, err.path);
      throw err;
    }
    return value as Record<string, unknown>;
  },
  async run(target, action) {
    await target.actOnController(action);
    await target.advance(0);
  },
  describe: (action) => `controller: ${describeControllerAction(action)}`, // a reset-pin's PIN never shows
};

interface FirmwareArg {
  version: string;
  confirmed?: boolean;
}

const expectFirmware: Verb<FirmwareArg> = {
  parse(value, extras) {
    onlyKeys(extras, ['confirmed'], 'expect-firmware');
    if (!/^\d+\.\d+\.\d+\.\d+$/.test(String(value ?? ''))) throw `expect-firmware takes a version a.b.c.d; got ${JSON.stringify(value)}`;
    if (extras.confirmed !== undefined && typeof extras.confirmed !== 'boolean') throw 'confirmed must be true or false';
    return { version: String(value), confirmed: extras.confirmed as boolean | undefined };
  },
  async run(target, arg) {
    const fw = target.firmware();
    if (!fw) throw new StepFailure('the phone runs no firmware');
    if (fw.version !== arg.version) throw new StepFailure(`the phone runs ${fw.version}, not ${arg.version}`);
    if (arg.confirmed !== undefined && fw.confirmed !== arg.confirmed) {
      throw new StepFailure(`the running image is ${fw.confirmed ? 'confirmed' : 'not confirmed (test mode)'}`);
    }
  },
  describe: (arg) => `expect-firmware: ${arg.version}${arg.confirmed === undefined ? '' : arg.confirmed ? ' (confirmed)' : ' (in test)'}`,
};

interface LampArg {
  key: string;
  cadence: string;
}

/** `3` or `key:3` is programmable key 3; `pkm1:12` is key 12 of the first key module; `message` the Message key. */
function lampKey(value: unknown): string {
  const s = String(value ?? '').trim();
  if (/^[1-9]\d*$/.test(s)) return `key:${s}`;
  if (/^(key|pkm[1-9]):[1-9]\d*$/.test(s) || s === 'message') return s;
  throw `a lamp key is a number, key:N, pkmM:N or message; got ${JSON.stringify(value)}`;
}

function lampArg(value: unknown, extras: Record<string, unknown>, verb: string, ctx: StepContext): LampArg {
  onlyKeys(extras, verb === 'wait-lamp' ? ['timeout'] : [], verb);
  const v = value as Record<string, unknown> | null;
  if (!v || typeof v !== 'object') throw `${verb} takes { key: N, cadence: NAME }`;
  onlyKeys(Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'key' && k !== 'cadence')), [], verb);
  const key = lampKey(v.key);
  try {
    return { key, cadence: cadenceName(v.cadence, ctx, verb) };
  } catch (reason) {
    throw typeof reason === 'string' && v.cadence !== undefined ? new ArgError(reason, ['cadence']) : reason;
  }
}

const expectLamp: Verb<LampArg> = {
  parse: (value, extras, ctx) => lampArg(value, extras, 'expect-lamp', ctx),
  async run(target, arg) {
    const now = target.lamp(arg.key);
    if (now !== arg.cadence) throw new StepFailure(`lamp ${arg.key} shows ${now}, not ${arg.cadence}`);
  },
  describe: (arg) => `expect-lamp: ${arg.key} ${arg.cadence}`,
};

const waitLamp: Verb<LampArg & { timeout: number }> = {
  parse: (value, extras, ctx) => ({
    ...lampArg(value, extras, 'wait-lamp', ctx),
    timeout: extras.timeout === undefined ? DEFAULT_WAIT_MS : durationArg(extras.timeout, 'timeout'),
  }),
  async run(target, arg) {
    const seen = await target.advance(arg.timeout, () => target.lamp(arg.key) === arg.cadence);
    if (!seen) throw new StepFailure(`lamp ${arg.key} did not show ${arg.cadence} within ${arg.timeout} ms (it shows ${target.lamp(arg.key)})`);
  },
  describe: (arg) => `wait-lamp: ${arg.key} ${arg.cadence}`,
};

// ---- the hot desk side (HotdeskView): who is logged in, which keys show, which controller serves ----

function hotdeskOf(target: ScenarioTarget): HotdeskView {
  const view = target.hotdesk?.();
  if (!view) throw new StepFailure('the phone is not in service (no hot desk state to read)');
  return view;
}

/** `none`, or the user logged in now: `{ ext, name }` (name optional). */
type UserArg = { ext: string; name?: string } | 'none';

const expectUser: Verb<UserArg> = {
  parse(value, extras) {
    onlyKeys(extras, [], 'expect-user');
    if (value === 'none') return 'none';
    const v = value as Record<string, unknown> | null;
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw 'expect-user takes none or { ext, name }';
    onlyKeys(Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'ext' && k !== 'name')), [], 'expect-user');
    if (typeof v.ext !== 'string' && typeof v.ext !== 'number') throw 'expect-user needs "ext"';
    if (v.name !== undefined && typeof v.name !== 'string') throw 'expect-user "name" must be text';
    return { ext: String(v.ext), name: v.name as string | undefined };
  },
  async run(target, arg) {
    const user = hotdeskOf(target).user;
    if (arg === 'none') {
      if (user) throw new StepFailure(`user ${user.ext} is logged in`);
      return;
    }
    if (!user) throw new StepFailure(`nobody is logged in, not ${arg.ext}`);
    if (user.ext !== arg.ext) throw new StepFailure(`user ${user.ext} is logged in, not ${arg.ext}`);
    if (arg.name !== undefined && user.name !== arg.name) throw new StepFailure(`user ${user.ext} is "${user.name}", not "${arg.name}"`);
  },
  describe: (arg) => (arg === 'none' ? 'expect-user: none' : `expect-user: ${arg.ext}${arg.name ? ` "${arg.name}"` : ''}`),
};

interface KeyArg {
  key: string;
  visible: boolean;
  type?: string;
  label?: string;
}

/** A programmable key of the user's layout: shown or hidden on this model, and what it shows. */
const expectKey: Verb<KeyArg> = {
  parse(value, extras) {
    onlyKeys(extras, [], 'expect-key');
    const v = value as Record<string, unknown> | null;
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw 'expect-key takes { key: N, visible: true|false, type?, label? }';
    onlyKeys(Object.fromEntries(Object.entries(v).filter(([k]) => !['key', 'visible', 'type', 'label'].includes(k))), [], 'expect-key');
    const key = lampKey(v.key);
    if (!key.startsWith('key:')) throw 'expect-key names a programmable key of the set (N or key:N)';
    if (typeof v.visible !== 'boolean') throw 'expect-key needs visible: true or false';
    if (v.type !== undefined && typeof v.type !== 'string') throw 'expect-key "type" must be text';
    if (v.label !== undefined && typeof v.label !== 'string' && typeof v.label !== 'number') throw 'expect-key "label" must be text';
    return { key, visible: v.visible, type: v.type as string | undefined, label: v.label === undefined ? undefined : String(v.label) };
  },
  async run(target, arg) {
    const k = hotdeskOf(target).keys.find((x) => x.id === arg.key);
    if (!arg.visible) {
      if (k) throw new StepFailure(`${arg.key} is shown (${k.type} "${k.label}")`);
      return;
    }
    if (!k) throw new StepFailure(`${arg.key} is not shown`);
    if (arg.type !== undefined && k.type !== arg.type) throw new StepFailure(`${arg.key} is a ${k.type} key, not ${arg.type}`);
    if (arg.label !== undefined && k.label !== arg.label) throw new StepFailure(`${arg.key} shows "${k.label}", not "${arg.label}"`);
  },
  describe: (arg) => `expect-key: ${arg.key} ${arg.visible ? 'shown' : 'hidden'}${arg.type ? ` ${arg.type}` : ''}${arg.label !== undefined ? ` "${arg.label}"` : ''}`,
};

interface RegisteredArg {
  controller: string;
  failedOver?: boolean;
}

/** The controller the phone is registered with now, by the id its register-ack gave (`icp-2`). */
const expectRegistered: Verb<RegisteredArg> = {
  parse(value, extras) {
    onlyKeys(extras, ['failed-over'], 'expect-registered');
    const controller = textArg(value, 'expect-registered');
    const f = extras['failed-over'];
    if (f !== undefined && typeof f !== 'boolean') throw 'failed-over must be true or false';
    return { controller, failedOver: f as boolean | undefined };
  },
  async run(target, arg) {
    const view = hotdeskOf(target);
    if (view.controllerId !== arg.controller) throw new StepFailure(`the phone is registered with ${view.controllerId || 'nobody'} (${view.server}), not ${arg.controller}`);
    if (arg.failedOver !== undefined && view.failedOver !== arg.failedOver) {
      throw new StepFailure(view.failedOver ? 'the phone is failed over (watching for its primary)' : 'the phone is not failed over');
    }
  },
  describe: (arg) => `expect-registered: ${arg.controller}${arg.failedOver === undefined ? '' : arg.failedOver ? ' (failed over)' : ' (not failed over)'}`,
};

const expectNoDisplay: Verb<string> = {
  parse(value, extras) {
    onlyKeys(extras, [], 'expect-no-display');
    return textArg(value, 'expect-no-display');
  },
  async run(target, text) {
    if (displayShows(target.display(), text)) throw new StepFailure(`the display shows "${text}" [${target.display().join(' | ')}]`);
  },
  describe: (text) => `expect-no-display: "${text}"`,
};

export const VERBS: Record<string, Verb<any>> = {
  ...CALL_VERBS,
  ...ACD_VERBS,
  'expect-user': expectUser,
  'expect-key': expectKey,
  'expect-registered': expectRegistered,
  'expect-no-display': expectNoDisplay,
  'expect-lamp': expectLamp,
  'wait-lamp': waitLamp,
  power,
  controller,
  'expect-firmware': expectFirmware,
  'wait-display': waitDisplay,
  'expect-display': expectDisplay,
  advance,
  press,
  dial,
};
