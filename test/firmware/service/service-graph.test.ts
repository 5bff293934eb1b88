// Model-based test of the service machine (registration, heartbeat, fail-over, fail-back, redirects):
// xstate/graph walks it from sample events - every kind of answer to register (ok, ok expecting another
// firmware, try-later, refused, a redirect, a stray answer type, none), heartbeat and health-check
// answers and misses, a stale answer, the controller's redirect push and another push, the session's
// login redirect, and every timer as its `xstate.after` event. Answers carry the id the
// snapshot's context expects (`context.expect[kind]`), as the link would. Each path is then replayed on
// a live service invoked next to recorders standing in for the display, the link and a listener of its news (under the session's system id).
import { describe, expect, it } from 'vitest';
import { assign, fromCallback, type AnyEventObject, type AnyMachineSnapshot } from 'xstate';
import { SYSTEM, type LinkEvent } from '../../../firmware/service/events.ts';
import type { SignallingLinkInput } from '../../../firmware/service/link.ts';
import { serviceMachine, type ServiceInput } from '../../../firmware/service/machine.ts';
import type { Message } from '../../../firmware/signalling/messages.ts';
import { checkCoverage, checkPassedLive, replayAll, labelOf, live, named, replay, timers, walk, type Live } from '../../support/graph-walk.ts';

const PRIMARY = { ip: '10.0.0.1', port: 6800 };
const SECONDARY = { ip: '10.0.0.2', port: 6800 };
const HOME = { ip: '10.0.0.3', port: 6800 };
const INPUT: ServiceInput = { callServers: [PRIMARY.ip, SECONDARY.ip], phoneIp: '10.0.0.50', mac: '00:08:5d:12:34:56', model: '5340', firmwareVersion: '1.0', dn: '' };

// The walk runs without a parent or a system: `sendParent` has nobody to send to, so the two actions that
// use it are replaced by what they do to the context. The live replay runs the machine as written.
const walked = serviceMachine.provide({
  actors: { signalling: fromCallback(() => {}) },
  actions: { confirmOnce: assign({ confirmed: true }), reboot: () => {} },
});

const ack = (over: Partial<Extract<Message, { type: 'register-ack' }>> = {}): Message => ({
  type: 'register-ack',
  result: 'ok',
  heartbeatSeconds: 30,
  healthCheckSeconds: 20,
  serverTimeMs: 0,
  controllerId: 'icp-1',
  firmwareVersion: '',
  alarmDn: '0',
  dialDigits: 0,
  dn: '',
  ...over,
});

/** What the link (answers to the requests in flight), the controller and the session may do next. */
function samples(s: AnyMachineSnapshot): AnyEventObject[] {
  const { register, heartbeat, health } = s.context.expect as Record<string, string>;
  const answer = (label: string, id: string, msg: Message) => named(label, { type: 'sig.answer', id, msg });
  const failed = (label: string, id: string) => named(label, { type: 'sig.failed', id, reason: 'timeout' });
  const out: AnyEventObject[] = [];
  if (register !== '') {
    out.push(
      answer('register-ack ok', register, ack()),
      answer('register-ack ok, another firmware expected', register, ack({ firmwareVersion: '9.9' })),
      answer('register-ack try-later', register, ack({ result: 'try-later' })),
      answer('register-ack refused', register, ack({ result: 'refused' })),
      answer('register-ack dn-required', register, ack({ result: 'dn-required' })),
      answer('register-ack no-dn', register, ack({ result: 'no-dn' })),
      answer('register redirected', register, { type: 'redirect', ip: HOME.ip, port: HOME.port, reason: 'home-elsewhere' }),
      answer('register answered by heartbeat-ack', register, { type: 'heartbeat-ack', serverTimeMs: 0 }),
      failed('register unanswered', register),
      answer('a stale register-ack', 'register:0', ack()),
    );
  }
  // the Set Registration code prompt: a digit, Cancel, # (sends only what was keyed)
  if (s.matches('codeEntry')) out.push(named('key 9', { type: 'key', key: '9' }), named('key cancel', { type: 'key', key: 'cancel' }), named('key #', { type: 'key', key: '#' }));
  if (heartbeat !== '') out.push(answer('heartbeat-ack', heartbeat, { type: 'heartbeat-ack', serverTimeMs: 0 }), failed('heartbeat missed', heartbeat));
  if (health !== '') {
    out.push(
      answer('health-ack in service', health, { type: 'health-ack', controllerId: 'icp-1', inService: true }),
      answer('health-ack not in service', health, { type: 'health-ack', controllerId: 'icp-1', inService: false }),
      failed('health-check unanswered', health),
    );
  }
  out.push(
    named('redirect pushed', { type: 'sig.push', msg: { type: 'redirect', ip: HOME.ip, port: HOME.port, reason: 'maintenance' } }),
    named('blf-state pushed', { type: 'sig.push', msg: { type: 'blf-state', dn: '5000', state: 'idle' } }),
    named('login redirected', { type: 'service.redirect', to: HOME }),
    ...timers(s),
  );
  return out;
}

