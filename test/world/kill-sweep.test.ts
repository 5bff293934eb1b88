// Sessions survive re-homing whole (issue "Security and reliability"): the primary is killed right after
// each signalling datagram it exchanges with the phone during a login, the key-layout download that
// follows, a BLF push and a ringing call; then it comes back and the phone fails back. After the
// fail-over, after the fail-back and after a logout, each run checks that what the phone shows and what
// the cluster holds agree: the user logged in on the phone exactly when one live element (the one the
// phone is on) has the user's session, with every key of the user's layout, the BLF lamp showing the
// monitored user's state, and no element keeping a stale session. The sweep prints how many of its runs
// were inconsistent; the target is 0.
import { describe, expect, it } from 'vitest';
import { parseControllerConfig } from '../../sim/controller/config.ts';
import type { StampedRecord } from '../../sim/trace.ts';
import { World } from '../../sim/world.ts';
import { displayShows } from '../../sim/scenario/verbs.ts';

const PRIMARY = 'icp-1';
const SECONDARY = 'icp-2';
const SECONDARY_IP = '192.168.10.2';
const PRIMARY_IP = '192.168.10.1';
// 40 keys: the layout takes more than one block, so a kill can fall between blocks
const KEYS = [
  { key: 1, type: 'line', dn: '5123' },
  { key: 2, type: 'blf', dn: '5124', label: 'Bob' },
  ...Array.from({ length: 38 }, (_, i) => ({ key: i + 3, type: 'speed-dial', dn: `00155500${String(i).padStart(2, '0')}`, label: `Speed dial ${String(i + 3).padStart(2, "0")} for the ward desk`.slice(0, 32) })),
];

function config() {
  return parseControllerConfig(
    {
      'heartbeat-interval': '5s',
      'health-check-interval': '5s',
      cluster: [{ id: SECONDARY, ip: SECONDARY_IP }],
      // resilient hot desking: the set and the user both have the secondary element
      sets: [{ profile: '5340', dn: '5000', secondary: SECONDARY_IP }],
      users: [
        { ext: '5123', pin: '1234', name: 'Alice Smith', secondary: SECONDARY_IP, keys: KEYS },
        { ext: '5124', pin: '1', name: 'Bob' },
      ],
    },
    'kill sweep',
  );
}

async function until(w: World, ms: number, done: () => boolean, what: string): Promise<void> {
  if (!(await w.advance(ms, done))) throw new Error(`${what} not within ${ms} ms; display [${w.display().join(' | ')}]`);
}

/** The phone's and the cluster's view of the user agree; returns what is wrong (empty: consistent). */
function inconsistencies(w: World, stage: string): string[] {
  const out: string[] = [];
  const view = w.hotdesk();
  const user = view?.user?.ext;
  const on = view?.controllerId;
  for (const id of [PRIMARY, SECONDARY]) {
    const cs = w.controller!.callServerBy(id)!;
    const held = cs.users().filter((u) => u.ext === '5123');
    const here = id === on;
    if (here && user === '5123' && held.length !== 1) out.push(`${stage}: ${id} (the phone's) holds ${held.length} sessions of 5123, the phone shows the user`);
    if (here && user === undefined && held.length > 0) out.push(`${stage}: ${id} (the phone's) holds a session of 5123, the phone shows nobody`);
    if (!here && held.length > 0 && isAlive(w, id)) out.push(`${stage}: ${id} (not the phone's) keeps a stale session of 5123`);
  }
  if (user === '5123') {
    const keys = view!.keys.map((k) => k.id);
    if (keys.length !== KEYS.length) out.push(`${stage}: ${keys.length} of ${KEYS.length} keys shown`);
    const cs = w.controller!.callServerBy(on!)!;
    const want = cs.blfState('5124') === 'logged-out' ? 'hotdesk-logged-out' : cs.blfState('5124');
    if (w.lamp('key:2') !== want) out.push(`${stage}: BLF lamp ${w.lamp('key:2')}, ${on} says ${want}`);
  }
  return out;
}

