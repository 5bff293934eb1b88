// The trace beside the phones: one line per record (docs/design.md "Trace"), the newest at the bottom,
// the phone named as the page names it. The records carry no PIN; this only formats them.

const KEPT = 500;

function detail(r) {
  switch (r.kind) {
    case 'display':
      return (r.lines ?? []).map((l) => `[${l}]`).join(' ');
    case 'key':
      return r.key;
    case 'lamp':
      return `${r.key} ${r.cadence}${r.on === undefined ? '' : r.on ? ' on' : ' off'}`;
    case 'frame':
      return `${r.dir} ${r.proto} ${r.summary}`;
    case 'state':
      return `${r.machine} ${typeof r.value === 'string' ? r.value : JSON.stringify(r.value)}`;
    case 'drop':
      return r.reason;
    case 'flash':
      return `${r.slot} ${r.op}`;
    case 'error':
    case 'info':
      return r.message;
    default: {
      const { seq: _s, t: _t, node: _n, kind: _k, ...rest } = r;
      return JSON.stringify(rest);
    }
  }
}

export class TraceLog {
  constructor(list, nodeNames) {
    this.list = list;
    this.nodeNames = nodeNames;
  }

  clear() {
    this.list.replaceChildren();
  }

  add(records) {
    if (records.length === 0) return;
    const box = this.list.parentElement;
    const atBottom = box.scrollTop + box.clientHeight >= box.scrollHeight - 4;
    for (const r of records) {
      const li = document.createElement('li');
      li.className = `rec rec-${r.kind}`;
      li.dataset.kind = r.kind;
      li.textContent = `${(r.t / 1000).toFixed(3).padStart(9)} ${this.nodeNames.get(r.node) ?? r.node} ${r.kind} ${detail(r)}`;
      this.list.append(li);
    }
    while (this.list.childElementCount > KEPT) this.list.firstElementChild.remove();
    if (atBottom) box.scrollTop = box.scrollHeight;
  }
}
