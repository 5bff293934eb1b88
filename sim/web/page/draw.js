// Draws one phone as a person sees it, from its view (sim/web/protocol.ts PhoneView): the display with
// its rows and columns, the softkeys under it, the programmable keys with their labels and lamps, the
// fixed keys, the keypad, the handset on its cradle, and any key modules. Every key is a button whose
// data-key is its contract name: a click presses it.

const FIXED_LABELS = {
  hotdesk: 'HotDesking',
  ok: 'OK',
  cancel: 'Cancel',
  hold: 'Hold',
  transfer: 'Transfer',
  conference: 'Conference',
  release: 'Release',
  alarm: 'Alarm',
  offhook: 'Off hook',
  onhook: 'On hook',
  handsfree: 'Speaker',
  swap: 'Swap',
  message: 'Message',
};
const KEYPAD = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else node.setAttribute(k, v);
  }
  node.append(...children);
  return node;
}

function lamp(key) {
  return el('span', { class: 'lamp', 'data-lamp': key, 'data-lit': 'false', 'data-cadence': 'off' });
}

/** A programmable key: its lamp and the label the layout gave it. */
function programmable(key) {
  return el('button', { class: 'pkey', 'data-key': key, title: key }, lamp(key), el('span', { class: 'label', 'data-label': key }));
}

function keyColumn(keys, side) {
  return el('div', { class: `pkeys pkeys-${side}` }, ...keys.map(programmable));
}

function range(n, name) {
  return Array.from({ length: n }, (_, i) => name(i + 1));
}

function display(view) {
  const rows = range(view.rows, () => el('div', { class: 'row' }));
  return el('div', { class: 'display', 'data-rows': String(view.rows), 'data-columns': String(view.columns), style: `--columns: ${view.columns}` }, ...rows);
}

function fixedKey(name) {
  const button = el('button', { class: `fixed fixed-${name}`, 'data-key': name }, el('span', { class: 'label', text: FIXED_LABELS[name] ?? name }));
  if (name === 'message') button.prepend(lamp(name));
  return button;
}

function keypad() {
  return el('div', { class: 'keypad' }, ...KEYPAD.map((k) => el('button', { class: 'dial', 'data-key': k, text: k })));
}

function pkm(module, index) {
  const keys = range(module.keys, (n) => `pkm${index}:${n}`);
  return el('div', { class: 'pkm', 'data-pkm': String(index), title: module.name }, el('div', { class: 'pkm-name', text: `pkm${index} ${module.model}` }), el('div', { class: 'pkm-keys' }, ...keys.map(programmable)));
}

/** The whole phone, keyed by its name; updates go through the functions below. */
export function drawPhone(view) {
  const keys = range(view.programmableKeys, (n) => `key:${n}`);
  const handset = view.kind === 'handset';
  // desk sets carry their keys either side of the display; a handset shows its few under the screen
  const half = handset ? keys.length : Math.ceil(keys.length / 2);
  const center = el(
    'div',
    { class: 'center' },
    display(view),
    el('div', { class: 'softkeys' }),
    handset && keys.length ? keyColumn(keys, 'under') : '',
    el('div', { class: 'fixedkeys' }, ...view.fixedKeys.filter((k) => !(handset ? [] : ['offhook', 'onhook']).includes(k)).map(fixedKey)),
    keypad(),
  );
  const body = handset
    ? el('div', { class: 'body' }, center)
    : el('div', { class: 'body' }, keyColumn(keys.slice(0, half), 'left'), center, keyColumn(keys.slice(half), 'right'));
  const cradle = handset ? '' : el('button', { class: 'handset', 'data-key': 'offhook', 'data-offhook': 'false', title: 'the handset: lift it (offhook), put it back (onhook)' }, el('span', { class: 'label', text: 'Handset' }));
  const section = el(
    'section',
    { class: `phone kind-${view.kind} lamps-${view.lampKind}`, 'data-phone': view.name, 'data-presses': String(view.presses), 'data-masked': String(view.masked) },
    el('header', {}, el('h2', { text: view.name }), el('span', { class: 'model', text: view.modelName })),
    body,
    cradle,
    view.pkms.length ? el('div', { class: 'pkms' }, ...view.pkms.map((m, i) => pkm(m, i + 1))) : '',
    el('div', { class: 'status', 'aria-live': 'polite' }),
  );
  return section;
}

export function showDisplay(section, view) {
  const rows = section.querySelectorAll('.display .row');
  rows.forEach((row, i) => {
    row.textContent = (view.lines[i] ?? '').padEnd(view.columns).slice(0, view.columns);
  });
}

export function showSoftkeys(section, view) {
  const box = section.querySelector('.softkeys');
  const count = Math.max(view.softkeyCount, view.softkeys.length);
  box.replaceChildren(
    ...range(count, (n) => {
      const label = view.softkeys[n - 1];
      return label ? el('button', { class: 'softkey', 'data-key': label, text: label }) : el('button', { class: 'softkey', disabled: '', text: '' });
    }),
  );
}

export function showLabels(section, view) {
  for (const node of section.querySelectorAll('[data-label]')) node.textContent = view.labels[node.dataset.label] ?? '';
}

export function showHook(section, view) {
  const cradle = section.querySelector('.handset');
  if (!cradle) return;
  cradle.dataset.offhook = String(view.offhook);
  cradle.dataset.key = view.offhook ? 'onhook' : 'offhook';
}

export function showMasked(section, view) {
  section.dataset.masked = String(view.masked);
}