const deadElements = new WeakMap<World, Set<string>>();
const isAlive = (w: World, id: string) => !deadElements.get(w)?.has(id);
async function act(w: World, action: 'kill' | 'revive', id: string): Promise<void> {
  const set = deadElements.get(w) ?? new Set<string>();
  deadElements.set(w, set);
  if (action === 'kill') set.add(id);
  else set.delete(id);
  await w.actOnController({ [action]: id });
}

/** The activity the sweep cuts into: login, layout download, a BLF push and a ringing call. */
async function activity(w: World): Promise<void> {
  for (const key of ['hotdesk', 'login', '5', '1', '2', '3', 'ok', '1', '2', '3', '4', 'ok']) {
    w.press(key);
    await w.advance(0);
  }
  await w.advance(3000);
  await w.actOnController({ login: { ext: '5124', on: '5999' } }); // Bob logs in elsewhere: a BLF push
  await w.advance(1000);
  await w.actOnController({ line: { ext: '5123', state: 'ringing' } });
  await w.advance(1000);
  await w.actOnController({ line: { ext: '5123', state: 'idle' } });
  await w.advance(3000);
}

/** Signalling datagrams between the phone and the primary, counted from the first login-begin. */
async function oneRun(killAfter: number): Promise<{ killed: boolean; problems: string[] }> {
  const w = await World.build({ profile: '5340', link: { kind: 'mock' }, config: config(), seed: 11 });
  try {
    await until(w, 60_000, () => displayShows(w.display(), 'No User Logged In'), 'idle');
    let counting = false;
    let seen = 0;
    let killed = false;
    w.trace.addSink((r: StampedRecord) => {
      if (r.kind !== 'frame' || r.node !== 'controller' || r.proto !== 'sig' || killed) return;
      const summary = String(r.summary);
      if (!summary.includes(PRIMARY_IP)) return;
      if (summary.includes('login-begin')) counting = true;
      if (counting && ++seen === killAfter) {
        killed = true;
        // after this datagram: the primary dies mid-conversation
        w.controller!.setDead(PRIMARY, true);
        const set = deadElements.get(w) ?? new Set<string>();
        set.add(PRIMARY);
        deadElements.set(w, set);
      }
    });
    await activity(w);
    if (!killed) return { killed: false, problems: [] };
    // fail-over: the phone serves on the secondary, the user (if the login finished) with it
    await until(w, 60_000, () => w.hotdesk()?.controllerId === SECONDARY, 'on the secondary');
    await w.advance(10_000);
    const problems = inconsistencies(w, 'after fail-over');
    // fail-back
    await act(w, 'revive', PRIMARY);
    await until(w, 60_000, () => w.hotdesk()?.controllerId === PRIMARY, 'back on the primary');
    await w.advance(10_000);
    problems.push(...inconsistencies(w, 'after fail-back'));
    // and a logout leaves nothing anywhere
    if (w.hotdesk()?.user) {
      w.press('logout');
      await w.advance(5000);
    }
    for (const id of [PRIMARY, SECONDARY]) {
      if (w.controller!.callServerBy(id)!.users().some((u) => u.ext === '5123')) problems.push(`after logout: ${id} keeps a session of 5123`);
    }
    return { killed: true, problems };
  } finally {
    await w.close();
  }
}

describe('the primary killed at every signalling step of a login, a layout download, a BLF push and a call', () => {
  it('leaves user, keys, lamps and sessions consistent on the secondary and after fail-back: 0 inconsistent runs', async () => {
    const results: { k: number; problems: string[] }[] = [];
    for (let k = 1; ; k += 4) {
      const batch = await Promise.all([k, k + 1, k + 2, k + 3].map(async (n) => ({ n, r: await oneRun(n) })));
      for (const { n, r } of batch) if (r.killed) results.push({ k: n, problems: r.problems });
      if (batch.some(({ r }) => !r.killed)) break;
    }
    const bad = results.filter((r) => r.problems.length > 0);
    console.log(`kill sweep: ${results.length} kill points, ${bad.length} inconsistent runs`);
    expect(results.length).toBeGreaterThan(20);
    expect(bad.map((b) => `kill after #${b.k}: ${b.problems.join('; ')}`)).toEqual([]);
  }, 240_000);
});
