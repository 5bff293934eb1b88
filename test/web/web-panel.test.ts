// The web panel as a person uses it, in real headless Chromium: a hot desk user logs in by clicking
// (HotDesking, Login, the extension on the keypad, OK, the PIN, OK), sees the PIN masked, watches a
// BLF lamp blink 438 ms off / 62 ms on, and logs out; then the keyboard. The simulation runs on the
// virtual clock: the test moves it and waits for the page to show that time, so every lamp sample is
// taken at an exact, known instant. A screenshot is kept in test-artifacts/web-panel.png.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyRecordHits, textHits } from '../security/pin-scan.ts';
import { PIN, showing, webWorld, type WebWorld } from './web-rig.ts';

const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');
const PHONE = '[data-phone="phone"]';

let w: WebWorld;
let browser: Browser;
let page: Page;
/** Every frame the page got over its socket, and every URL it asked for. */
const frames: string[] = [];
const requests: string[] = [];

beforeAll(async () => {
  w = await webWorld();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1700, height: 1000 } });
  page.on('request', (r) => requests.push(r.url()));
  page.on('websocket', (ws) => ws.on('framereceived', (f) => frames.push(String(f.payload))));
  await page.goto(w.web.url);
  await page.waitForSelector(`${PHONE} .display .row`);
});

afterAll(async () => {
  await browser?.close();
  await w?.close();
});

/** The page shows the simulation at exactly the world's time now. */
async function pageAtNow(): Promise<void> {
  await page.waitForFunction((t) => document.body.dataset.t === String(t), w.world.now());
}

async function displayShows(text: string): Promise<void> {
  await page.waitForFunction(([sel, want]) => [...document.querySelectorAll(`${sel} .display .row`)].some((r) => r.textContent!.includes(want)), [PHONE, text] as const);
}

/** Clicks a key of the phone and waits until the world has taken the press. */
async function click(selector: string): Promise<void> {
  const before = Number(await page.getAttribute(PHONE, 'data-presses'));
  await page.click(`${PHONE} ${selector}`);
  await page.waitForFunction(([sel, n]) => Number(document.querySelector(sel)!.getAttribute('data-presses')) === n, [PHONE, before + 1] as const);
}

async function lampOf(key: string): Promise<{ lit: string | null; cadence: string | null }> {
  const lamp = page.locator(`${PHONE} [data-lamp="${key}"]`);
  return { lit: await lamp.getAttribute('data-lit'), cadence: await lamp.getAttribute('data-cadence') };
}

