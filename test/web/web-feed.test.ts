// The web panel's feed without a browser: what a page is sent (every phone's full view, then changes,
// then the clock), what it may press, and what it is refused. A hot desk login through the socket shows
// the PIN masked, and no frame the server sends carries the PIN.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { FIXED_CADENCES } from '../../firmware/profile.ts';
import { keyRecordHits, textHits } from '../security/pin-scan.ts';
import type { PhoneView, ServerMessage } from '../../sim/web/protocol.ts';
import { FeedClient } from './feed-client.ts';
import { PIN, showing, webWorld, type WebWorld } from './web-rig.ts';

type Of<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;
const is =
  <T extends ServerMessage['type']>(type: T, test: (m: Of<T>) => boolean = () => true) =>
  (m: ServerMessage): m is Of<T> =>
    m.type === type && test(m as Of<T>);

let w: WebWorld;
let page: FeedClient;

beforeAll(async () => {
  w = await webWorld({
    pkms: ['5412'],
    extraPhones: [
      { name: 'reception', profile: '5320' },
      { name: 'handset', profile: '5607' },
    ],
  });
  page = await FeedClient.open(w.web.url);
});

afterAll(async () => {
  page?.close();
  await w?.close();
});

describe('the web panel feed', () => {
  it('greets a page with every phone of the world as a person sees it', async () => {
    const hello = await page.next(is('hello'));
    expect(hello.realtime).toBe(false);
    expect(hello.phones.map((p) => p.name)).toEqual(['phone', 'reception', 'handset']);
    const [desk, reception, handset] = hello.phones as PhoneView[];
    expect(desk).toMatchObject({ model: '5340', kind: 'desk', rows: 8, columns: 40, programmableKeys: 48, softkeyCount: 5, lampKind: 'red-led' });
    expect(desk.pkms).toEqual([{ model: '5412', name: 'Mitel 5412 Programmable Key Module', keys: 12 }]);
    expect(desk.node).toMatch(/^phone:00:08:5d(:[0-9a-f]{2}){3}$/);
    expect(desk.cadences['hotdesk-logged-out']).toEqual(FIXED_CADENCES['hotdesk-logged-out']);
    expect(desk.fixedKeys).toContain('hotdesk');
    expect(desk.fixedKeys).not.toContain('alarm');
    expect(reception).toMatchObject({ model: '5320', rows: 5, columns: 40, programmableKeys: 12 });
    expect(handset).toMatchObject({ model: '5607', kind: 'handset', programmableKeys: 0 });
    expect(handset.fixedKeys).toContain('alarm');
    // each phone shows its own display, through its own panel, fitted to its own columns
    expect(hello.phones.map((p) => p.lines[0])).toEqual(['Waiting for LAN link', 'Waiting for LAN link', 'Waiting for LAN li']);
    const booted = (name: string) => w.world.units.get(name)!.phone.screen.lines[0] !== hello.phones.find((p) => p.name === name)!.lines[0];
    await w.until(() => ['phone', 'reception', 'handset'].every(booted), 30_000, 'every phone past its first screen');
    for (const name of ['phone', 'reception', 'handset']) {
      const shown = await page.next(is('display', (m) => m.phone === name));
      expect(shown.lines).not.toEqual(hello.phones.find((p) => p.name === name)!.lines);
    }
  });

  it('sends the clock after the simulation moves it', async () => {
    const from = page.messages.length;
    await w.world.advance(1234);
    w.web.server.sync();
    const t = w.world.now();
    await page.next(is('time', (m) => m.t === t), from);
  });

  it('logs a user in by socket presses: the PIN is masked on the display and in every answer', async () => {
    await w.until(showing(w.world, 'No User Logged In'), 30_000, 'No User Logged In');
    await page.next(is('display', (m) => m.phone === 'phone' && m.lines.some((l) => l.includes('No User Logged In'))));
    expect(await page.press('phone', 'hotdesk')).toMatchObject({ type: 'pressed', key: 'hotdesk', presses: 1 });
    await w.until(() => w.world.hotdesk()?.softkeys.includes('login') ?? false, 2_000, 'the Login softkey');
    await page.next(is('softkeys', (m) => m.phone === 'phone' && m.labels.includes('login')));
    await page.press('phone', 'login');
    for (const d of '5123') await page.press('phone', d);
    await page.press('phone', 'ok');
    await w.until(showing(w.world, 'Enter PIN:'), 2_000, 'Enter PIN:');
    await page.next(is('masked', (m) => m.phone === 'phone' && m.masked));
    for (const [i, d] of [...PIN].entries()) {
      const from = page.messages.length;
      expect(await page.press('phone', d)).toMatchObject({ type: 'pressed', key: 'masked' });
      await w.until(showing(w.world, '*'.repeat(i + 1)), 1_000, `${i + 1} stars`);
      await page.next(is('display', (m) => m.phone === 'phone' && m.lines.some((l) => l.includes('*'.repeat(i + 1)))), from);
    }
    await page.press('phone', 'ok');
    await w.until(showing(w.world, 'Alice Smith'), 10_000, 'Alice Smith');
    await page.next(is('display', (m) => m.phone === 'phone' && m.lines.some((l) => l.includes('Alice Smith'))));
    await page.next(is('masked', (m) => m.phone === 'phone' && !m.masked));
    // the BLF key watching Bob, a hot desk user logged out: 438 ms off, 62 ms on, from the bank's origin
    await w.until(() => w.world.lamp('key:2') === 'hotdesk-logged-out', 10_000, 'the BLF lamp');
    const lamp = await page.next(is('lamp', (m) => m.phone === 'phone' && m.key === 'key:2' && m.lamp.cadence === 'hotdesk-logged-out'));
    expect(lamp.lamp.origin).toBe(w.world.phone!.lamps.get('key:2').origin);
    await page.next(is('labels', (m) => m.phone === 'phone' && m.labels['key:2'] !== undefined));
  });

  it('never sends the PIN in clear: not in a display, an answer, a key record or anywhere else', () => {
    const all = page.frames.join('\n');
    expect(textHits('feed', Buffer.from(all), [PIN])).toEqual([]);
    const records = page.messages.flatMap((m) => (m.type === 'trace' ? [JSON.stringify(m.record)] : []));
    expect(records.some((r) => r.includes('"kind":"key"') && r.includes('"masked"'))).toBe(true);
    expect(keyRecordHits('feed', records.join('\n'), [PIN])).toEqual([]);
  });

  it('gives a page that connects late the whole state at once', async () => {
    const late = await FeedClient.open(w.web.url);
    try {
      const hello = await late.next(is('hello'));
      const desk = hello.phones[0];
      expect(desk.lines.some((l) => l.includes('Alice Smith'))).toBe(true);
      expect(desk.lamps['key:2']).toEqual(w.world.phone!.lamps.get('key:2'));
      expect(desk.labels['key:2']).toBeTruthy();
      expect(desk.presses).toBe(1 + 1 + 4 + 1 + PIN.length + 1);
      expect(hello.log.length).toBeGreaterThan(0);
      expect(hello.log.length).toBeLessThanOrEqual(200);
    } finally {
      late.close();
    }
  });

  it('presses on any phone of the world, by name', async () => {
    expect(await page.press('reception', 'hotdesk')).toMatchObject({ type: 'pressed', phone: 'reception', presses: 1 });
    expect(await page.press('handset', 'alarm')).toMatchObject({ type: 'pressed', phone: 'handset' });
    expect(await page.press('phone', 'pkm1:12')).toMatchObject({ type: 'pressed' });
    const from = page.messages.length;
    expect(await page.press('phone', 'offhook')).toMatchObject({ type: 'pressed' });
    await page.next(is('hook', (m) => m.phone === 'phone' && m.offhook), from);
    await page.press('phone', 'onhook');
    await page.next(is('hook', (m) => m.phone === 'phone' && !m.offhook), from);
  });

  it('refuses what is not a key of that phone, with the reason, and presses nothing', async () => {
    const refusals: [string, unknown, RegExp][] = [
      ['nobody', 'hotdesk', /no phone named "nobody" \(phones: phone, reception, handset\)/],
      ['phone', 'hotdsk', /unknown key "hotdsk"/],
      ['phone', 'alarm', /5340 has no Alarm key/],
      ['phone', 'key:49', /programmable keys 1-48/],
      ['phone', 'pkm2:1', /key modules pkm1-pkm1/],
      ['phone', 'pkm1:13', /a 5412\) has keys 1-12/],
      ['handset', 'key:1', /no programmable keys/],
      ['phone', 42, /short string/],
      ['phone', '12345678', /unknown key "\.\.\."/], // a digit run is never echoed back
    ];
    for (const [phone, key, reason] of refusals) {
      const answer = await page.press(phone, key as string);
      expect(answer.type, `${phone} ${String(key)}`).toBe('refused');
      expect((answer as Of<'refused'>).message).toMatch(reason);
    }
    for (const junk of ['not json', '{"type":"reboot"}', 'null']) {
      const from = page.messages.length;
      page.send(junk);
      expect(await page.next(is('refused'), from)).toMatchObject({ type: 'refused' });
    }
    const from = page.messages.length;
    page.ws.send(Buffer.from([1, 2, 3]));
    expect(await page.next(is('refused'), from)).toMatchObject({ message: 'the panel takes JSON text messages' });
    expect((await FeedClient.open(w.web.url).then((c) => (c.close(), c.next(is('hello'))))).phones[0].presses).toBe(1 + 1 + 4 + 1 + PIN.length + 1 + 3);
  });
});

