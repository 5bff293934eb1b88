// The names a scenario gives keys and lamp cadences (docs/design.md "Scenarios", a contract), checked
// when the file loads against the phone the step is on: `press: hotdsk`, `key:99` on a 48-key set, a
// key module the phone does not have, a cadence its model does not define are each a bad file (exit 2).
import { FIXED_CADENCES } from '../../firmware/profile.ts';
import { phoneName, type StepContext } from './context.ts';
import { AGENT_KEY_NAMES, checkAgentKey } from './verbs-acd.ts';

/** The fixed keys every `press` may name, whatever the model (the contract's list). */
export const FIXED_KEYS = ['hotdesk', 'ok', 'cancel', 'hold', 'transfer', 'conference', 'release', 'alarm', 'offhook', 'onhook', 'handsfree', 'swap', 'message'] as const;

/**
 * Every softkey the firmware can show, by its contract name (its label in lower case). The firmware
 * exports no such list: these are the labels of its `softkeys:` screens (firmware/hotdesk/session-setup.ts:
 * login, logout, ok, cancel) and the call layer's on the 56xx handsets (hold, transfer, conference).
 * test/sim/scenario/keys.test.ts reads the firmware's screens and fails when one shows a label not here.
 */
export const SOFTKEY_NAMES = ['login', 'logout', 'ok', 'cancel', 'hold', 'transfer', 'conference'] as const;

const DIAL_KEYS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#'] as const;

/** Every key name `press` takes besides `key:N` and `pkmM:N`. */
export const NAMED_KEYS: readonly string[] = [...new Set<string>([...DIAL_KEYS, ...FIXED_KEYS, ...SOFTKEY_NAMES])];

/** The names a phone's lamps may show on every model. */
export const FIXED_CADENCE_NAMES: readonly string[] = Object.keys(FIXED_CADENCES);

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

/** ` (did you mean hotdesk?)` when one name is a typo away. */
export function suggestion(name: string, names: readonly string[]): string {
  if (name.length < 3) return '';
  const near = names.filter((n) => n.length >= 3 && editDistance(name, n) <= 2).sort((a, b) => editDistance(name, a) - editDistance(name, b));
  return near.length > 0 ? ` (did you mean ${near[0]}?)` : '';
}

/** Programmable key N of the phone (`key:N`): refused beyond the keys of its model. */
function checkKey(n: number, ctx: StepContext, key: string): void {
  const max = ctx.profile.programmableKeys;
  if (max === 0) throw `${key}: ${phoneName(ctx)} has no programmable keys`;
  if (n > max) throw `${key}: ${phoneName(ctx)} has programmable keys 1-${max}`;
}

/** Key N of the M-th key module (`pkmM:N`): refused on a module the phone does not have, or beyond its keys. */
function checkPkmKey(m: number, n: number, ctx: StepContext, key: string): void {
  if (ctx.pkms.length === 0) {
    const how = ctx.phone === 'phone' ? ' (attach them with phone: { pkms: [...] })' : '';
    throw `${key}: ${phoneName(ctx)} has no key modules${how}`;
  }
  if (m > ctx.pkms.length) throw `${key}: ${phoneName(ctx)} has ${ctx.pkms.length} key module${ctx.pkms.length === 1 ? '' : 's'} (pkm1${ctx.pkms.length > 1 ? `-pkm${ctx.pkms.length}` : ''})`;
  const module = ctx.pkms[m - 1];
  if (n > module.programmableKeys) throw `${key}: pkm${m} (a ${module.id}) has keys 1-${module.programmableKeys}`;
}

/** The key a `press` names, by its contract name (lower case), checked against the phone the step is on. */
export function pressKey(value: unknown, ctx: StepContext): string {
  if (typeof value !== 'string' && typeof value !== 'number') throw `press needs a key name (0-9, *, #, ${FIXED_KEYS.join(', ')}, a softkey, key:N, pkmM:N); got ${JSON.stringify(value)}`;
  // names are exact, as the contract spells them: `Hotdesk` is a typo the suggestion corrects
  const key = String(value).trim();
  if (key === 'alarm' && ctx.profile.kind !== 'handset') throw `alarm: ${phoneName(ctx)} has no Alarm key (the 5604/5607/5614 handsets do)`;
  if (NAMED_KEYS.includes(key)) return key;
  // the agent keys: names for the layout's feature keys, resolved when the step runs (verbs-acd.ts)
  if ((AGENT_KEY_NAMES as readonly string[]).includes(key)) {
    checkAgentKey(key, ctx);
    return key;
  }
  const desk = /^key:([1-9]\d*)$/.exec(key);
  if (desk) {
    checkKey(Number(desk[1]), ctx, key);
    return key;
  }
  const pkm = /^pkm([1-9]\d*):([1-9]\d*)$/.exec(key);
  if (pkm) {
    checkPkmKey(Number(pkm[1]), Number(pkm[2]), ctx, key);
    return key;
  }
  throw (
    `unknown key ${JSON.stringify(value)}${suggestion(key.toLowerCase(), [...NAMED_KEYS, ...AGENT_KEY_NAMES])}: press takes 0-9, *, #, ${FIXED_KEYS.join(', ')}, ` +
    `a softkey (${SOFTKEY_NAMES.filter((s) => !(FIXED_KEYS as readonly string[]).includes(s)).join(', ')}), an agent key (${AGENT_KEY_NAMES.join(', ')}), key:N or pkmM:N`
  );
}

/** The cadences a lamp of the step's phone may show: the fixed ones and those its model defines. */
export function cadenceNames(ctx: StepContext): string[] {
  return [...new Set([...FIXED_CADENCE_NAMES, ...Object.keys(ctx.profile.cadences)])];
}

/** A lamp cadence name of `expect-lamp` / `wait-lamp`, checked against the profile of the step's phone. */
export function cadenceName(value: unknown, ctx: StepContext, verb: string): string {
  if (typeof value !== 'string' || value === '') throw `${verb} needs a cadence (${cadenceNames(ctx).join(', ')})`;
  const names = cadenceNames(ctx);
  if (!names.includes(value)) throw `unknown cadence "${value}"${suggestion(value, names)} for ${phoneName(ctx)} (cadences: ${names.join(', ')})`;
  return value;
}
