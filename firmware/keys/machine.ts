// The key map and the lamps: the set's own programming or the hot desk user's layout (keys beyond the
// model's count hidden, their line appearances still ringing; key modules disabled for a hot desk
// user), the key labels, and every lamp write of the firmware: BLF states, ringing line appearances,
// the logged-out cadence. Nobody else sets a lamp; they send this machine events.
//
//   layout:    own (the set's programming) --keys.user-in--> user --keys.user-out--> own
//   download:  idle --key-layout-begin--> receiving --every block in (or a new begin)--> idle
//
// The layout arrives from the controller as key-layout-begin + blocks (topic `keys`), BLF states as
// blf-state (topic `lamps`). The calls owner learns the line appearances from calls.lines (sent on
// every layout change) and sets each call's line lamp with keys.line; a key carrying several calls
// shows the most urgent (ringing, then busy, then hold). BLF subscriptions go out fire-and-forget: a
// lost one is traced by the link, and every registration renews them.
import { assign, sendTo, setup, type AnyActorRef } from 'xstate';
import { decodeKeyLayout } from '../signalling/key-layout.ts';
import { acceptBlock, finishAssembly, isComplete, startAssembly, type Assembly } from '../signalling/key-layout-transfer.ts';
import type { Message } from '../signalling/messages.ts';
import { SYSTEM, type LinkEvent, type LinkReply, type ServiceLayout, type ServiceNotice, type SigPush } from '../service/events.ts';
import { blfLamps } from './blf.ts';
import { applyLayout, type KeyView } from './layout.ts';
import { agentKeysOf, featureLampWrites } from '../acd/agent-keys.ts';
import type { AcdKeys, KeysFeature } from '../acd/acd-types.ts';

export interface KeysInput {
  programmableKeys: number;
  /** The key modules attached, in order (pkm1, pkm2, ...): how many keys each has. */
  pkmKeys: readonly number[];
}

export const LINE_LAMPS = ['ringing', 'busy', 'hold', 'idle'] as const;
export type LineLamp = (typeof LINE_LAMPS)[number];

/** The calls owner sets what one call (or another set's use of a key-system line) shows on its line key. */
export interface KeysLine {
  type: 'keys.line';
  /** The owner's name for what lights the key (a call, another set's call); `idle` forgets it. */
  id: string;
  dn: string;
  line: number;
  state: LineLamp;
}
/** A line or multicall appearance of the set now: the calls owner dials and answers on these. */
export interface LineAppearance {
  line: number;
  dn: string;
  type: 'line' | 'multicall';
  /** The visible key that shows it; undefined when it is hidden (beyond the model's keys). */
  key?: string;
}
/** Keys -> calls: where the Message key calls (the user's voicemail; '' with nobody logged in). */
export interface CallsVoicemail {
  type: 'calls.voicemail';
  dn: string;
}
/** The fixed Message key's lamp: lit while the user logged in here has messages waiting. */
export const MESSAGE_LAMP = 'message';
/** Keys -> calls: the set's line appearances changed (a layout applied or dropped). */
export interface CallsLines {
  type: 'calls.lines';
  lines: LineAppearance[];
}
export type KeysEvent = SigPush | LinkReply | ServiceNotice | { type: 'keys.user-in' } | { type: 'keys.user-out' } | KeysLine | KeysFeature;

/** What the scenario runner and the panel read: the keys shown, with their labels. */
export interface KeysView {
  keys: { id: string; label: string; type: string; dn: string }[];
  hiddenLines: string[];
  pkmEnabled: boolean;
  /** Voice messages waiting for the user logged in here (the Message lamp is lit while > 0). */
  messages: number;
}

interface KeysContext {
  programmableKeys: number;
  pkmKeys: number[];
  keys: KeyView[];
  hiddenLines: KeyView[];
  blfDns: string[];
  /** False while a hot desk user is logged in: key modules show nothing. */
  pkmEnabled: boolean;
  download: Assembly | undefined;
  /** Every lamp this machine has lit and its cadence (absent: dark). */
  lit: Record<string, string>;
  /** CRC-32 of the layout applied (0: none yet); the service names it in register, so a cut-short one is sent again. */
  layoutCrc: number;
  /** What lights each line key now, by the calls owner's id: the key and the lamp it asks for. */
  lineLamps: Record<string, { key: string; state: LineLamp }>;
  /** Messages waiting for the user here (message-waiting). */
  messages: number;
  /** The lamp the ACD owner asked for each agent feature (keys.feature): its keys show it, in any layout. */
  featureLamps: Record<string, string>;
  seq: number;
}

type LampWrite = { key: string; cadence: string };

const pushOf = (event: KeysEvent): Message | undefined => (event.type === 'sig.push' ? event.msg : undefined);