/**
 * The state value and the bounded part of the context that decides which states come next: why it
 * registers (the screens, a quiet fail-back, an upgrade), whether it is failed over (health checks), the
 * heartbeats missed in a row (at most 3) and a login being resumed. Left out: ids, the
 * intervals, the server itself, the redirect hops and the user (the examples below take those).
 */
const abstraction = (s: AnyMachineSnapshot) => {
  const c = s.context;
  return `${JSON.stringify(s.value)} mode=${c.mode} failedOver=${c.failedOver} missed=${c.missed} resume=${c.resumeLogin} code=${c.code !== ''}`;
};

const w = walk(walked, { input: INPUT, events: samples, abstraction });

/** The live service: its link (its own child), the display and a listener are recorders; its parent records too. */
function liveService(linkEvents: AnyEventObject[]): Live {
  const link = fromCallback<LinkEvent, SignallingLinkInput>(({ receive }) => receive((e) => void linkEvents.push(e)));
  return live(serviceMachine.provide({ actors: { signalling: link } }), { systemId: SYSTEM.service, input: INPUT, peers: [SYSTEM.display, SYSTEM.session] });
}

describe('service machine, model-based', () => {
  it('reaches every state of the machine', () => {
    checkCoverage('service', w);
  });

  const eventless = new Set<string>();

  it('passes through rehome, registered.screens.route and registered.health.route without stopping', () => {
    // transient nodes: entered and left by their `always` within the macrostep (checked live per path)
    for (const id of ['service.rehome', 'service.registered.screens.route', 'service.registered.health.route']) expect(w.reached.get(id)).toBe('passed');
  });

  replayAll(w, (path) => {
    const linkEvents: AnyEventObject[] = [];
    const l = liveService(linkEvents);
    const requests = (type: string) => linkEvents.filter((e) => e.type === 'sig.request' && e.msg.type === type);
    const shown = () => l.sent.filter((e) => e.to === SYSTEM.display).map((e) => e.event.rows as string[]);
    const told = () => l.sent.filter((e) => e.to === SYSTEM.session).map((e) => e.event);
    const parent = () => l.sent.filter((e) => e.to === 'parent').map((e) => e.event);

    replay(path, l, abstraction, (snap) => {
      const c = snap.context;
      if (snap.matches({ registering: 'waitingAck' })) {
        expect(requests('register').at(-1)).toMatchObject({ id: c.expect.register, msg: { type: 'register', hotdeskExt: c.userExt } });
        expect(linkEvents.filter((e) => e.type === 'sig.aim').at(-1)).toEqual({ type: 'sig.aim', server: c.server });
        if (c.mode === 'boot' || c.mode === 'redirect') expect(shown().at(-1)).toEqual(['Waiting for ACK...']);
      }
      if (snap.matches({ registering: 'announce' })) {
        expect(shown().at(-1)).toEqual(c.mode === 'failover' ? ['Resiliency 2/3', `ICP ${c.server.ip}`] : ['Set 10.0.0.50', `ICP ${c.server.ip}`]);
      }
      if (snap.matches('codeEntry')) expect(shown().at(-1)).toEqual(c.code === '' ? ['Set Registration', 'Enter Code:'] : ['Set Registration', `Enter Code: ${c.code}`]);
      if (snap.matches('noDn')) expect(shown().at(-1)).toEqual(['No DN Available']);
      if (snap.matches({ registering: 'waitingAck' }) && c.code !== '') expect(requests('register').at(-1)).toMatchObject({ msg: { dn: c.code } });
      if (snap.matches('failingOver')) {
        expect(linkEvents.at(-1)?.type).toBe('sig.cancel');
        expect(told().at(-1)).toEqual({ type: 'service.rehoming', mode: 'failover' });
      }
      if (snap.matches('registered')) {
        expect(parent().filter((e) => e.type === 'registered')).toHaveLength(1);
        expect(told().some((e) => e.type === 'service.registered')).toBe(true);
      }
      if (snap.matches('registered')) {
        // the link keeps the heartbeat: every 30 s (the register-ack's), half that after a miss, naming the user
        const kept = linkEvents.filter((e) => e.type === 'sig.keepalive').at(-1);
        expect(kept).toMatchObject({ id: c.expect.heartbeat, msg: { type: 'heartbeat', hotdeskExt: c.userExt }, every: 30_000, afterMiss: 15_000, tries: 2 });
        expect(requests('heartbeat')).toEqual([]);
      }
      if (snap.matches({ registered: { health: 'checking' } })) expect(requests('health-check').at(-1)).toMatchObject({ id: c.expect.health, to: PRIMARY, tries: 2 });
      if (snap.matches({ registered: { screens: 'comms' } })) expect(shown().at(-1)).toEqual(['Waiting for COMMS...']);
      if (snap.matches({ registered: { screens: 'resilient' } })) expect(shown().at(-1)).toEqual(['Resiliency 3/3', 'icp-1']);
      if (snap.matches({ registered: { screens: 'done' } })) expect(told().some((e) => e.type === 'service.in-service')).toBe(true);
      if (snap.matches('upgrading')) {
        expect(parent().at(-1)).toEqual({ type: 'firmware.reboot', reason: `controller at ${c.server.ip} expects another firmware version` });
        if (c.userExt !== '') expect(requests('logout-request').at(-1)).toMatchObject({ msg: { reason: 'failover-version', ext: c.userExt } });
        else expect(requests('logout-request')).toEqual([]);
      }
    });
    l.root.stop();
    for (const id of l.eventless) eventless.add(id);
  });

  it('took the eventless transition out of every transient node it counts (live)', () => checkPassedLive(w, eventless));

  it('ignores what is not for it: no path takes a stale register answer or another topic\'s push', () => {
    const taken = new Set(w.paths.flatMap((p) => p.steps.slice(1).map((st) => labelOf(st.event))));
    expect(taken.has('a stale register-ack')).toBe(false);
    expect(taken.has('blf-state pushed')).toBe(false);
  });
});

