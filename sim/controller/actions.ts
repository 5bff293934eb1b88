// What a scenario's `controller:` step can do to the far end while the phone runs: take a service down or
// bring it back, kill or revive a controller of the cluster, change a line's state, log users out, place,
// answer and hang up calls, and what the administrator does (locate a user, reset a PIN, the scheduled
// logout by scope). One table (ACTIONS) says what each action takes; the scenario loader checks a step
// against it when the file loads (a typo is a bad file, exit 2, with its line) and applyControllerAction
// parses with the same table before it acts, so both agree by construction. The control socket
// (sim/control, `hotdesk admin`) runs the same table: an action's return value is its answer there.
import { auditExtraPins } from '../artifacts.ts';
import type { CallServer, LineState, LogoutOutcome, LogoutScope, UserFeature } from './call-server/call-server.ts';
import { PIN_RULE } from './call-server/directory.ts';
import { LOGOUT_SCOPES } from './call-server/logout-policy.ts';
import type { ControllerConfig } from './config.ts';
import type { Controller } from './controller.ts';
import { ROUTER_IP } from './router.ts';

// ---- the kinds of field an action takes ----

/**
 * `pin`: a hot desk PIN, a secret: never in an error, a step's description or the trace. `custom`: a
 * value of its own shape, parsed by `parse` (which throws an ActionError naming the field).
 */
type FieldType =
  | { readonly kind: 'dn' }
  | { readonly kind: 'bool' }
  | { readonly kind: 'pin' }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'custom'; readonly help: string; parse(value: unknown, where: string, path: string[]): unknown };

interface FieldSpec {
  readonly type: FieldType;
  readonly optional?: true;
  /** Said instead of the enum's list for a value that is not one (`blf: { state: logged-out }`). */
  readonly hints?: Readonly<Record<string, string>>;
}

type Fields = Readonly<Record<string, FieldSpec>>;

type ValueOf<T extends FieldType> = T extends { kind: 'bool' }
  ? boolean
  : T extends { kind: 'enum'; values: readonly (infer V)[] }
    ? V
    : T extends { kind: 'custom'; parse(...args: any[]): infer V }
      ? V
      : string;
type Required<F extends Fields> = { [K in keyof F as F[K] extends { optional: true } ? never : K]: ValueOf<F[K]['type']> };
type Optional<F extends Fields> = { [K in keyof F as F[K] extends { optional: true } ? K : never]?: ValueOf<F[K]['type']> };
/** The parsed arguments of an action with fields F: DNs as strings, booleans, enum values. */
export type ArgsOf<F extends Fields> = Required<F> & Optional<F>;

const DN = { kind: 'dn' } as const satisfies FieldType;
const BOOL = { kind: 'bool' } as const satisfies FieldType;
const PIN = { kind: 'pin' } as const satisfies FieldType;
/** How many messages a mailbox holds: a whole number 0-65535 (message-waiting's u16). */
const MESSAGE_COUNT = {
  kind: 'custom',
  help: 'a whole number 0-65535',
  parse(value: unknown, where: string, path: string[]): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffff) {
      throw new ActionError(`${where} must be a whole number 0-65535 (got ${JSON.stringify(value)})`, path);
    }
    return value;
  },
} as const satisfies FieldType;
const oneOf = <const V extends readonly string[]>(...values: V) => ({ kind: 'enum', values }) as const;

/** A DN, as every number of the world is written (docs/design.md "The controller's world"). */
const DN_PATTERN = /^[0-9]{1,10}$/;

// ---- the actions ----

/** What the loader knows of the world when it checks a step (the scenario's `controller:` block). */
export interface ActionContext {
  world?: ControllerConfig;
}

/** What an action answers (the control socket sends it back): plain data, or undefined. */
type ActionResult = unknown;

interface FieldsAction<F extends Fields> {
  readonly shape: 'fields';
  readonly fields: F;
  run(controller: Controller, args: ArgsOf<F>): ActionResult;
}

/** An action whose value is a call server of the cluster, by id or address (`{ kill: icp-1 }`). */
interface MemberAction {
  readonly shape: 'member';
  run(controller: Controller, idOrIp: string): ActionResult;
}

type ActionSpec = FieldsAction<any> | MemberAction;

function fieldsAction<const F extends Fields>(fields: F, run: (controller: Controller, args: ArgsOf<F>) => ActionResult): FieldsAction<F> {
  return { shape: 'fields', fields, run };
}

/**
 * The action was well formed but the controller would not do it (no such hot desk user, say), or its
 * `expect` did not hold: a scenario step fails with the message, `hotdesk admin` exits 1.
 */
