// Plots as inline SVG text, drawn here rather than by a script in the page: the report is one file that
// shows its plots with no network, no library and no JavaScript. Two kinds: bars (a distribution) and
// lines (counts over time, cumulative distributions), each with labelled axes.

export interface Series {
  name: string;
  color: string;
  points: [number, number][];
}

export interface Bar {
  from: number;
  to: number;
  count: number;
}

export interface Marker {
  x: number;
  label: string;
}

const W = 640;
const H = 260;
const PAD = { left: 56, right: 16, top: 16, bottom: 40 };
/** Room above the plot area for a legend (line plots). */
const LEGEND_ROWS_H = 14;

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Round tick steps (1, 2, 5 x 10^n) covering 0..max in about `n` steps; `whole`: no step under 1. */
export function ticks(max: number, n = 5, whole = false): number[] {
  if (!(max > 0)) return [0];
  const raw = whole ? Math.max(1, max / n) : max / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = 0; v <= max + step * 1e-9; v += step) out.push(Math.round(v * 1e6) / 1e6);
  return out;
}

interface Frame {
  x: (v: number) => number;
  y: (v: number) => number;
  svg: string[];
}

interface FrameSpec {
  title: string;
  xMax: number;
  yMax: number;
  xLabel: (v: number) => string;
  yLabel: (v: number) => string;
  axisName: string;
  /** Rows of legend above the plot area. */
  legendRows?: number;
  /** Counts: whole-number ticks on the y axis. */
  wholeY?: boolean;
}

function frame(o: FrameSpec): Frame & { top: number } {
  const { xMax, yMax } = o;
  const top = PAD.top + (o.legendRows ?? 0) * LEGEND_ROWS_H;
  const x = (v: number) => PAD.left + (xMax > 0 ? (v / xMax) * (W - PAD.left - PAD.right) : 0);
  const y = (v: number) => H - PAD.bottom - (yMax > 0 ? (v / yMax) * (H - top - PAD.bottom) : 0);
  const svg = [`<svg class="plot" role="img" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg"><title>${escapeXml(o.title)}</title>`];
  svg.push(`<line class="axis" x1="${PAD.left}" y1="${H - PAD.bottom}" x2="${W - PAD.right}" y2="${H - PAD.bottom}"/>`);
  svg.push(`<line class="axis" x1="${PAD.left}" y1="${top}" x2="${PAD.left}" y2="${H - PAD.bottom}"/>`);
  for (const t of ticks(xMax)) svg.push(`<text class="tick" x="${x(t).toFixed(1)}" y="${H - PAD.bottom + 14}" text-anchor="middle">${escapeXml(o.xLabel(t))}</text>`);
  for (const t of ticks(yMax, 4, o.wholeY)) {
    svg.push(`<line class="grid" x1="${PAD.left}" y1="${y(t).toFixed(1)}" x2="${W - PAD.right}" y2="${y(t).toFixed(1)}"/>`);
    svg.push(`<text class="tick" x="${PAD.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${escapeXml(o.yLabel(t))}</text>`);
  }
  svg.push(`<text class="axis-name" x="${(W + PAD.left) / 2}" y="${H - 6}" text-anchor="middle">${escapeXml(o.axisName)}</text>`);
  return { x, y, svg, top };
}

/** A distribution as bars, with vertical markers (the percentiles). */
export function barPlot(title: string, bars: readonly Bar[], markers: readonly Marker[], xLabel: (v: number) => string, axisName: string): string {
  const xMax = Math.max(0, ...bars.map((b) => b.to));
  const yMax = Math.max(1, ...bars.map((b) => b.count));
  const f = frame({ title, xMax, yMax, xLabel, yLabel: (v) => String(v), axisName, wholeY: true });
  for (const b of bars) {
    if (b.count === 0) continue;
    const x0 = f.x(b.from);
    const width = Math.max(1, f.x(b.to) - x0 - 1);
    f.svg.push(`<rect class="bar" x="${x0.toFixed(1)}" y="${f.y(b.count).toFixed(1)}" width="${width.toFixed(1)}" height="${(f.y(0) - f.y(b.count)).toFixed(1)}"><title>${escapeXml(`${xLabel(b.from)}-${xLabel(b.to)}: ${b.count}`)}</title></rect>`);
  }
  markers.forEach((m, i) => {
    const px = f.x(m.x);
    const x = px.toFixed(1);
    // a label near the right edge goes to the left of its line; each marker has a row of its own
    const right = px > W * 0.7;
    f.svg.push(`<line class="marker" x1="${x}" y1="${f.top}" x2="${x}" y2="${H - PAD.bottom}"/>`);
    f.svg.push(`<text class="marker-label" x="${x}" y="${f.top + 10 + 12 * i}" dx="${right ? -3 : 3}" text-anchor="${right ? 'end' : 'start'}">${escapeXml(m.label)}</text>`);
  });
  f.svg.push('</svg>');
  return f.svg.join('');
}

/** Lines through points, one per series, with a legend. */
export function linePlot(title: string, series: readonly Series[], xLabel: (v: number) => string, yLabel: (v: number) => string, axisName: string, yMaxAtLeast = 1): string {
  const xMax = Math.max(0, ...series.flatMap((s) => s.points.map((p) => p[0])));
  const yMax = Math.max(yMaxAtLeast, ...series.flatMap((s) => s.points.map((p) => p[1])));
  const perRow = 4;
  const f = frame({ title, xMax, yMax, xLabel, yLabel, axisName, legendRows: Math.ceil(series.length / perRow) });
  series.forEach((s, i) => {
    if (s.points.length === 0) return;
    const d = s.points.map(([px, py], k) => `${k === 0 ? 'M' : 'L'}${f.x(px).toFixed(1)},${f.y(py).toFixed(1)}`).join('');
    f.svg.push(`<path class="series" d="${d}" stroke="${s.color}"><title>${escapeXml(s.name)}</title></path>`);
    const lx = PAD.left + 10 + (i % perRow) * 140;
    const ly = PAD.top - 8 + Math.floor(i / perRow) * LEGEND_ROWS_H;
    f.svg.push(`<rect x="${lx}" y="${ly}" width="10" height="10" fill="${s.color}"/><text class="legend" x="${lx + 14}" y="${ly + 9}">${escapeXml(s.name)}</text>`);
  });
  f.svg.push('</svg>');
  return f.svg.join('');
}