// The two parts of the context the walk leaves out, as examples on the live machine.
describe('service machine, the user and the redirect hops', () => {
  const after = (l: Live, delay: string) => {
    const t = timers(l.snapshot()).find((e) => e.type.startsWith(`xstate.after.${delay}.`));
    expect(t, `a running ${delay} timer`).toBeDefined();
    l.send(t!);
  };
  const answerRegister = (l: Live, msg: Message) => l.send({ type: 'sig.answer', id: l.snapshot().context.expect.register, msg });

  it('logs the user out where the phone now is before the reboot to upgrade', () => {
    const linkEvents: AnyEventObject[] = [];
    const l = liveService(linkEvents);
    l.send({ type: 'service.user', ext: '5123' });
    after(l, 'announce');
    answerRegister(l, ack());
    l.send({ type: 'sig.push', msg: { type: 'redirect', ip: HOME.ip, port: HOME.port, reason: 'maintenance' } });
    after(l, 'announce');
    expect(linkEvents.at(-1)).toMatchObject({ type: 'sig.request', msg: { type: 'register', hotdeskExt: '5123' } });
    answerRegister(l, ack({ firmwareVersion: '9.9' }));
    expect(l.snapshot().value).toBe('upgrading');
    expect(linkEvents.at(-1)).toMatchObject({ type: 'sig.request', msg: { type: 'logout-request', reason: 'failover-version', ext: '5123' } });
    expect(l.sent.filter((e) => e.to === 'parent').map((e) => e.event.type)).toEqual(['user', 'registered', 'firmware.reboot']);
    l.root.stop();
  });

  it('Automatic DN Selection: asks for the code, registers with it, and keeps the DN the controller chose', () => {
    const linkEvents: AnyEventObject[] = [];
    const l = liveService(linkEvents);
    after(l, 'announce');
    answerRegister(l, ack({ result: 'dn-required' }));
    expect(l.snapshot().value).toBe('codeEntry');
    // the prompt is the service's, on the boot layer: it takes the keypad, OK and Cancel
    expect(l.sent.filter((e) => e.to === SYSTEM.display).at(-1)?.event).toMatchObject({ layer: 'boot', rows: ['Set Registration', 'Enter Code:'], takes: ['dial', 'ok', 'cancel'] });
    for (const key of ['9', '9']) l.send({ type: 'key', key });
    l.send({ type: 'key', key: 'ok' });
    after(l, 'announce');
    expect(linkEvents.at(-1)).toMatchObject({ type: 'sig.request', msg: { type: 'register', dn: '99' } });
    answerRegister(l, ack({ dn: '5102' }));
    expect(l.snapshot().context).toMatchObject({ dn: '5102', code: '' });
    expect(l.sent.filter((e) => e.to === SYSTEM.session).map((e) => e.event).find((e) => e.type === 'service.registered')).toMatchObject({ dn: '5102' });
    // a later register (a fail-over, a redirect) names the DN, not the code
    l.send({ type: 'sig.push', msg: { type: 'redirect', ip: HOME.ip, port: HOME.port, reason: 'maintenance' } });
    after(l, 'announce');
    expect(linkEvents.at(-1)).toMatchObject({ type: 'sig.request', msg: { type: 'register', dn: '5102' } });
    l.root.stop();
  });

  it('hands the heartbeat to the link: a new user keeps its id and schedule; misses count in a row until an answer', () => {
    const linkEvents: AnyEventObject[] = [];
    const l = liveService(linkEvents);
    after(l, 'announce');
    answerRegister(l, ack());
    const kept = () => linkEvents.filter((e) => e.type === 'sig.keepalive');
    expect(kept()).toHaveLength(1);
    const id = kept()[0].id as string;
    expect(kept()[0]).toMatchObject({ msg: { type: 'heartbeat', hotdeskExt: '' }, every: 30_000, afterMiss: 15_000 });
    l.send({ type: 'service.user', ext: '5123', token: 'ab' });
    expect(kept().at(-1)).toMatchObject({ id, msg: { type: 'heartbeat', hotdeskExt: '5123' } });
    // miss, miss, answered, miss, miss: never three in a row, so still registered
    const miss = () => l.send({ type: 'sig.failed', id, reason: 'timeout' });
    miss();
    miss();
    expect(l.snapshot().context.missed).toBe(2);
    l.send({ type: 'sig.answer', id, msg: { type: 'heartbeat-ack', serverTimeMs: 0 } });
    expect(l.snapshot().context.missed).toBe(0);
    miss();
    miss();
    expect(l.snapshot().matches('registered')).toBe(true);
    // an answer to a heartbeat of before (another id) counts for nothing; the third miss fails over
    l.send({ type: 'sig.answer', id: 'heartbeat:0', msg: { type: 'heartbeat-ack', serverTimeMs: 0 } });
    miss();
    expect(l.snapshot().value).toBe('failingOver');
    expect(linkEvents.at(-1)).toMatchObject({ type: 'sig.cancel' });
    l.root.stop();
  });

  // NOTE: registration.ts says that after MAX_REDIRECT_HOPS the phone "gives up on that chain and tries its
  // next server"; the `nextServer` action takes the server after the current one, and after an address off
  // the call_srv list (the last redirect's) that is always the primary: here, where the chain began.
  it('follows 4 redirects in a row; the 5th answer is taken as a refusal, and the primary is tried again later', () => {
    const l = liveService([]);
    for (let hop = 1; hop <= 4; hop++) {
      after(l, 'announce');
      answerRegister(l, { type: 'redirect', ip: HOME.ip, port: HOME.port, reason: 'home-elsewhere' });
      expect(l.snapshot().context).toMatchObject({ redirectHops: hop, server: HOME, mode: 'redirect' });
    }
    after(l, 'announce');
    answerRegister(l, { type: 'redirect', ip: HOME.ip, port: HOME.port, reason: 'home-elsewhere' });
    expect(l.snapshot().value).toBe('registerRetry');
    expect(l.snapshot().context).toMatchObject({ redirectHops: 0, server: PRIMARY });
    l.root.stop();
  });
});