export class ActionRefused extends Error {}

const LINE_STATES = ['idle', 'busy', 'ringing'] as const satisfies readonly LineState[];
const FEATURES = ['none', 'dnd', 'cfa'] as const satisfies readonly UserFeature[];
const BLF_STATES = [...LINE_STATES, 'dnd', 'cfa'] as const;
const LOGOUT_OUTCOMES = ['done', 'waiting', 'refused-ringing', 'not-allowed', 'unknown-ext', 'not-logged-in'] as const satisfies readonly LogoutOutcome[];
// every outcome the call server can give is one `expect` may name (a new one fails to compile here)
const _allOutcomes: readonly (typeof LOGOUT_OUTCOMES)[number][] = [] as LogoutOutcome[];
void _allOutcomes;

const everyCallServer = (controller: Controller): Iterable<CallServer> => controller.callServers.values();
/** The call servers that answer now: a killed one still remembers the phones that left it. */
const liveCallServers = (controller: Controller): CallServer[] => [...everyCallServer(controller)].filter((cs) => controller.alive(cs));

/**
 * The live call server of the cluster where a phone holds one of `dns` (in that order), else the one a
 * call of the played party `dn` is on, else the first live one (this controller's while it is up).
 */
function callServerHolding(controller: Controller, ...dns: string[]): CallServer {
  const live = liveCallServers(controller);
  for (const dn of dns) for (const cs of live) if (cs.holds(dn)) return cs;
  for (const dn of dns) for (const cs of live) if (cs.calls().some((c) => c.dn === dn && c.mac === 'simulated')) return cs;
  return live[0] ?? controller.callServer;
}

/** Where `ext` is logged in, as LOCATE REMOTE DN answers (`set`: the set's own DN, "" when it has none). */
export type LocateResult =
  | { ext: string; loggedIn: false }
  | { ext: string; loggedIn: true; set: string; mac: string; controller: string; external?: string };

/** `locate`'s `expect`: `{ set: DN }` (logged in at that set) or `none` (not logged in). */
type LocateExpect = { set: string } | 'none';

function parseLocateExpect(value: unknown, where: string, path: string[]): LocateExpect {
  if (value === 'none') return 'none';
  const help = '{ set: DN } or none';
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new ActionError(`${where} takes ${help} (got ${JSON.stringify(value)})`, path);
  const given = value as Record<string, unknown>;
  for (const k of Object.keys(given)) if (k !== 'set') throw new ActionError(`unknown field "${k}" in ${where} (${help})`, [...path, k]);
  const set = given.set;
  if ((typeof set !== 'string' && typeof set !== 'number') || !DN_PATTERN.test(String(set))) {
    throw new ActionError(`${where} "set" must be a DN (digits; got ${JSON.stringify(set)})`, [...path, 'set']);
  }
  return { set: String(set) };
}

/** LOCATE REMOTE DN across the cluster's live call servers. Refused for an extension no hot desk user has. */
function locate(controller: Controller, ext: string): LocateResult {
  let known = false;
  for (const cs of liveCallServers(controller)) {
    const at = cs.locate(ext);
    if (at === 'unknown-ext') continue;
    known = true;
    if (at.loggedIn) return { ext, loggedIn: true, set: at.setDn, mac: at.mac, controller: cs.id, ...(at.external !== undefined ? { external: at.external } : {}) };
  }
  if (!known) throw new ActionRefused(`${ext} is not a hot desk user`);
  return { ext, loggedIn: false };
}

/** How `hotdesk admin locate` and a failing `expect` say where a user is: `logged in at set 2001`. */
export function locationText(found: LocateResult): string {
  if (!found.loggedIn) return 'not logged in';
  if (found.external !== undefined) return `logged in externally, at ${found.external}`;
  return `logged in at set ${found.set || `${found.mac} (no DN of its own)`}`;
}

function locateHolds(found: LocateResult, expect: LocateExpect): void {
  const where = locationText(found);
  if (expect === 'none') {
    if (found.loggedIn) throw new ActionRefused(`${found.ext} is ${where}, not logged out`);
  } else if (!found.loggedIn || found.set !== expect.set) {
    throw new ActionRefused(`${found.ext} is ${where}, not at set ${expect.set}`);
  }
}

/** The live call server where `ext` is logged in, else this controller's (which answers for the user). */
function sessionHolder(controller: Controller, ext: string): CallServer {
  const live = liveCallServers(controller);
  for (const cs of live) {
    const at = cs.locate(ext);
    if (at !== 'unknown-ext' && at.loggedIn) return cs;
  }
  return live[0] ?? controller.callServer;
}

