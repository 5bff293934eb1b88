// The web panel's page: every phone of the world, live over the socket at /ws (sim/web/server.ts). It
// renders what the server sends and sends key names back; lamps it blinks itself from each lamp's
// cadence and phase origin at the simulation's time (in real time it runs that clock on between
// updates; in virtual time it shows exactly the time the server last told).
import { litAt } from './cadence.js';
import { drawPhone, showDisplay, showHook, showLabels, showMasked, showSoftkeys } from './draw.js';
import { KEY_HELP, keyFor } from './keymap.js';
import { TraceLog } from './log.js';

const phones = new Map(); // name -> { view, section }
const nodeNames = new Map(); // trace node -> phone name
const log = new TraceLog(document.getElementById('log-lines'), nodeNames);
const clock = { t: 0, at: performance.now(), realtime: false };
let socket;
let selected;

document.getElementById('help').textContent = KEY_HELP;

function simNow() {
  return clock.realtime ? clock.t + (performance.now() - clock.at) : clock.t;
}

function select(name) {
  selected = name;
  for (const [n, p] of phones) p.section.classList.toggle('selected', n === name);
}

function hello(m) {
  phones.clear();
  nodeNames.clear();
  const box = document.getElementById('phones');
  box.replaceChildren();
  clock.realtime = m.realtime;
  for (const view of m.phones) {
    const section = drawPhone(view);
    phones.set(view.name, { view, section });
    nodeNames.set(view.node, view.name);
    box.append(section);
    showDisplay(section, view);
    showSoftkeys(section, view);
    showLabels(section, view);
    showHook(section, view);
  }
  if (!phones.has(selected)) select(m.phones[0]?.name);
  else select(selected);
  log.clear();
  log.add(m.log);
}

function status(name, text, refused) {
  const p = phones.get(name);
  if (!p) return;
  const line = p.section.querySelector('.status');
  line.textContent = text;
  line.classList.toggle('refused', !!refused);
}

/** Applies one message of a batch; the trace lines of a batch are added together. */
function apply(m, traced) {
  const p = m.phone === undefined ? undefined : phones.get(m.phone);
  switch (m.type) {
    case 'hello':
      return hello(m);
    case 'time':
      clock.t = m.t;
      clock.at = performance.now();
      return;
    case 'trace':
      return void traced.push(m.record);
    case 'refused':
      if (m.phone === undefined) document.getElementById('notice').textContent = m.message;
      return status(m.phone, m.message, true);
    case 'pressed':
      if (!p) return;
      p.view.presses = m.presses;
      p.section.dataset.presses = String(m.presses);
      return status(m.phone, `pressed ${m.key}`);
  }
  if (!p) return;
  const { view, section } = p;
  switch (m.type) {
    case 'display':
      view.lines = m.lines;
      return showDisplay(section, view);
    case 'softkeys':
      view.softkeys = m.labels;
      return showSoftkeys(section, view);
    case 'labels':
      view.labels = m.labels;
      return showLabels(section, view);
    case 'lamp':
      if (m.lamp.cadence === 'off') delete view.lamps[m.key];
      else view.lamps[m.key] = m.lamp;
      return;
    case 'masked':
      view.masked = m.masked;
      return showMasked(section, view);
    case 'hook':
      view.offhook = m.offhook;
      return showHook(section, view);
  }
}

function renderLamps() {
  const now = simNow();
  for (const { view, section } of phones.values()) {
    for (const node of section.querySelectorAll('[data-lamp]')) {
      const lamp = view.lamps[node.dataset.lamp];
      const cadence = lamp?.cadence ?? 'off';
      const lit = lamp ? litAt(view.cadences[cadence], lamp.origin, now) : false;
      if (node.dataset.cadence !== cadence) node.dataset.cadence = cadence;
      if (node.dataset.lit !== String(lit)) node.dataset.lit = String(lit);
    }
  }
  // the time the lamps now show, for whoever reads the page (a test samples lamps at known times)
  document.body.dataset.t = String(now);
}

function frame() {
  if (clock.realtime) renderLamps();
  requestAnimationFrame(frame);
}

function press(name, key) {
  if (!name || !key || socket?.readyState !== WebSocket.OPEN) return;
  select(name);
  socket.send(JSON.stringify({ type: 'press', phone: name, key }));
}

function connect() {
  socket = new WebSocket(`ws://${location.host}/ws`);
  socket.addEventListener('open', () => (document.body.dataset.connected = 'true'));
  socket.addEventListener('message', (event) => {
    const traced = [];
    for (const m of JSON.parse(event.data)) apply(m, traced);
    log.add(traced);
    renderLamps();
  });
  socket.addEventListener('close', () => {
    document.body.dataset.connected = 'false';
    setTimeout(connect, 1000);
  });
}

document.getElementById('phones').addEventListener('click', (event) => {
  const section = event.target.closest('[data-phone]');
  if (!section) return;
  const button = event.target.closest('button[data-key]');
  if (button && !button.disabled) press(section.dataset.phone, button.dataset.key);
  else select(section.dataset.phone);
});

document.addEventListener('keydown', (event) => {
  if (event.target instanceof HTMLInputElement) return;
  const key = keyFor(event);
  if (!key || !selected) return;
  event.preventDefault();
  press(selected, key);
});

// any key by its name (`login`, `key:14`, `pkm1:3`), as the terminal's `:` prompt
document.getElementById('anykey').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = event.target.elements.key;
  press(selected, input.value.trim());
  input.value = '';
});

connect();
requestAnimationFrame(frame);