const isLine = (k: KeyView) => k.module === 0 && (k.type === 'line' || k.type === 'multicall');

/** The visible line key that shows `dn` on `line`, if any. */
function lineKey(ctx: KeysContext, dn: string, line: number): string | undefined {
  return ctx.keys.find((k) => k.id === `key:${line}` && k.dn === dn && isLine(k))?.id;
}

/** Every line appearance of the layout, visible or hidden. */
function appearances(keys: readonly KeyView[], hidden: readonly KeyView[]): LineAppearance[] {
  const of = (k: KeyView, visible: boolean): LineAppearance => ({ line: k.key, dn: k.dn, type: k.type === 'multicall' ? 'multicall' : 'line', ...(visible ? { key: k.id } : {}) });
  return [...keys.filter(isLine).map((k) => of(k, true)), ...hidden.filter(isLine).map((k) => of(k, false))];
}

const URGENCY: Record<LineLamp, number> = { ringing: 3, busy: 2, hold: 1, idle: 0 };

/** The cadence a line key shows: the most urgent of what lights it, or dark. */
function lineCadence(lamps: KeysContext['lineLamps'], key: string): string {
  let best: LineLamp = 'idle';
  for (const l of Object.values(lamps)) if (l.key === key && URGENCY[l.state] > URGENCY[best]) best = l.state;
  return best === 'idle' ? 'off' : best;
}

/** The lamps that go dark with a layout, and those a fresh layout darkens (keys gone, BLF until pushed). */
function layoutStep(ctx: KeysContext):
  | { ok: false; message: string }
  | { ok: true; keys: KeyView[]; hiddenLines: KeyView[]; blfDns: string[]; dark: string[]; message: string } {
  if (!ctx.download) return { ok: false, message: 'key layout: no transfer' };
  const assembled = finishAssembly(ctx.download);
  if (!assembled.ok) return { ok: false, message: `key layout refused: ${assembled.reason} (${assembled.detail})` };
  const decoded = decodeKeyLayout(assembled.payload);
  if (!decoded.ok) return { ok: false, message: `key layout refused: ${decoded.reason} (${decoded.detail})` };
  // key modules show the set's own programming only: they are disabled for a hot desk user
  const modules = ctx.pkmEnabled ? ctx.pkmKeys.map((programmableKeys) => ({ programmableKeys })) : undefined;
  const layout = applyLayout(decoded.entries, { programmableKeys: ctx.programmableKeys }, modules);
  const shown = new Set(layout.visible.map((k) => k.id));
  const dark = [...ctx.keys.filter((k) => !shown.has(k.id)).map((k) => k.id), ...layout.visible.filter((k) => k.type === 'blf').map((k) => k.id)];
  return {
    ok: true,
    keys: layout.visible,
    hiddenLines: layout.hiddenLines,
    blfDns: layout.blfDns,
    dark,
    message: `key layout applied: ${layout.visible.length} keys shown, ${layout.hiddenLines.length} hidden lines`,
  };
}

const effects = setup({
  types: {
    context: {} as KeysContext,
    input: {} as KeysInput,
    events: {} as KeysEvent,
  },
  guards: {
    layoutBegin: ({ event }) => pushOf(event)?.type === 'key-layout-begin',
    // a block with no transfer under way (a late retransmission) is not a download
    layoutBlock: ({ context, event }) => pushOf(event)?.type === 'key-layout-block' && context.download !== undefined,
    blfState: ({ event }) => pushOf(event)?.type === 'blf-state',
    messageWaiting: ({ event }) => pushOf(event)?.type === 'message-waiting',
    layoutComplete: ({ context }) => context.download !== undefined && isComplete(context.download),
  },
  actions: {
    /** One lamp on the hardware (the board binds it to the LampBank). */
    setLamp: (_, _params: LampWrite) => {},
    /** The keys shown and their labels, for the panel and the scenario runner (the board binds it). */
    publish: (_, _params: KeysView) => {},
    trace: (_, _params: { message: string }) => {},
    toLink: sendTo(({ system }) => system.get(SYSTEM.link), (_, e: LinkEvent) => e),
    toService: sendTo(({ system }) => system.get(SYSTEM.service), (_, e: ServiceLayout) => e),
    toCalls: sendTo(({ system }) => system.get(SYSTEM.calls), (_, e: CallsLines | CallsVoicemail) => e),
    /** The agent keys shown now, for the ACD owner (its layer takes them). */
    toAcd: sendTo(({ system }) => system.get(SYSTEM.acd), (_, e: AcdKeys) => e),
  },
});

