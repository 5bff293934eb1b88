// `--report FILE`: the run (or the merge) as one self-contained HTML page: the verdict, the milestone
// table with its percentiles, the failures by cause, the counts over simulated time, the cumulative
// distribution of every milestone, and each milestone's distribution as bars with p50/p90/p99 marked.
// Everything is inline (CSS, SVG): it opens from a file, offline, with no script to run.
import { writeFileSync } from 'node:fs';
import type { Histogram } from './histogram.ts';
import { finalRow, type FleetStats, type StatsRow } from './stats.ts';
import { formatMs, summarize, type FleetSummary } from './summary.ts';
import { barPlot, escapeXml, linePlot, ticks, type Bar, type Series } from './svg-plot.ts';
import { MILESTONE_LABELS, MILESTONES, type Milestone, type PhoneMilestone } from './tracker.ts';

const PHONE_MILESTONES = MILESTONES.filter((m): m is PhoneMilestone => m !== 'callSetup');

const COLORS: Record<Milestone | 'poweredOn' | 'failed', string> = {
  poweredOn: '#7f7f7f',
  dhcpAck: '#1f77b4',
  firmwareChecked: '#17becf',
  registered: '#2ca02c',
  loggedIn: '#9467bd',
  rehomed: '#ff7f0e',
  callSetup: '#8c564b',
  failed: '#d62728',
};

const CSS = `body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1000px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px}table{border-collapse:collapse;margin:8px 0}
td,th{border:1px solid #ccc;padding:3px 10px;text-align:right}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}
.pass{color:#1a7f37;font-weight:bold}.fail{color:#cf222e;font-weight:bold}
svg.plot{display:block;margin:8px 0 20px;background:#fff;border:1px solid #ddd}
.axis{stroke:#333;stroke-width:1}.grid{stroke:#eee;stroke-width:1}.tick,.legend,.axis-name,.marker-label{font-size:11px;fill:#444}
.marker-label{paint-order:stroke;stroke:#fff;stroke-width:3px}
.bar{fill:#4c78a8}.series{fill:none;stroke-width:2}.marker{stroke:#d62728;stroke-dasharray:4 3}`;

/** Equal-width bars (about 40, each a whole number of ms) of a histogram's buckets, from 0 to its top. */
export function bars(h: Histogram): Bar[] {
  const buckets = h.sorted();
  if (buckets.length === 0) return [];
  // at least 10 ms wide: a distribution of zeros (an instant link) is one narrow bar, not the whole plot
  const top = Math.max(10, h.max, buckets[buckets.length - 1][0]);
  const steps = ticks(top, 40, true);
  const width = steps[1] - steps[0];
  const out: Bar[] = Array.from({ length: Math.floor(top / width) + 1 }, (_, i) => ({ from: i * width, to: (i + 1) * width, count: 0 }));
  for (const [b, c] of buckets) out[Math.min(out.length - 1, Math.floor(b / width))].count += c;
  return out;
}

/** The cumulative distribution, in percent of the phones that reached the milestone. */
export function cdf(h: Histogram): [number, number][] {
  let seen = 0;
  const points: [number, number][] = [[0, 0]];
  for (const [b, c] of h.sorted()) {
    seen += c;
    points.push([b, (seen / h.count) * 100]);
  }
  return points;
}

const seconds = (ms: number): string => (ms >= 60_000 ? formatMs(ms) : `${Math.round(ms / 100) / 10}s`);
/** Axis labels for times up to `maxMs`: milliseconds on a short axis, seconds on a longer one. */
const timeAxis = (maxMs: number) => (maxMs < 2000 ? (ms: number) => `${Math.round(ms)}ms` : seconds);

function overTime(rows: readonly StatsRow[]): Series[] {
  const pick = (k: 'poweredOn' | PhoneMilestone | 'failed', name: string): Series => ({ name, color: COLORS[k], points: rows.map((r) => [r.timeMs, r[k]]) });
  const series = [pick('poweredOn', 'powered on'), ...PHONE_MILESTONES.map((m) => pick(m, MILESTONE_LABELS[m])), pick('failed', 'failed')];
  return series.filter((s) => s.points.some((p) => p[1] > 0) || s.name === 'failed');
}

function table(head: string[] | undefined, rows: string[][]): string {
  const top = head ? `<tr>${head.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr>` : '';
  return `<table>${top}${rows.map((r) => `<tr>${r.map((c) => `<td>${escapeXml(c)}</td>`).join('')}</tr>`).join('')}</table>`;
}