describe('the web panel in Chromium', () => {
  it('logs a user in by clicking, masks the PIN, blinks the BLF lamp at 438/62, and logs out', async () => {
    await w.until(showing(w.world, 'No User Logged In'), 30_000, 'No User Logged In');
    await displayShows('No User Logged In');
    // every phone of the world is drawn: display rows and columns, the keys, the keypad
    expect(await page.locator(`${PHONE} .display .row`).count()).toBe(8);
    expect(await page.locator(`${PHONE} .pkey`).count()).toBe(48);
    expect(await page.locator(`${PHONE} .keypad .dial`).count()).toBe(12);

    await click('[data-key="hotdesk"]');
    await w.until(() => w.world.hotdesk()?.softkeys.includes('login') ?? false, 2_000, 'the Login softkey');
    await click('.softkey[data-key="login"]');
    await w.until(showing(w.world, 'Enter Extension:'), 2_000, 'Enter Extension:');
    await displayShows('Enter Extension:');
    for (const digit of '5123') await click(`.dial[data-key="${digit}"]`);
    await displayShows('5123');
    await click('.fixed[data-key="ok"]');
    await w.until(showing(w.world, 'Enter PIN:'), 2_000, 'Enter PIN:');
    await displayShows('Enter PIN:');
    for (const [i, digit] of [...PIN].entries()) {
      await click(`.dial[data-key="${digit}"]`);
      await w.until(showing(w.world, '*'.repeat(i + 1)), 1_000, `${i + 1} stars`);
      await displayShows('*'.repeat(i + 1));
      expect(await page.textContent(`${PHONE} .status`)).toBe('pressed masked');
    }
    expect(await page.getAttribute(PHONE, 'data-masked')).toBe('true');
    const text = await page.evaluate(() => document.body.innerText);
    expect(text).toContain('*'.repeat(PIN.length));
    expect(text).not.toContain(PIN);
    await click('.fixed[data-key="ok"]');
    await w.until(showing(w.world, 'Alice Smith'), 10_000, 'Alice Smith');
    await displayShows('Alice Smith');

    // key 2 watches Bob, a hot desk user who is logged out: 438 ms off, then 62 ms on, from its origin
    await w.until(() => w.world.lamp('key:2') === 'hotdesk-logged-out', 10_000, 'the BLF lamp');
    const origin = w.world.phone!.lamps.get('key:2').origin;
    const period = Math.ceil((w.world.now() - origin) / 500) + 1;
    const start = origin + period * 500;
    const samples: [number, boolean][] = [
      [100, false],
      [437, false],
      [439, true],
      [480, true],
      [499, true],
      [501, false],
      [937, false],
      [939, true],
    ];
    for (const [offset, lit] of samples) {
      await w.advanceTo(start + offset);
      await pageAtNow();
      expect(w.world.phone!.lamps.stateAt('key:2').lit, `firmware at +${offset}`).toBe(lit);
      expect(await lampOf('key:2'), `page at +${offset} ms`).toEqual({ lit: String(lit), cadence: 'hotdesk-logged-out' });
      if (lit && offset === 480) {
        mkdirSync(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: join(ARTIFACTS, 'web-panel.png'), fullPage: true });
      }
    }
    expect(await page.textContent(`${PHONE} [data-label="key:2"]`)).toBeTruthy();

    await click('.softkey[data-key="logout"]');
    await w.until(showing(w.world, 'No User Logged In'), 10_000, 'No User Logged In after logout');
    await displayShows('No User Logged In');
    await w.advanceTo(start + 1439); // lit, had the lamp still been blinking
    await pageAtNow();
    expect(await lampOf('key:2')).toEqual({ lit: 'false', cadence: 'off' });
  });

  it('sent the page nothing in clear and fetched nothing from elsewhere', () => {
    expect(frames.length).toBeGreaterThan(10);
    expect(textHits('page', Buffer.from(frames.join('\n')), [PIN])).toEqual([]);
    const records = frames.flatMap((f) => (JSON.parse(f) as { type: string; record?: unknown }[]).filter((m) => m.type === 'trace').map((m) => JSON.stringify(m.record)));
    expect(keyRecordHits('page', records.join('\n'), [PIN])).toEqual([]);
    expect(requests.length).toBeGreaterThan(0);
    for (const url of requests) expect(url.startsWith(w.web.url) || url.startsWith(w.web.url.replace('http', 'ws'))).toBe(true);
  });

  it('presses keys from the keyboard: letters for the fixed keys, Escape for Cancel, F-keys for key:N', async () => {
    const before = Number(await page.getAttribute(PHONE, 'data-presses'));
    await page.keyboard.press('h');
    await page.waitForFunction(([sel, n]) => Number(document.querySelector(sel)!.getAttribute('data-presses')) === n, [PHONE, before + 1] as const);
    expect(await page.textContent(`${PHONE} .status`)).toBe('pressed hotdesk');
    await w.until(() => w.world.hotdesk()?.softkeys.includes('login') ?? false, 2_000, 'the Login softkey');
    await page.waitForSelector(`${PHONE} .softkey[data-key="login"]`);
    await page.keyboard.press('Escape');
    await page.waitForFunction((sel) => document.querySelector(sel)!.querySelector('.status')!.textContent === 'pressed cancel', PHONE);
    await page.keyboard.press('F3');
    await page.waitForFunction((sel) => document.querySelector(sel)!.querySelector('.status')!.textContent === 'pressed key:3', PHONE);
    // a key by its name, as the terminal's `:` prompt
    await page.fill('#anykey input', 'key:14');
    await page.press('#anykey input', 'Enter');
    await page.waitForFunction((sel) => document.querySelector(sel)!.querySelector('.status')!.textContent === 'pressed key:14', PHONE);
    await page.fill('#anykey input', 'key:99');
    await page.press('#anykey input', 'Enter');
    await page.waitForFunction((sel) => /programmable keys 1-48/.test(document.querySelector(sel)!.querySelector('.status.refused')?.textContent ?? ''), PHONE);
    expect(Number(await page.getAttribute(PHONE, 'data-presses'))).toBe(before + 4);
  });
});
