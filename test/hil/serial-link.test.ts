import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makePtyPair } from '../../sim/wire/pty.ts';
import { openSerialLink } from '../../sim/wire/serial-link.ts';
import { UV_READABLE, UV_WRITABLE } from '../../sim/wire/poller-union.ts';

describe('openSerialLink', () => {
  it('fails with one line naming the path when the port cannot be opened', async () => {
    const err = await openSerialLink('/dev/hotdesk-no-such-port').catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/^cannot open serial port \/dev\/hotdesk-no-such-port: /);
    expect((err as Error).message).not.toContain('\n');
  });

  it('installs the poller fix on the real binding: a read starting keeps a pending writable', async () => {
    const pair = await makePtyPair();
    const link = await openSerialLink(pair.a);
    try {
      expect(link.pollerPatched).toBe(true);
      // the JS Poller of the opened LinuxPortBinding, and the native poller under it
      const poller = (link.port.port as unknown as { poller: { once(e: string, cb: (err: unknown) => void): void; poller: { poll(flag: number): void } } }).poller;
      const native = poller.poller;
      const realPoll = native.poll.bind(native);
      const asked: number[] = [];
      // the native method is read-only on its prototype: shadow it on the instance to watch it
      Object.defineProperty(native, 'poll', {
        configurable: true,
        value: (flag: number) => {
          asked.push(flag);
          realPoll(flag);
        },
      });
      const before = link.stats.polls;
      // the exact order of the bug: a write waits for 'writable', then a read waits for 'readable'
      poller.once('writable', () => {});
      poller.once('readable', () => {});
      expect(asked[0] & UV_WRITABLE).toBe(UV_WRITABLE);
      expect(asked[1] & (UV_READABLE | UV_WRITABLE)).toBe(UV_READABLE | UV_WRITABLE);
      expect(link.stats.polls).toBe(before + 2);
    } finally {
      await link.close();
      await pair.close();
    }
  });

  it('carries bytes both ways and reports closing', async () => {
    const pair = await makePtyPair();
    const a = await openSerialLink(pair.a);
    const b = await openSerialLink(pair.b);
    try {
      const got = new Promise<string>((resolve) => {
        let text = '';
        b.onData((d) => {
          text += Buffer.from(d).toString();
          if (text.length >= 5) resolve(text);
        });
      });
      a.write(Buffer.from('hello'));
      expect(await got).toBe('hello');
      expect(a.stats.bytesWritten).toBe(5);
      expect(b.stats.bytesRead).toBe(5);
      const closed = new Promise<Error | null>((resolve) => a.onClose(resolve));
      await a.close();
      expect(await closed).toBeNull();
      a.write(Buffer.from('late'));
      expect(a.stats.bytesDropped).toBe(4);
    } finally {
      await a.close();
      await b.close();
      await pair.close();
    }
  });
});

describe('makePtyPair', () => {
  it('makes two linked ends and removes them on close', async () => {
    const pair = await makePtyPair();
    expect(pair.a).not.toBe(pair.b);
    expect(existsSync(pair.a) && existsSync(pair.b)).toBe(true);
    await pair.close();
    expect(existsSync(pair.a) || existsSync(pair.b)).toBe(false);
  });

  it('says clearly when socat is missing', async () => {
    await expect(makePtyPair({ socat: '/nonexistent/socat' })).rejects.toThrow(/^socat not found/);
  });
});