const withWrites = (lit: Record<string, string>, writes: readonly LampWrite[]) => {
  const next = { ...lit };
  for (const w of writes) {
    if (w.cadence === 'off') delete next[w.key];
    else next[w.key] = w.cadence;
  }
  return next;
};
const off = (keys: readonly string[]): LampWrite[] => keys.map((key) => ({ key, cadence: 'off' }));

type Enqueue = Parameters<Parameters<typeof effects.enqueueActions>[0]>[0]['enqueue'];

/** Lamps through the one named effect, with `lit` kept in step. */
function writeLamps(enqueue: Enqueue, context: KeysContext, writes: readonly LampWrite[]): void {
  for (const w of writes) enqueue({ type: 'setLamp', params: w });
  enqueue.assign({ lit: withWrites(context.lit, writes) });
}

/** Tells the service the CRC of the layout shown now, when it changed: the service holds the last one told (register names it). */
function tellLayout(enqueue: Enqueue, context: KeysContext, crc: number): void {
  if (crc !== context.layoutCrc) enqueue({ type: 'toService', params: { type: 'service.layout', crc } });
}

/** Tells the controller which DNs the visible BLF keys monitor (fire-and-forget). */
function subscribeBlf(enqueue: Enqueue, context: KeysContext, self: AnyActorRef, dns: string[]): void {
  enqueue.assign({ seq: context.seq + 1 });
  enqueue({ type: 'toLink', params: { type: 'sig.request', id: `blf:${context.seq}`, msg: { type: 'blf-subscribe', dns }, replyTo: self } });
}

const composite = effects.extend({
  actions: {
    cancelOwn: effects.enqueueActions(({ self, enqueue }) => enqueue({ type: 'toLink', params: { type: 'sig.cancel', owner: self } })),
    startDownload: assign({
      download: ({ event }: { event: KeysEvent }) => {
        const m = pushOf(event);
        return m?.type === 'key-layout-begin' ? startAssembly(m) : undefined;
      },
    }),
    takeBlock: assign({
      download: ({ context, event }: { context: KeysContext; event: KeysEvent }) => {
        const m = pushOf(event);
        return m?.type === 'key-layout-block' && context.download ? acceptBlock(context.download, m).assembly : context.download;
      },
    }),
    showBlf: effects.enqueueActions(({ event, context, enqueue }) => {
      const m = pushOf(event);
      if (m?.type === 'blf-state') writeLamps(enqueue, context, blfLamps(context.keys, m.dn, m.state));
    }),
    showMessages: effects.enqueueActions(({ event, context, enqueue }) => {
      const m = pushOf(event);
      if (m?.type !== 'message-waiting') return;
      writeLamps(enqueue, context, [{ key: MESSAGE_LAMP, cadence: m.count > 0 ? 'on' : 'off' }]);
      enqueue.assign({ messages: m.count });
      enqueue({ type: 'toCalls', params: { type: 'calls.voicemail', dn: m.voicemailDn } });
    }),
    /** The user's mailbox leaves with the user. */
    dropMessages: effects.enqueueActions(({ context, enqueue }) => {
      writeLamps(enqueue, context, off(context.lit[MESSAGE_LAMP] ? [MESSAGE_LAMP] : []));
      enqueue.assign({ messages: 0 });
      enqueue({ type: 'toCalls', params: { type: 'calls.voicemail', dn: '' } });
    }),
    darkModules: effects.enqueueActions(({ context, enqueue }) => {
      // a hot desk user gets no key module: its lamps go dark while the user is here
      writeLamps(enqueue, context, off(Object.keys(context.lit).filter((k) => k.startsWith('pkm'))));
    }),
    dropLayout: effects.enqueueActions(({ context, self, enqueue }) => {
      writeLamps(enqueue, context, off(context.keys.map((k) => k.id)));
      if (context.blfDns.length > 0) subscribeBlf(enqueue, context, self, []);
      tellLayout(enqueue, context, 0);
      enqueue.assign({ keys: [], hiddenLines: [], blfDns: [], download: undefined, layoutCrc: 0 });
      enqueue({ type: 'toCalls', params: { type: 'calls.lines', lines: [] } });
      enqueue({ type: 'toAcd', params: { type: 'acd.keys', keys: [] } });
    }),
    applyDownload: effects.enqueueActions(({ context, self, enqueue }) => {
      const step = layoutStep(context);
      const crc = context.download?.begin.crc32 ?? 0;
      enqueue.assign({ download: undefined });
      enqueue({ type: 'trace', params: { message: step.message } });
      if (!step.ok) return;
      writeLamps(enqueue, context, off(step.dark));
      if (step.blfDns.length > 0 || context.blfDns.length > 0) subscribeBlf(enqueue, context, self, step.blfDns);
      tellLayout(enqueue, context, crc);
      enqueue.assign({ keys: step.keys, hiddenLines: step.hiddenLines, blfDns: step.blfDns, layoutCrc: crc });
      enqueue({ type: 'toCalls', params: { type: 'calls.lines', lines: appearances(step.keys, step.hiddenLines) } });
      enqueue({ type: 'toAcd', params: { type: 'acd.keys', keys: agentKeysOf(step.keys) } });
      writeLamps(enqueue, { ...context, lit: withWrites(context.lit, off(step.dark)) }, featureLampWrites(step.keys, context.featureLamps));
    }),
    layoutGone: effects.enqueueActions(({ context, enqueue }) => tellLayout(enqueue, context, 0)),
    renewBlf: effects.enqueueActions(({ context, self, enqueue }) => {
      // a new controller knows nothing of what this set monitored on the old one
      if (context.blfDns.length > 0) subscribeBlf(enqueue, context, self, context.blfDns);
    }),
    /** The ACD owner's lamp for an agent feature (Make Busy lit while in Make Busy), on every key of it. */
    lightFeature: effects.enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'keys.feature') return;
      const featureLamps = { ...context.featureLamps, [event.feature]: event.cadence };
      enqueue.assign({ featureLamps });
      const keys = agentKeysOf(context.keys).filter((k) => k.feature === event.feature);
      writeLamps(enqueue, context, keys.map((k) => ({ key: k.key, cadence: event.cadence })));
    }),
    lightLine: effects.enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'keys.line') return;
      const { [event.id]: before, ...rest } = context.lineLamps;
      const key = lineKey(context, event.dn, event.line);
      const lamps = key && event.state !== 'idle' ? { ...rest, [event.id]: { key, state: event.state } } : rest;
      enqueue.assign({ lineLamps: lamps });
      // each key this changes (the one it lit before, the one it lights now) shows its most urgent state
      const touched = new Set([before?.key, key].filter((k): k is string => k !== undefined));
      writeLamps(enqueue, context, [...touched].map((k) => ({ key: k, cadence: lineCadence(lamps, k) })));
    }),
  },
});

