// The keyboard on the web panel: the terminal panel's keys (sim/panel/keymap.ts), so a person types the
// same on both. Digits, * and # are themselves; letters stand for the fixed keys; Enter is OK, Escape is
// Cancel; F1-F12 are programmable keys 1-12. test/web/page-modules.test.ts holds the two maps together.

export const LETTERS = {
  h: 'hotdesk',
  o: 'offhook',
  n: 'onhook',
  s: 'handsfree',
  w: 'swap',
  d: 'hold',
  t: 'transfer',
  f: 'conference',
  r: 'release',
  a: 'alarm',
};

/** The key name a keydown stands for, or undefined (a browser shortcut, a key the phone lacks). */
export function keyFor(event) {
  if (event.ctrlKey || event.altKey || event.metaKey) return undefined;
  const k = event.key;
  if (/^[0-9*#]$/.test(k)) return k;
  if (k === 'Enter') return 'ok';
  if (k === 'Escape') return 'cancel';
  const f = /^F([1-9]|1[0-2])$/.exec(k);
  if (f) return `key:${f[1]}`;
  return LETTERS[k];
}

/** What the keys are, for the page's help line. */
export const KEY_HELP =
  '0-9 * #   o offhook   n onhook   s handsfree   w swap   d hold   t transfer   f conference   r release   a alarm   h hotdesk   Enter ok   Esc cancel   F1-F12 key:1-12';
