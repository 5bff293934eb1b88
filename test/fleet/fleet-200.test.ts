// `hotdesk fleet` as a user runs it: 200 phones of four models (each login style) on one controller, in
// virtual time, every user logging in. One run, then its outputs: the JSON summary (every phase, every
// percentile), the statistics CSV, the inventory, and the HTML report in headless Chromium.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { fleetPin } from '../../sim/fleet/directory.ts';
import { readStatsCsv } from '../../sim/fleet/stats-csv.ts';
import { summarize, type FleetSummary } from '../../sim/fleet/summary.ts';
import type { InventoryLine } from '../../sim/fleet/inventory.ts';
import type { Ran } from '../support/cli.ts';
import { csvRows, hotdeskWith } from './cli.ts';

const PHONES = 200;
const MIX = '5340:80,6930:50,5607:40,5304:30';
const dir = mkdtempSync(join(tmpdir(), 'fleet-200-'));
const files = { stats: join(dir, 'stats.csv'), report: join(dir, 'report.html'), inventory: join(dir, 'inventory.jsonl') };
let ran: Ran;
let summary: FleetSummary;

beforeAll(async () => {
  ran = await hotdeskWith(['fleet', '--phones', MIX, '--logins', '--stats', files.stats, '--stats-interval', '2s', '--report', files.report, '--inventory', files.inventory, '--json']);
  summary = JSON.parse(ran.stdout);
}, 240_000);

describe('a fleet of 200 phones', () => {
  it('every phone registers and logs in; the summary has every phase and every percentile', () => {
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    expect(summary).toMatchObject({ ok: true, phones: PHONES, reached: PHONES, failed: 0, target: 'logged-in', failures: {}, shards: ['0/1'] });
    expect(summary.models).toEqual({ '5340': 80, '6930': 50, '5607': 40, '5304': 30 });
    expect(summary.counts).toEqual({ poweredOn: PHONES, dhcpAck: PHONES, firmwareChecked: PHONES, registered: PHONES, loggedIn: PHONES, rehomed: 0 });
    const order = ['dhcpAck', 'firmwareChecked', 'registered', 'loggedIn'] as const;
    for (const m of order) {
      const p = summary.milestones[m];
      expect(p.count, m).toBe(PHONES);
      // DHCP's first DISCOVER waits 1-10 s (RFC 2131): every milestone comes after it
      expect(p.p50, m).toBeGreaterThan(1000);
      expect(p.p50 <= p.p90 && p.p90 <= p.p99 && p.p99 <= p.max, `${m} ${JSON.stringify(p)}`).toBe(true);
    }
    for (let i = 1; i < order.length; i++) expect(summary.milestones[order[i]].p50).toBeGreaterThanOrEqual(summary.milestones[order[i - 1]].p50);
    expect(summary.simulatedMs).toBeGreaterThanOrEqual(summary.milestones.loggedIn.max);
  });

  it('the statistics CSV parses: a row every interval of simulated time, the final row agrees with the summary', () => {
    const rows = csvRows(readFileSync(files.stats, 'utf8'));
    const intervals = rows.filter((r) => r.row === 'interval');
    expect(rows.at(-1)!.row).toBe('final');
    expect(intervals.map((r) => Number(r.time_ms))).toEqual(intervals.map((_, i) => i * 2000));
    for (const k of ['powered_on', 'dhcp_ack', 'registered', 'logged_in'] as const) {
      const series = rows.map((r) => Number(r[k]));
      expect(series.every((v, i) => i === 0 || v >= series[i - 1]), k).toBe(true);
    }
    const end = rows.at(-1)!;
    expect([end.phones, end.reached, end.registered, end.logged_in, end.failed]).toEqual([String(PHONES), String(PHONES), String(PHONES), String(PHONES), '0']);
    // read back by `hotdesk fleet merge`'s reader, it is the same summary
    expect(summarize(readStatsCsv(files.stats))).toEqual(summary);
  });

  it('each phone has its own MAC, IP, DN and user, and nothing written holds a PIN', () => {
    const lines: InventoryLine[] = readFileSync(files.inventory, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(PHONES);
    for (const key of ['mac', 'ip', 'dn', 'user', 'name'] as const) expect(new Set(lines.map((l) => l[key])).size, key).toBe(PHONES);
    for (const l of lines) {
      expect(Object.keys(l).sort()).toEqual(['controller', 'dn', 'ip', 'mac', 'milestones', 'model', 'name', 'poweredOnAt', 'reached', 'shard', 'user']);
      expect(l.ip).toMatch(/^192\.168\.16\.\d+$/);
      expect(l).toMatchObject({ reached: true, controller: 'icp-1' });
    }
    const pins = new Set(Array.from({ length: PHONES }, (_, g) => fleetPin(1, g)));
    for (const text of [ran.stdout, readFileSync(files.stats, 'utf8'), readFileSync(files.inventory, 'utf8'), readFileSync(files.report, 'utf8')]) {
      const leaked = [...text.matchAll(/(?<!\d)\d{8}(?!\d)/g)].map((m) => m[0]).filter((d) => pins.has(d));
      expect(leaked).toEqual([]);
    }
  });

  it('the HTML report opens in headless Chromium, offline, with its plots drawn', async () => {
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      const requests: string[] = [];
      const errors: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      await page.goto(`file://${files.report}`);
      expect(await page.textContent('#verdict')).toContain(`PASS: ${PHONES}/${PHONES}`);
      // one plot over time, one of the cumulative distributions, one distribution per milestone reached
      const plots = await page.$$eval('svg.plot', (svgs) =>
        svgs.map((s) => {
          const box = s.getBoundingClientRect();
          const drawn = [...s.querySelectorAll('rect.bar, path.series')].map((e) => e.getBoundingClientRect()).filter((b) => b.width > 0 && b.height > 0);
          return { title: s.querySelector('title')?.textContent, width: box.width, height: box.height, drawn: drawn.length };
        }),
      );
      expect(plots.map((p) => p.title)).toEqual([
        'phones at each milestone over simulated time',
        'share of phones at each milestone, by time taken',
        'time to DHCP ack',
        'time to firmware checked',
        'time to registered',
        'time to logged in',
      ]);
      for (const p of plots) {
        expect(p.width * p.height, p.title!).toBeGreaterThan(100_000);
        expect(p.drawn, p.title!).toBeGreaterThan(1);
      }
      // the bars of each distribution add up to the phones that got there
      const barTotals = await page.$$eval('svg.plot', (svgs) => svgs.slice(2).map((s) => [...s.querySelectorAll('rect.bar title')].reduce((n, t) => n + Number(t.textContent!.split(': ').pop()), 0)));
      expect(barTotals).toEqual([PHONES, PHONES, PHONES, PHONES]);
      expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