export function reportHtml(stats: FleetStats): string {
  const s: FleetSummary = summarize(stats);
  const reachedAny = MILESTONES.filter((m) => stats.histograms[m].count > 0);
  const models = Object.entries(s.models)
    .map(([m, n]) => `${m} x${n}`)
    .join(', ');
  const facts = [
    ['phones', `${s.phones} (${models})`],
    ['shards', s.shards.join(', ')],
    ['phase asked', s.target],
    ['reached it', `${s.reached} of ${s.phones}`],
    ['time', `${formatMs(s.simulatedMs)} simulated (${s.realtime ? 'real' : 'virtual'} time), ${formatMs(s.wallMs)} wall`],
    ['seed', String(s.seed)],
    ...(s.killAtMs === undefined ? [] : [['primary killed at', formatMs(s.killAtMs)]]),
    ['steady state', `${s.steady.heartbeats} heartbeats, ${s.steady.blfChanges} BLF changes, ${s.steady.lampChanges} lamp changes, ${s.steady.faults} faults`],
    ...(s.calls.attempted === 0 ? [] : [['calls', `${s.calls.attempted} placed, ${s.calls.connected} connected, ${s.calls.failed} failed`]]),
  ];
  const milestoneRows = MILESTONES.filter((m) => (m !== 'rehomed' || s.killAtMs !== undefined) && (m !== 'callSetup' || s.calls.attempted > 0)).map((m) => {
    const p = s.milestones[m];
    const cell = (v: number) => (p.count === 0 ? '-' : formatMs(v));
    return [MILESTONE_LABELS[m], String(p.count), cell(p.p50), cell(p.p90), cell(p.p99), cell(p.max)];
  });
  const failures = Object.entries(s.failures).sort((a, b) => b[1] - a[1]);
  const parts = [
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>hotdesk fleet report</title><style>${CSS}</style></head><body>`,
    `<h1>hotdesk fleet report</h1>`,
    `<p class="${s.ok ? 'pass' : 'fail'}" id="verdict">${s.ok ? 'PASS' : 'FAIL'}: ${s.reached}/${s.phones} phones reached the phase asked of them (${escapeXml(s.target)})${s.calls.failed > 0 ? `; ${s.calls.failed} calls failed` : ''}</p>`,
    table(undefined, facts),
    `<h2>Milestones</h2><p>Time from power-on to each milestone (re-homed: from the kill of the primary; call setup: per call, from the last digit to the called phone ringing).</p>`,
    table(['milestone', 'phones', 'p50', 'p90', 'p99', 'max'], milestoneRows),
    `<h2>Failures by cause</h2>`,
    failures.length === 0 ? '<p>none</p>' : table(['cause', 'phones'], failures.map(([c, n]) => [c, String(n)])),
    `<h2>Over time</h2>`,
    linePlot('phones at each milestone over simulated time', overTime(stats.rows), seconds, (v) => String(v), 'simulated time'),
    `<h2>Cumulative distributions</h2>`,
    linePlot(
      'share of phones at each milestone, by time taken',
      reachedAny.map((m) => ({ name: MILESTONE_LABELS[m], color: COLORS[m], points: cdf(stats.histograms[m]) })),
      seconds,
      (v) => `${v}%`,
      'time taken',
      100,
    ),
    `<h2>Distributions</h2>`,
    ...reachedAny.map((m) => {
      const p = s.milestones[m];
      const markers = [
        { x: p.p50, label: `p50 ${formatMs(p.p50)}` },
        { x: p.p90, label: `p90 ${formatMs(p.p90)}` },
        { x: p.p99, label: `p99 ${formatMs(p.p99)}` },
      ];
      const b = bars(stats.histograms[m]);
      const per = m === 'callSetup' ? 'calls' : 'phones';
      return `<h3>${escapeXml(MILESTONE_LABELS[m])}</h3>${barPlot(`time to ${MILESTONE_LABELS[m]}`, b, markers, timeAxis(b.at(-1)?.to ?? 0), `time to ${MILESTONE_LABELS[m]} (${per} per bar)`)}`;
    }),
    `<p>Final counts at ${formatMs(finalRow(stats).timeMs)}: ${PHONE_MILESTONES.map((m) => `${MILESTONE_LABELS[m]} ${finalRow(stats)[m]}`).join(', ')}.</p>`,
    '</body></html>\n',
  ];
  return parts.join('\n');
}

export function writeReport(path: string, stats: FleetStats): void {
  writeFileSync(path, reportHtml(stats));
}