/** The live call server where an agent of ACD group `group` is logged in, else the first live one. */
function acdServer(controller: Controller, group: string): CallServer {
  const live = liveCallServers(controller);
  return live.find((cs) => cs.acdAgentsIn(group) > 0) ?? live[0] ?? controller.callServer;
}

/** Every controller action, by the name a step gives it (docs/scenarios.md "Controller actions"). */
export const ACTIONS: Readonly<Record<string, ActionSpec>> = {
  // the TFTP / DHCP server stops (true) or starts (false) answering
  tftp: fieldsAction({ down: { type: BOOL } }, (c, a) => {
    c.tftp.down = a.down;
  }),
  dhcp: fieldsAction({ down: { type: BOOL } }, (c, a) => {
    c.setDhcpDown(a.down);
  }),
  // a call server of the cluster stops / starts answering
  kill: { shape: 'member', run: (c, id) => c.setDead(id, true) },
  revive: { shape: 'member', run: (c, id) => c.setDead(id, false) },
  // the prime line's state; a user's DND or call forward always
  line: fieldsAction({ ext: { type: DN }, state: { type: oneOf(...LINE_STATES) } }, (c, a) => {
    for (const cs of everyCallServer(c)) cs.setLineState(a.ext, a.state);
  }),
  feature: fieldsAction({ ext: { type: DN }, state: { type: oneOf(...FEATURES) } }, (c, a) => {
    for (const cs of everyCallServer(c)) cs.setUserState(a.ext, a.state);
  }),
  // the docs/design.md example: a monitored DN's state, set through what causes it on the call server
  blf: fieldsAction(
    {
      dn: { type: DN },
      state: { type: oneOf(...BLF_STATES), hints: { 'logged-out': 'is set by what causes it: log the user in or out instead' } },
    },
    (c, a) => {
      for (const cs of everyCallServer(c)) {
        if (a.state === 'dnd' || a.state === 'cfa') cs.setUserState(a.dn, a.state);
        else cs.setLineState(a.dn, a.state);
      }
    },
  ),
  // a remote logout from another set (its COS and the user's decide); without `by`, the administrator's
  // (no set to ask: the user's COS decides)
  'remote-logout': fieldsAction({ by: { type: DN, optional: true }, ext: { type: DN }, expect: { type: oneOf(...LOGOUT_OUTCOMES), optional: true } }, (c, a) => {
    const outcome = a.by !== undefined ? c.callServer.remoteLogout(a.by, a.ext) : sessionHolder(c, a.ext).adminLogout(a.ext);
    if (a.expect !== undefined && outcome !== a.expect) throw new ActionRefused(`remote logout was ${outcome}, not ${a.expect}`);
    return { ext: a.ext, outcome };
  }),
  // LOCATE REMOTE DN: is the user logged in, and at which set
  locate: fieldsAction(
    { ext: { type: DN }, expect: { type: { kind: 'custom', help: '{ set: DN } or none', parse: parseLocateExpect }, optional: true } },
    (c, a) => {
      const found = locate(c, a.ext);
      if (a.expect !== undefined) locateHolds(found, a.expect);
      return found;
    },
  ),
  // Reset a Hot Desk PIN, on every call server of the cluster: the next login takes the new one
  'reset-pin': fieldsAction({ ext: { type: DN }, pin: { type: PIN } }, (c, a) => {
    auditExtraPins([a.pin]); // the suite's PIN audit looks for this PIN too (sim/artifacts.ts)
    let done = false;
    for (const cs of everyCallServer(c)) if (cs.resetPin(a.ext, a.pin) === 'done') done = true;
    if (!done) throw new ActionRefused(`${a.ext} is not a hot desk user`);
    return { ext: a.ext };
  }),
  // SIMULATES another set: the user logs in on a set with DN `on` that the call server plays itself
  // (no phone on the wire); enough for BLF watchers to see the user logged in
  // without `on`: an External Hot Desk User logs in from their own device (calls to them ring it)
  login: fieldsAction({ ext: { type: DN }, on: { type: DN, optional: true } }, (c, a) => {
    for (const cs of everyCallServer(c)) {
      const outcome = cs.loginOnSimulatedSet(a.ext, a.on);
      if (outcome === 'unknown-ext') throw new Error(`controller login: ${a.ext} is not a hot desk user`);
      if (outcome === 'not-external') throw new Error(`controller login: ${a.ext} has no external number: give on: SET-DN`);
    }
  }),
  // the user logs out wherever logged in, as by the logout access code there
  logout: fieldsAction({ ext: { type: DN } }, (c, a) => {
    for (const cs of everyCallServer(c)) {
      if (cs.logoutUser(a.ext) === 'unknown-ext') throw new Error(`controller logout: ${a.ext} is not a hot desk user`);
    }
  }),
  // the scheduled logout of every hot desk user, internal ones only or external ones only (default all):
  // idle users now, busy ones when their call ends
  'schedule-logout': fieldsAction({ scope: { type: oneOf(...LOGOUT_SCOPES), optional: true } }, (c, a) => {
    const scope: LogoutScope = a.scope ?? 'all';
    const tally = { scope, done: 0, waiting: 0 };
    for (const cs of everyCallServer(c)) {
      const one = cs.scheduleLogout(scope);
      tally.done += one.done;
      tally.waiting += one.waiting;
    }
    return tally;
  }),
  // calls (docs/design.md "Calls"): either end may be a phone on the wire or a party the call server plays
  call: fieldsAction({ from: { type: DN }, to: { type: DN } }, (c, a) => {
    callServerHolding(c, a.from, a.to).placeCall(a.from, a.to);
  }),
  answer: fieldsAction({ dn: { type: DN } }, (c, a) => {
    callServerHolding(c, a.dn).answerParty(a.dn);
  }),
  hangup: fieldsAction({ dn: { type: DN } }, (c, a) => {
    callServerHolding(c, a.dn).hangupParty(a.dn);
  }),
  // ACD hot desk agents: a call from a party the call server plays (`from`, default the group's own DN)
  // into the group's queue; it rings the agent of the group available longest, or waits until one is
  'acd-call': fieldsAction({ group: { type: DN }, from: { type: DN, optional: true } }, (c, a) => {
    const cs = acdServer(c, a.group);
    return { group: a.group, outcome: cs.acdCall(a.group, a.from ?? a.group) };
  }),
  // the user's voice mailbox now holds `messages`: the Message lamp of the set they sit at follows
  voicemail: fieldsAction({ ext: { type: DN }, messages: { type: MESSAGE_COUNT } }, (c, a) => {
    for (const cs of everyCallServer(c)) {
      if (cs.setMessages(a.ext, a.messages) === 'unknown-ext') throw new Error(`controller voicemail: ${a.ext} is not a hot desk user`);
    }
  }),
};

