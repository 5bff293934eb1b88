// The display's rules, as pure functions of plain data: the layers, what is shown, where a key goes, how
// it is traced, and what one event does (displayStep). The actor that owns the screen (display.ts)
// only keeps the state, paints, times the notice and hands keys on, as this says.
//
//   layers, bottom to top:   boot < acd < session < call < notice
//   (acd shows nothing of its own: it takes the agent keys the layers above leave, firmware/acd/acd.ts)
//
//   no notice --display.notice--> notice up --its time elapsed / OK / Cancel / display.clear notice--> no notice
//                                  display.notice again: new rows, and its time starts over
//
// A layer is plain data: rows, softkey labels, the keys it takes (names, or `dial` for 0-9 * #, or
// `any`: every key but the hook switch), whether it is a masked entry (its digits are traced as `masked`), and its owner's ref.
import type { AnyActorRef } from 'xstate';

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
/** The display's own timer: the notice's time is up (sent by the actor system's scheduler). */
export interface NoticeOver {
  type: 'display.notice-over';
}

/** What a person sees: the rows and the softkey labels of the top layer. */
export interface Shown {
  rows: string[];
  softkeys: string[];
  /** The top layer is a masked entry (a PIN): a panel must not echo the digits typed into it. */
  masked: boolean;
}

/** Result and notice screens stay up this long unless the notice names its own time. */
export const NOTICE_MS = 3000;

export interface DisplayState {
  layers: Partial<Record<LayerName, Layer>>;
  /** How long the notice up now stays (NOTICE_MS unless it named its own time). */
  noticeMs: number;
}

export const EMPTY_DISPLAY: DisplayState = { layers: {}, noticeMs: NOTICE_MS };

/** The top layer with rows (or softkeys) on it. */
function topLayer(layers: Partial<Record<LayerName, Layer>>): LayerName | undefined {
  for (let i = LAYERS.length - 1; i >= 0; i--) {
    const l = layers[LAYERS[i]];
    if (l && (l.rows.length > 0 || l.softkeys.length > 0)) return LAYERS[i];
  }
  return undefined;
}

/** The hook switch: a screen never swallows it (a notice up as a call rings must not keep it from being answered). */
const HOOK_KEYS: readonly string[] = ['offhook', 'onhook', 'handsfree'];

/** 0-9, * and #: the keys `dial` stands for (the keys that dial, for every owner). */
export const isDialKey = (key: string): boolean => key.length === 1 && ((key >= '0' && key <= '9') || key === '*' || key === '#');

function takesKey(layer: Layer, key: string): boolean {
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

/** How a key going to layer `to` is traced: `masked` when it is a digit going to a PIN entry, never the digit. */
function tracedKey(layers: Partial<Record<LayerName, Layer>>, to: LayerName | undefined, key: string): string {
  return to && layers[to]?.masked && key.length === 1 && key >= '0' && key <= '9' ? 'masked' : key;
}

const isDismiss = (key: string) => key === 'ok' || key === 'cancel';

/** What one event does: the state after it, and what the display must do about it, in this order. */
export interface DisplayStep {
  state: DisplayState;
  /** A key pressed, as the trace names it (`masked` for a PIN digit). */
  traced?: string;
  /** The notice's timer: (re)start it for `state.noticeMs`, or stop it. */
  timer?: 'start' | 'stop';
  /** What is shown may have changed: paint `shownOf(state.layers)`. */
  repaint: boolean;
  /** The key goes to this owner. */
  route?: { owner: AnyActorRef; key: string };
}

type Layers = DisplayState['layers'];

const withLayer = (layers: Layers, name: LayerName, layer: Layer): Layers => ({ ...layers, [name]: layer });
const without = (layers: Layers, name: LayerName): Layers => {
  const { [name]: _gone, ...rest } = layers;
  return rest;
};

/** The key to the owner of layer `to`, if it has one. */
function routeTo(layers: Layers, to: LayerName | undefined, key: string): DisplayStep['route'] {
  const owner = to ? layers[to]?.owner : undefined;
  return owner ? { owner, key } : undefined;
}

/** The display's rules: what `event` does to `state`. Pure: the actor carries out the rest. */
export function displayStep(state: DisplayState, event: DisplayEvent | NoticeOver): DisplayStep {
  const { layers } = state;
  switch (event.type) {
    case 'display.show': {
      const layer: Layer = { rows: [...event.rows], softkeys: [...(event.softkeys ?? [])], takes: [...(event.takes ?? [])], masked: !!event.masked, owner: event.owner };
      return { state: { ...state, layers: withLayer(layers, event.layer, layer) }, repaint: true };
    }
    case 'display.clear':
      return { state: { ...state, layers: without(layers, event.layer) }, timer: event.layer === 'notice' && layers.notice ? 'stop' : undefined, repaint: true };
    case 'display.notice': {
      // a notice takes every key while it is up: OK and Cancel dismiss it, the rest are not for below
      const notice: Layer = { rows: [...event.rows], softkeys: [], takes: ['any'], masked: false };
      return { state: { layers: withLayer(layers, 'notice', notice), noticeMs: event.ms ?? NOTICE_MS }, timer: 'start', repaint: true };
    }
    case 'display.notice-over':
      return layers.notice ? { state: { ...state, layers: without(layers, 'notice') }, repaint: true } : { state, repaint: false };
    case 'display.pass':
      return { state, repaint: false, route: routeTo(layers, focusFor(layers, event.key, event.from), event.key) };
    case 'key': {
      // where it goes decides both its trace and its owner: found once
      const to = focusFor(layers, event.key);
      const traced = tracedKey(layers, to, event.key);
      if (layers.notice && isDismiss(event.key)) return { state: { ...state, layers: without(layers, 'notice') }, traced, timer: 'stop', repaint: true };
      return { state, traced, repaint: false, route: routeTo(layers, to, event.key) };
    }
  }
}
