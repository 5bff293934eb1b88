// Every machine's context stays under 20 top-level fields, through a whole working life: an upgrade
// download, registration, a hot desk login, a call. Why it matters: XState copies the context with
// Object.assign({}, context, update) on every assign, and V8 gives a copy of 20 or more named fields
// dictionary properties, about 20 times slower to copy (0.5 µs at 19 fields, 7 µs at 20, measured on
// Node 20). A phone's heartbeats, key presses and TFTP blocks all assign; a fleet of 10,000 pays it.
import { describe, expect, it } from 'vitest';
import type { InspectionEvent } from 'xstate';
import { parseControllerConfig } from '../../sim/controller/config.ts';
import { World } from '../../sim/world.ts';

const FIELD_LIMIT = 20;

describe('machine contexts', () => {
  it(`keep fewer than ${FIELD_LIMIT} top-level fields in every actor, from an upgrade through a login and a call`, async () => {
    const widest = new Map<string, number>();
    const inspect = (_phone: string, e: InspectionEvent) => {
      if (e.type !== '@xstate.snapshot') return;
      const context = (e.snapshot as { context?: unknown }).context;
      if (!context || typeof context !== 'object') return;
      const ref = e.actorRef as { logic?: { id?: string }; id?: string };
      const id = ref.logic?.id ?? ref.id ?? "?";
      widest.set(id, Math.max(widest.get(id) ?? 0, Object.keys(context).length));
    };
    const config = parseControllerConfig(
      {
        users: [
          { ext: '5123', pin: '1234', name: 'Alice Smith' },
          { ext: '5124', pin: '4321', name: 'Bob Jones' },
        ],
        firmware: [{ family: '53gx', version: '9.9.9.9', size: '8KiB' }],
      },
      'context shape',
    );
    const w = await World.build({
      profile: '5340',
      phones: [
        { name: 'desk', profile: '5340', firmware: '1.0.0.0' },
        { name: 'handset', profile: '5607' },
      ],
      link: { kind: 'frames' },
      config,
      seed: 11,
      inspect,
    });
    try {
      const desk = w.units.get('desk')!.phone;
      const handset = w.units.get('handset')!.phone;
      const idle = (p: typeof desk) => p.screen.lines.some((l) => l.includes('No User Logged In'));
      expect(await w.advance(120_000, () => idle(desk) && idle(handset))).toBe(true);
      const keys = async (p: typeof desk, ks: string[]) => {
        for (const k of ks) {
          p.press(k);
          await w.advance(0);
        }
      };
      await keys(desk, ['hotdesk', 'login', '5', '1', '2', '3', 'ok', '1', '2', '3', '4', 'ok']);
      await keys(handset, ['login', '5', '1', '2', '4', 'ok', '4', '3', '2', '1', 'ok']);
      expect(await w.advance(10_000, () => desk.hotdesk?.user?.ext === '5123' && handset.hotdesk?.user?.ext === '5124')).toBe(true);
      await keys(desk, ['5', '1', '2', '4']);
      expect(await w.advance(10_000, () => (handset.hotdesk?.calls ?? []).some((c) => c.state === 'ringing'))).toBe(true);
      await w.advance(60_000); // heartbeats
    } finally {
      await w.close();
    }
    // the machines that run a phone's life were all seen, the download client among them
    for (const id of ['phone', 'dhcp', 'tftp', 'service', 'session', 'keys', 'calls', 'acd']) expect(widest.has(id), id).toBe(true);
    const wide = [...widest].filter(([, n]) => n >= FIELD_LIMIT);
    expect(wide).toEqual([]);
  });
});