// ---- parsing ----

/**
 * A controller action that cannot be: `path` is where in the step's value (`['call', 'to']`), so the
 * scenario loader can give that line.
 */
export class ActionError extends Error {
  constructor(
    message: string,
    readonly path: readonly string[] = [],
  ) {
    super(message);
  }
}

/** One parsed action: its name and its arguments (a call server's id for kill and revive). */
export type ParsedAction = { name: string; spec: FieldsAction<any>; args: Record<string, unknown> } | { name: string; spec: MemberAction; id: string };

function fieldsHelp(fields: Fields): string {
  const names = Object.entries(fields).map(([k, f]) => `${k}${f.optional ? '?' : ''}`);
  return names.length === 0 ? '{}' : `{ ${names.join(', ')} }`;
}

function kindHelp(type: FieldType): string {
  switch (type.kind) {
    case 'dn':
      return 'a DN (digits)';
    case 'bool':
      return 'true or false';
    case 'pin':
      return 'a PIN of 0 to 8 digits, quoted';
    case 'enum':
      return `one of ${type.values.join(', ')}`;
    case 'custom':
      return type.help;
  }
}

function parseField(action: string, name: string, spec: FieldSpec, value: unknown): unknown {
  const where = `controller ${action} "${name}"`;
  const path = [action, name];
  switch (spec.type.kind) {
    case 'dn':
      if ((typeof value !== 'string' && typeof value !== 'number') || !DN_PATTERN.test(String(value))) {
        throw new ActionError(`${where} must be a DN (digits; got ${JSON.stringify(value)})`, path);
      }
      return String(value);
    case 'bool':
      if (typeof value !== 'boolean') throw new ActionError(`${where} must be true or false (got ${JSON.stringify(value)})`, path);
      return value;
    case 'pin':
      // never what was given: it may be the PIN, or most of it
      if (typeof value !== 'string' || !PIN_RULE.test(value)) throw new ActionError(`${where} must be 0 to 8 digits, quoted ("" is a blank PIN)`, path);
      return value;
    case 'custom':
      return spec.type.parse(value, where, path);
    case 'enum': {
      const text = typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
      if (text === undefined || !spec.type.values.includes(text)) {
        const hint = text !== undefined ? spec.hints?.[text] : undefined;
        if (hint) throw new ActionError(`${action} ${name} "${text}" ${hint}`, path);
        throw new ActionError(`${where} must be one of ${spec.type.values.join(', ')} (got ${JSON.stringify(value)})`, path);
      }
      return text;
    }
  }
}

