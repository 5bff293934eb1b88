// The one owner of the phone's screen. Everyone else asks it through events to show their rows on their
// own layer; the top layer with something on it is what the phone shows, and a layer cleared (or a
// notice that times out) uncovers the one below. Keys come here too: each goes to the owner of the
// top layer that takes it, and a key a layer passes on (display.pass) goes to the next one down.
//
//   layers, bottom to top:   boot < acd < session < call < notice
//   (acd shows nothing of its own: it takes the agent keys the layers above leave, firmware/acd/acd.ts)
//
//   plain --display.notice--> notice --ms elapsed / OK / Cancel / display.clear notice--> plain
//     ^                          |  display.notice again: restarts the timer
//     +--------------------------+
//
// A layer is plain data: rows, softkey labels, the keys it takes (names, or `dial` for 0-9 * #, or
// `any`: every key but the hook switch), whether it is a masked entry (its digits are traced as `masked`), and its owner's ref.
import { assign, enqueueActions, setup, type AnyActorRef } from 'xstate';

export const LAYERS = ['boot', 'acd', 'session', 'call', 'notice'] as const;
export type LayerName = (typeof LAYERS)[number];

export interface Layer {
  rows: string[];
  softkeys: string[];
  /** Key names this layer's owner wants; `dial` stands for 0-9, * and #; `any` for every key. */
  takes: string[];
  /** PIN entry: digits going to this layer are traced as `masked`. */
  masked: boolean;
  owner?: AnyActorRef;
}

export interface DisplayShow {
  type: 'display.show';
  layer: Exclude<LayerName, 'notice'>;
  rows: string[];
  softkeys?: string[];
  takes?: string[];
  masked?: boolean;
  owner?: AnyActorRef;
}
export interface DisplayClear {
  type: 'display.clear';
  layer: LayerName;
}
/** Rows over everything for a while (default NOTICE_MS); OK or Cancel dismisses them, other keys wait. */
export interface DisplayNotice {
  type: 'display.notice';
  rows: string[];
  ms?: number;
}
/** A layer's owner did not want this key after all: it goes to the next layer down that takes it. */
export interface DisplayPass {
  type: 'display.pass';
  key: string;
  from: LayerName;
}
export type DisplayEvent = DisplayShow | DisplayClear | DisplayNotice | DisplayPass | { type: 'key'; key: string };

/** What a person sees: the rows and the softkey labels of the top layer. */
export interface Shown {
  rows: string[];
  softkeys: string[];
  /** The top layer is a masked entry (a PIN): a panel must not echo the digits typed into it. */
  masked: boolean;
}

/** Result and notice screens stay up this long unless the notice names its own time. */
export const NOTICE_MS = 3000;

interface DisplayContext {
  layers: Partial<Record<LayerName, Layer>>;
  noticeMs: number;
}

/** The top layer with rows (or softkeys) on it. */
export function topLayer(layers: Partial<Record<LayerName, Layer>>): LayerName | undefined {
  for (let i = LAYERS.length - 1; i >= 0; i--) {
    const l = layers[LAYERS[i]];
    if (l && (l.rows.length > 0 || l.softkeys.length > 0)) return LAYERS[i];
  }
  return undefined;
}

/** The hook switch: a screen never swallows it (a notice up as a call rings must not keep it from being answered). */
const HOOK_KEYS: readonly string[] = ['offhook', 'onhook', 'handsfree'];

/** 0-9, * and #: the keys `dial` stands for. */
const isDialKey = (key: string): boolean => key.length === 1 && ((key >= '0' && key <= '9') || key === '*' || key === '#');

export function takesKey(layer: Layer, key: string): boolean {
  for (const t of layer.takes) if (t === key || (t === 'dial' && isDialKey(key)) || (t === 'any' && !HOOK_KEYS.includes(key))) return true;
  return false;
}

/** The layer a key goes to: the top one that takes it, starting below `below` when a layer passed it on. */
export function focusFor(layers: Partial<Record<LayerName, Layer>>, key: string, below?: LayerName): LayerName | undefined {
  const start = below === undefined ? LAYERS.length - 1 : LAYERS.indexOf(below) - 1;
  for (let i = start; i >= 0; i--) {
    const l = layers[LAYERS[i]];
    if (l && takesKey(l, key)) return LAYERS[i];
  }
  return undefined;
}

export function shownOf(layers: Partial<Record<LayerName, Layer>>): Shown {
  const top = topLayer(layers);
  const l = top ? layers[top] : undefined;
  // masked when a digit typed now would go to a masked entry, even under a layer that covers it (a ring)
  const digitTo = focusFor(layers, '0');
  return { rows: l ? [...l.rows] : [], softkeys: l ? [...l.softkeys] : [], masked: !!(digitTo && layers[digitTo]?.masked) };
}

