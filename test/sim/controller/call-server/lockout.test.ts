import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../../firmware/clock.ts';
import { LockoutBook } from '../../../../sim/controller/call-server/directory-lockout.ts';
import { user, world } from './harness.ts';

const MIN = 60_000;

describe('call server: PIN lockout (3 failures in 5 minutes lock for 15)', () => {
  it('the third wrong PIN within 5 minutes locks; the right PIN is refused while locked; the lock ends on the clock', async () => {
    const w = world({ users: [user('5123', '1234')] });
    const p = w.phone(1);
    await p.register();
    expect((await p.login('5123', '0')).code).toBe('wrong-pin');
    await w.clock.advance(2 * MIN);
    expect((await p.login('5123', '0')).code).toBe('wrong-pin');
    await w.clock.advance(2 * MIN);
    expect(await p.login('5123', '0')).toMatchObject({ code: 'locked', lockedSeconds: 900 });
    const lockedAt = w.clock.now() - 5; // the server decided as the login arrived, 5 ms (one hop) ago
    // the right PIN, while locked: refused at login-begin, no challenge issued
    await w.clock.advance(10 * MIN);
    const r = await p.login('5123', '1234');
    expect(r.code).toBe('locked');
    expect(r.lockedSeconds).toBeGreaterThan(290);
    expect(r.lockedSeconds).toBeLessThanOrEqual(300);
    // a login-begin arriving one second before the lock ends: still locked (it is sent one hop earlier)
    await w.clock.advance(lockedAt + 15 * MIN - 1_000 - 5 - w.clock.now());
    expect(await p.ask({ type: 'login-begin', ext: '5123' })).toMatchObject({ type: 'login-result', code: 'locked', lockedSeconds: 1 });
    await w.clock.advance(1_000);
    expect(await p.login('5123', '1234')).toMatchObject({ code: 'ok', attemptsLeft: 3 });
    expect(w.server.counters.logins).toMatchObject({ ok: 1, 'wrong-pin': 2, locked: 3 });
  });

  it('failures spread over more than 5 minutes do not lock', async () => {
    const w = world({ users: [user('5123', '1234')] });
    const p = w.phone(1);
    await p.register();
    for (let i = 0; i < 6; i++) {
      const r = await p.login('5123', '0');
      expect(r.code).toBe('wrong-pin');
      await w.clock.advance(2.6 * MIN); // any three span more than 5 minutes
    }
    expect((await p.login('5123', '1234')).code).toBe('ok');
  });

  it('the lock is per user, whichever set the attempts come from; other users are not affected', async () => {
    const w = world({ users: [user('5123', '1234'), user('5124', '4')] });
    const [a, b, c] = [w.phone(1), w.phone(2), w.phone(3)];
    for (const ph of [a, b, c]) await ph.register();
    await a.login('5123', '0');
    await b.login('5123', '0');
    expect((await c.login('5123', '0')).code).toBe('locked');
    expect((await a.login('5123', '1234')).code).toBe('locked');
    expect((await a.login('5124', '4')).code).toBe('ok');
  });

  it('a right PIN forgets earlier wrong ones', async () => {
    const w = world({ users: [user('5123', '1234')] });
    const p = w.phone(1);
    await p.register();
    await p.login('5123', '0');
    await p.login('5123', '0');
    await p.login('5123', '1234');
    expect(await p.login('5123', '0')).toMatchObject({ code: 'wrong-pin', attemptsLeft: 2 });
  });

  it('follows a configured policy', async () => {
    const w = world({ users: [user('5123', '1234')], lockout: { failures: 2, windowMs: 1 * MIN, durationMs: 30_000 } });
    const p = w.phone(1);
    await p.register();
    expect(await p.login('5123', '0')).toMatchObject({ code: 'wrong-pin', attemptsLeft: 1 });
    expect(await p.login('5123', '0')).toMatchObject({ code: 'locked', lockedSeconds: 30 });
    await w.clock.advance(30_000);
    expect((await p.login('5123', '1234')).code).toBe('ok');
  });
});

describe('LockoutBook against a reference model', () => {
  it('locked exactly when 3 failures (since the last lock) fall within 5 minutes, for 15 minutes', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 8 * MIN }), { minLength: 1, maxLength: 12 }), (gaps) => {
        const clock = new VirtualClock();
        const book = new LockoutBook(clock, { failures: 3, windowMs: 5 * MIN, durationMs: 15 * MIN });
        let model: number[] = [];
        let lockedUntil = -1;
        for (const gap of gaps) {
          clock.advanceSync(gap);
          const now = clock.now();
          const modelLocked = now < lockedUntil;
          expect(book.status('5123').locked).toBe(modelLocked);
          if (modelLocked) continue; // a locked user gets no PIN check, so no failure is recorded
          model = model.filter((t) => t > now - 5 * MIN);
          model.push(now);
          if (model.length >= 3) {
            model = [];
            lockedUntil = now + 15 * MIN;
          }
          const s = book.recordFailure('5123');
          expect(s.locked).toBe(now < lockedUntil);
          if (!s.locked) expect(s.attemptsLeft).toBe(3 - model.length);
        }
      }),
    );
  });
});