const PUBLISH = {
  type: 'publish',
  params: ({ context }: { context: KeysContext }): KeysView => ({
    keys: context.keys.map((k) => ({ id: k.id, label: k.label, type: k.type, dn: k.dn })),
    hiddenLines: context.hiddenLines.map((k) => k.dn),
    pkmEnabled: context.pkmEnabled,
    messages: context.messages,
  }),
} as const;

export const keysMachine = composite.createMachine({
  id: 'keys',
  context: ({ input }) => ({
    programmableKeys: input.programmableKeys,
    pkmKeys: [...input.pkmKeys],
    keys: [],
    hiddenLines: [],
    blfDns: [],
    pkmEnabled: true,
    download: undefined,
    lit: {},
    layoutCrc: 0,
    lineLamps: {},
    featureLamps: {},
    messages: 0,
    seq: 1,
  }),
  entry: PUBLISH,
  type: 'parallel',
  on: {
    'service.registered': { actions: 'renewBlf' },
    'service.rehoming': { actions: 'cancelOwn' },
    'keys.line': { actions: 'lightLine' },
    'keys.feature': { actions: 'lightFeature' },
  },
  states: {
    layout: {
      initial: 'own',
      states: {
        own: {
          on: {
            'keys.user-in': {
              target: 'user',
              actions: [
                'darkModules',
                // the user's layout is not here yet: until it is, a re-home asks for it
                'layoutGone',
                // the set's module keys leave with the modules, so no BLF push relights them
                assign({ keys: ({ context }) => context.keys.filter((k) => k.module === 0), pkmEnabled: false, layoutCrc: 0 }),
                PUBLISH,
              ],
            },
          },
        },
        user: {
          on: {
            'keys.user-out': { target: 'own', actions: ['dropLayout', 'dropMessages', assign({ pkmEnabled: true }), PUBLISH] },
          },
        },
      },
    },
    download: {
      initial: 'idle',
      on: {
        // a logout drops the layout, a transfer under way with it
        'keys.user-out': '.idle',
        'sig.push': [
          { guard: 'layoutBegin', target: '.receiving', actions: 'startDownload' },
          { guard: 'layoutBlock', target: '.check', actions: 'takeBlock' },
          { guard: 'blfState', actions: 'showBlf' },
          { guard: 'messageWaiting', actions: ['showMessages', PUBLISH] },
        ],
      },
      states: {
        idle: {},
        receiving: {},
        /** A block came in: the layout is applied once every block is. */
        check: {
          always: [{ guard: 'layoutComplete', target: 'idle', actions: ['applyDownload', PUBLISH] }, { target: 'receiving' }],
        },
      },
    },
  },
});

export type KeysMachine = typeof keysMachine;