describe('the web panel server', () => {
  it('serves only the page, same-origin, self-contained', async () => {
    const res = await fetch(w.web.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toContain('panel.js');
    for (const file of ['panel.js', 'draw.js', 'cadence.js', 'keymap.js', 'log.js', 'panel.css']) {
      expect((await fetch(w.web.url + file)).status, file).toBe(200);
    }
    expect((await fetch(w.web.url + 'nothing.js')).status).toBe(404);
    expect((await fetch(w.web.url + 'index.html', { method: 'POST' })).status).toBe(405);
  });

  it('answers no path outside the page and no name but loopback (DNS rebinding)', async () => {
    const raw = (path: string, host: string) =>
      new Promise<string>((resolve, reject) => {
        import('node:net').then(({ connect }) => {
          const socket = connect(w.web.server.port, '127.0.0.1', () => socket.write(`GET ${path} HTTP/1.1\r\nhost: ${host}\r\nconnection: close\r\n\r\n`));
          let text = '';
          socket.on('data', (d) => (text += d));
          socket.on('end', () => resolve(text.split('\r\n')[0]));
          socket.on('error', reject);
        });
      });
    const here = `127.0.0.1:${w.web.server.port}`;
    expect(await raw('/../package.json', here)).toBe('HTTP/1.1 404 Not Found');
    expect(await raw('/%2e%2e/package.json', here)).toBe('HTTP/1.1 404 Not Found');
    expect(await raw('/', `localhost:${w.web.server.port}`)).toBe('HTTP/1.1 200 OK');
    expect(await raw('/', `attacker.example:${w.web.server.port}`)).toBe('HTTP/1.1 403 Forbidden');
  });

  it('lets no other origin open the socket', async () => {
    await expect(FeedClient.open(w.web.url, { origin: 'http://attacker.example' })).rejects.toThrow('refused: 403');
    await expect(FeedClient.open(w.web.url, { host: 'attacker.example' })).rejects.toThrow('refused: 403');
    const own = await FeedClient.open(w.web.url, { origin: `http://127.0.0.1:${w.web.server.port}` });
    own.close();
    await expect(
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${w.web.server.port}/other`);
        ws.once('unexpected-response', (_q, res) => resolve(res.statusCode));
        ws.once('error', reject);
      }),
    ).resolves.toBe(404);
  });
});