/** How a key is traced: `masked` when it is a digit going to a PIN entry, never the digit. */
export function tracedKey(layers: Partial<Record<LayerName, Layer>>, key: string): string {
  const name = focusFor(layers, key);
  return name && layers[name]?.masked && /^[0-9]$/.test(key) ? 'masked' : key;
}

const isDismiss = (key: string) => key === 'ok' || key === 'cancel';

/** Who gets a key (or a key passed on from a layer above): the owner of the top layer below that takes it. */
function ownerFor(context: DisplayContext, event: DisplayEvent): AnyActorRef | undefined {
  if (event.type !== 'key' && event.type !== 'display.pass') return undefined;
  const name = focusFor(context.layers, event.key, event.type === 'display.pass' ? event.from : undefined);
  return name ? context.layers[name]?.owner : undefined;
}

const display = setup({
  types: {
    context: {} as DisplayContext,
    events: {} as DisplayEvent,
  },
  delays: { notice: ({ context }) => context.noticeMs },
  guards: {
    dismisses: ({ event }) => event.type === 'key' && isDismiss(event.key),
    clearsNotice: ({ event }) => event.type === 'display.clear' && event.layer === 'notice',
  },
  actions: {
    /** Draws what is shown now on the hardware (the board binds it to the Screen and the Panel). */
    paint: (_, _params: Shown) => {},
    /** A key in the trace: `masked` while it goes to a PIN entry (the board binds it). */
    traceKey: (_, _params: { key: string }) => {},
    setLayer: assign({
      layers: ({ context, event }) => {
        if (event.type !== 'display.show') return context.layers;
        const layer: Layer = { rows: [...event.rows], softkeys: [...(event.softkeys ?? [])], takes: [...(event.takes ?? [])], masked: !!event.masked, owner: event.owner };
        return { ...context.layers, [event.layer]: layer };
      },
    }),
    clearLayer: assign({
      layers: ({ context }, params: { layer: LayerName }) => {
        const { [params.layer]: _gone, ...rest } = context.layers;
        return rest;
      },
    }),
    setNotice: assign(({ context, event }) => {
      if (event.type !== 'display.notice') return {};
      // a notice takes every key while it is up: OK and Cancel dismiss it, the rest are not for below
      const notice: Layer = { rows: [...event.rows], softkeys: [], takes: ['any'], masked: false };
      return { layers: { ...context.layers, notice }, noticeMs: event.ms ?? NOTICE_MS };
    }),
    dropNotice: assign({
      layers: ({ context }) => {
        const { notice: _gone, ...rest } = context.layers;
        return rest;
      },
    }),
    /** The key to the owner of the layer that takes it; one no layer takes goes nowhere. */
    route: enqueueActions(({ context, event, enqueue }) => {
      const owner = ownerFor(context, event);
      if (owner && (event.type === 'key' || event.type === 'display.pass')) enqueue.sendTo(owner, { type: 'key', key: event.key });
    }),
  },
});

const REPAINT = { type: 'paint', params: ({ context }: { context: DisplayContext }) => shownOf(context.layers) } as const;
const TRACE_KEY = {
  type: 'traceKey',
  params: ({ context, event }: { context: DisplayContext; event: DisplayEvent }) => ({ key: event.type === 'key' ? tracedKey(context.layers, event.key) : '' }),
} as const;

export const displayMachine = display.createMachine({
  id: 'display',
  context: { layers: {}, noticeMs: NOTICE_MS },
  on: {
    'display.show': { actions: ['setLayer', REPAINT] },
    'display.clear': { actions: [{ type: 'clearLayer', params: ({ event }) => ({ layer: event.layer }) }, REPAINT] },
    'display.notice': { target: '.notice', reenter: true, actions: ['setNotice', REPAINT] },
    'display.pass': { actions: 'route' },
  },
  initial: 'plain',
  states: {
    plain: {
      on: { key: { actions: [TRACE_KEY, 'route'] } },
    },
    notice: {
      after: { notice: { target: 'plain', actions: ['dropNotice', REPAINT] } },
      on: {
        key: [
          { guard: 'dismisses', target: 'plain', actions: [TRACE_KEY, 'dropNotice', REPAINT] },
          { actions: [TRACE_KEY, 'route'] },
        ],
        'display.clear': [{ guard: 'clearsNotice', target: 'plain', actions: ['dropNotice', REPAINT] }, { actions: [{ type: 'clearLayer', params: ({ event }) => ({ layer: event.layer }) }, REPAINT] }],
      },
    },
  },
});

export type DisplayMachine = typeof displayMachine;