/** The call servers of the world, as the controller builds them: this one first, then the cluster's. */
function memberNames(world: ControllerConfig): { id: string; ip: string }[] {
  const selfIp = world.identity.ip ?? ROUTER_IP;
  return [{ id: world.identity.id, ip: selfIp }, ...world.cluster.filter((p) => p.ip !== selfIp).map((p) => ({ id: p.id, ip: p.ip }))];
}

function parseOne(name: string, value: unknown, ctx: ActionContext): ParsedAction {
  const spec = ACTIONS[name];
  if (!spec) throw new ActionError(`unknown controller action "${name}" (known: ${Object.keys(ACTIONS).join(', ')})`, [name]);
  if (spec.shape === 'member') {
    if (typeof value !== 'string' || value === '') throw new ActionError(`controller ${name} takes a call server's id or address, like { ${name}: icp-1 }`, [name]);
    if (ctx.world) {
      const members = memberNames(ctx.world);
      if (!members.some((m) => m.id === value || m.ip === value)) {
        throw new ActionError(`controller ${name}: no call server "${value}" in the cluster (known: ${members.map((m) => `${m.id} ${m.ip}`).join(', ')})`, [name]);
      }
    }
    return { name, spec, id: value };
  }
  // `schedule-logout:` with nothing after it is `{}`
  const v = value ?? {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new ActionError(`controller ${name} takes ${fieldsHelp(spec.fields)}`, [name]);
  const given = v as Record<string, unknown>;
  for (const k of Object.keys(given)) {
    if (!Object.hasOwn(spec.fields, k)) {
      const known = Object.keys(spec.fields);
      throw new ActionError(`unknown field "${k}" in controller ${name} (${known.length ? `fields: ${known.join(', ')}` : 'it takes none'})`, [name, k]);
    }
  }
  const args: Record<string, unknown> = {};
  for (const [k, f] of Object.entries(spec.fields as Fields)) {
    if (given[k] === undefined || given[k] === null) {
      if (f.optional) continue;
      throw new ActionError(`controller ${name} needs "${k}": ${kindHelp(f.type)}`, [name]);
    }
    args[k] = parseField(name, k, f, given[k]);
  }
  return { name, spec, args };
}

/**
 * Checks a `controller:` step's value: a mapping of one or more actions, applied in order. Throws an
 * ActionError naming the action and field. With `ctx.world`, kill and revive must name a member of it.
 */
export function parseControllerAction(action: unknown, ctx: ActionContext = {}): ParsedAction[] {
  if (!action || typeof action !== 'object' || Array.isArray(action)) throw new ActionError('controller takes a mapping of actions, e.g. { tftp: { down: false } }');
  const entries = Object.entries(action as Record<string, unknown>);
  if (entries.length === 0) throw new ActionError(`controller needs an action (${Object.keys(ACTIONS).join(', ')})`);
  return entries.map(([name, value]) => parseOne(name, value, ctx));
}

/**
 * Acts on the far end: parses `action` (as the loader did) and applies each of its actions in order.
 * Returns what each answered, in order (the control socket's `result`).
 */
export function applyControllerAction(controller: Controller, action: Record<string, unknown>, ctx: ActionContext = {}): ActionResult[] {
  return parseControllerAction(action, ctx).map((parsed) =>
    parsed.spec.shape === 'member' ? parsed.spec.run(controller, (parsed as { id: string }).id) : parsed.spec.run(controller, (parsed as { args: Record<string, unknown> }).args),
  );
}

/** What a step's description and the trace show of an action: the action as written, with every PIN hidden. */
export function describeControllerAction(action: Record<string, unknown>): string {
  const shown = Object.entries(action).map(([name, value]) => {
    const spec = ACTIONS[name];
    if (spec?.shape !== 'fields' || !value || typeof value !== 'object' || Array.isArray(value)) return [name, value];
    const fields = spec.fields as Fields;
    return [name, Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fields[k]?.type.kind === 'pin' ? '(not shown)' : v]))];
  });
  return JSON.stringify(Object.fromEntries(shown));
}
