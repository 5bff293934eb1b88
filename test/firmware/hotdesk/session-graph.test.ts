// Model-based test of the hot desk session (login prompt, PIN entry, logout in its forms), for each login
// style (the HotDesking-key sets reach every state of the machine; the others have no menus): xstate/graph
// walks it from sample events - the keys (HotDesking, softkeys, OK, Cancel, digits, * and #), the entry
// pad's reports (a field typed, cancelled or timed out, a refused or proved PIN), every kind of answer to
// its requests (challenge, each login result, a redirect, logout done and refused, a stray answer type,
// no answer), the controller's logout notices, the service's news, and every timer as its `xstate.after`
// event. Answers carry the id the snapshot's context expects (`context.expect`). Each path is then
// replayed on a live session invoked next to recorders standing in for the display, the link, the
// service and the keys, with a recorder for its entry pad.
import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, type AnyEventObject, type AnyMachineSnapshot } from 'xstate';
import type { EntryPadEvent } from '../../../firmware/hotdesk/entry-pad.ts';
import { sessionMachine, type SessionInput } from '../../../firmware/hotdesk/session.ts';
import { SYSTEM } from '../../../firmware/service/events.ts';
import type { LoginMethod } from '../../../firmware/profile.ts';
import type { LoginResult, Message } from '../../../firmware/signalling/messages.ts';
import { checkCoverage, checkPassedLive, replayAll, live, named, replay, timers, walk, type Sent } from '../../support/graph-walk.ts';

const MAC = '00:08:5d:12:34:56';
const USER = '5';
const HOME = { ip: '10.0.0.3', port: 6800 };

// The walk never starts children, and nothing it does needs a parent: the machine walks as written.
const walked = sessionMachine;

const KEYS = ['hotdesk', 'login', 'logout', 'ok', 'cancel', '#', '*', '1', '2', '3', '5'];
/** A login-result: every field present, as on the wire (a session token of zeros where the body has one). */
const RESULT = {
  type: 'login-result',
  code: 'ok',
  ext: USER,
  name: 'Alice Smith',
  language: 'en',
  attemptsLeft: 0,
  lockedSeconds: 0,
  redirectIp: '0.0.0.0',
  redirectPort: 0,
  token: new Uint8Array(16),
};
const result = (over: Partial<LoginResult>): Message => ({ ...RESULT, ...over }) as LoginResult;

/** A call dialling off-hook asks the session about its digits (session.dialled): the answers land here. */
const callInbox: AnyEventObject[] = [];
const call = createActor(fromCallback<AnyEventObject>(({ receive }) => receive((e) => void callInbox.push(e)))).start();
const OFF_HOOK: Record<string, 'taken' | 'partial' | 'none'> = { '222*': 'taken', '333': 'taken', '1115#': 'taken', '22': 'partial', '9': 'none' };

/** What the person, the entry pad, the link (answering the request in flight) and the service may do next. */
function samples(s: AnyMachineSnapshot): AnyEventObject[] {
  const id: string = s.context.expect;
  const answer = (label: string, msg: Message) => named(label, { type: 'sig.answer', id, msg });
  const out: AnyEventObject[] = KEYS.map((key) => named(`key ${key}`, { type: 'key', key }));
  out.push(
    named('entry.typed', { type: 'entry.typed', digits: USER }),
    named('pin.typed', { type: 'pin.typed', length: 4 }),
    named('entry.cancel', { type: 'entry.cancel' }),
    named('entry.timeout', { type: 'entry.timeout' }),
    named('pin.refused', { type: 'pin.refused' }),
    named('pin.proof', { type: 'pin.proof', hmac: new Uint8Array(32) }),
  );
  if (id !== '') {
    out.push(
      answer('login-challenge', { type: 'login-challenge', nonce: new Uint8Array(16) }),
      answer('login ok', result({})),
      answer('login wrong-pin', result({ code: 'wrong-pin', name: '', attemptsLeft: 2 })),
      answer('login redirect', result({ code: 'redirect', name: '', redirectIp: HOME.ip, redirectPort: HOME.port })),
      answer('login redirect nowhere', result({ code: 'redirect', name: '' })),
      answer('logout done', { type: 'logout-notice', reason: 'user', ext: s.context.user?.ext ?? USER, byDn: '' }),
      answer('logout refused busy', { type: 'logout-refused', reason: 'busy', ext: USER }),
      answer('stray ack', { type: 'ack', status: 'ok' }),
      named('no answer', { type: 'sig.failed', id, reason: 'timeout' }),
    );
  }
  out.push(
    named('logout notice for the user', { type: 'sig.push', msg: { type: 'logout-notice', reason: 'login-elsewhere', ext: USER, byDn: '5999' } }),
    named('logout notice for another', { type: 'sig.push', msg: { type: 'logout-notice', reason: 'remote', ext: '7', byDn: '' } }),
    ...Object.keys(OFF_HOOK).map((digits) => named(`off-hook ${digits}`, { type: 'session.dialled', digits, replyTo: call })),
    named('in service', { type: 'service.in-service', mode: 'boot' }),
    named('rehoming (fail-over)', { type: 'service.rehoming', mode: 'failover' }),
    named('rehoming (fail-back)', { type: 'service.rehoming', mode: 'failback' }),
    ...timers(s),
  );
  return out;
}

/** The keys dialled so far, with the extension after the remote-logout code as `own`, `other` or none. */
const dialedClass = (dialed: string) => {
  const m = /^111([0-9]*)(#?)$/.exec(dialed);
  return m ? `111<${m[1] === '' ? '' : m[1] === USER ? 'own' : 'other'}>${m[2]}` : dialed.length > 4 ? `${dialed.slice(0, 4)}...` : dialed;
};

/**
 * The state value and the bounded part of the context that decides what comes next: the user, the keys
 * dialled so far (`111` + digits could grow without end: see dialedClass), the remote extension (this
 * set's user's or another's), whether an extension is typed and whether a request is in flight.
 */
const abstraction = (s: AnyMachineSnapshot) => {
  const c = s.context;
  return `${JSON.stringify(s.value)} user=${c.user?.ext ?? ''} dialed=${dialedClass(c.dialed)} remote=${c.remoteExt === '' ? '' : c.remoteExt === USER ? 'own' : 'other'} ext=${c.entryExt !== ''} asking=${c.expect !== ''}`;
};

const PEERS = [SYSTEM.display, SYSTEM.link, SYSTEM.service, SYSTEM.keys, SYSTEM.calls];

/** The walk and the replays for one login style; `excluded`: the states that style cannot reach, and why. */
function modelBased(name: string, loginMethod: LoginMethod, excluded: Record<string, string> = {}, everyKey = false) {
  const INPUT: SessionInput = { loginMethod, mac: MAC };
  // `everyKey`: every key pressed at the PIN entry, the idle and the user's screens, not only those that
  // change what the abstraction sees (a digit passed on for calls, an invalid code; at the PIN entry the
  // keys are the entry pad's, and one that reaches the session anyway must change nothing)
  const edge = (prev: AnyMachineSnapshot, e: AnyEventObject) => everyKey && e.type === 'key' && (prev.matches({ entering: 'pin' }) || prev.matches('idle') || prev.matches('loggedIn'));
  const w = walk(walked, { input: INPUT, events: samples, abstraction, edge });
  const eventless = new Set<string>();

  it('reaches every state of the machine', () => {
    checkCoverage(name, w, excluded);
  });

  it('passes through home and dialCheck without stopping', () => {
    for (const id of ['session.home', 'session.dialCheck']) expect(w.reached.get(id)).toBe('passed');
  });

  replayAll(w, (path) => {
    const pad: Sent[] = [];
    const l = live(sessionMachine.provide({ actors: { entryPad: fromCallback<EntryPadEvent>(({ receive }) => receive((event) => void pad.push({ to: 'pad', event }))) } }), {
      systemId: SYSTEM.session,
      input: INPUT,
      peers: PEERS,
    });
    const to = (name: string) => l.sent.filter((e) => e.to === name).map((e) => e.event);
    const requests = (type: string) => to(SYSTEM.link).filter((e) => e.type === 'sig.request' && e.msg.type === type);
    const shows = () => to(SYSTEM.display).filter((e) => e.type === 'display.show');

    /** How many display events there were before this step. */
    let seen = 0;
    let seenShows = 0;
    let padSeen = 0;
    let asked = callInbox.length;
    replay(path, l, abstraction, (snap, step, i) => {
      const prev = i > 0 ? path.steps[i - 1].state : undefined;
      const key: string | undefined = step.event.type === 'key' ? step.event.key : undefined;
      const c = snap.context;
      const shown = shows().at(-1);
      if (shown) expect(shown.layer === 'session' && shown.owner === l.sut()).toBe(true);
      if (snap.matches('idle')) expect(shown?.rows).toEqual(['No User Logged In']);
      if (snap.matches('idle')) expect(shown?.softkeys).toEqual(loginMethod === 'handset-hotdesk-mode' ? ['login'] : []);
      if (snap.matches('hotdeskMenu')) expect([shown?.rows, shown?.softkeys]).toEqual([['Hot Desking', 'No User Logged In'], ['login', 'cancel']]);
      // the fields are the entry pad's: it shows them and takes their keys (the session's own screen stays
      // what it was), and the session hears once per field
      const opened = pad.at(-1)?.event;
      const submitKeys = loginMethod === 'dial' || c.agentEntry ? ['#'] : ['ok'];
      if (c.agentEntry && loginMethod !== 'dial') submitKeys.push('ok');
      if (snap.matches({ entering: 'ext' })) {
        expect(opened).toMatchObject({ type: 'entry.open', field: { kind: 'digits', label: c.agentEntry ? 'Agent ID:' : 'Enter Extension:', minDigits: 1, submitKeys } });
        expect(c.entryExt).toBe('');
      }
      if (snap.matches({ entering: 'pin' })) {
        expect(opened).toMatchObject({ type: 'entry.open', field: { kind: 'pin', label: 'Enter PIN:', minDigits: 0, maxDigits: 8, submitKeys } });
        expect(c.entryExt).toBe(USER);
      }
      if (snap.matches('entering') && key !== undefined) expect(shows().length).toBe(seenShows);
      if (prev?.matches('entering') && !snap.matches('entering')) expect(pad.slice(padSeen).map((e) => e.event.type)).toContain('entry.close');
      if (snap.matches('authenticating') && prev?.matches('entering')) expect(c.pinLength).toBe(4);
      // a PIN typed (or being proved) is wiped in the pad on every way out but a redirect (which resumes the login)
      const heldPin = (x?: AnyMachineSnapshot) => !!x && (x.matches({ entering: 'pin' }) || x.matches('authenticating') || x.matches('redirected'));
      if (heldPin(prev) && !heldPin(snap)) {
        expect(pad.slice(padSeen).map((e) => e.event.type), 'the PIN wiped').toContain('pin.wipe');
        expect(c.pinLength).toBe(0);
      }
      if (snap.matches({ authenticating: 'begin' })) expect(requests('login-begin').at(-1)).toMatchObject({ id: c.expect, msg: { ext: c.entryExt } });
      if (snap.matches({ authenticating: 'proving' })) expect(pad.at(-1)?.event).toMatchObject({ type: 'pin.prove', ext: c.entryExt, mac: MAC });
      if (snap.matches({ authenticating: 'answering' })) expect(requests('login').at(-1)).toMatchObject({ id: c.expect, msg: { ext: c.entryExt } });
      if (snap.matches('redirected')) expect(to(SYSTEM.service).at(-1)).toEqual({ type: 'service.redirect', to: HOME });
      if (snap.matches('loggedIn')) {
        expect(shown?.rows).toEqual(['Alice Smith', USER]);
        expect(to(SYSTEM.keys).at(-1)).toEqual({ type: 'keys.user-in' });
        expect(to(SYSTEM.service).filter((e) => e.type === 'service.user').at(-1)).toMatchObject({ type: 'service.user', ext: USER });
      }
      if (snap.matches('logoutMenu')) expect([shown?.rows, shown?.softkeys]).toEqual([['Hot Desking', 'Logout?'], ['logout', 'cancel']]);
      if (snap.matches('loggingOut')) expect(requests('logout-request').at(-1)).toMatchObject({ id: c.expect, msg: { reason: 'user', ext: USER } });
      if (snap.matches('remoteLogout')) expect(requests('logout-request').at(-1)).toMatchObject({ id: c.expect, msg: { reason: 'remote', ext: c.remoteExt } });
      if (snap.matches('offline') && step.event.type === 'service.rehoming') {
        const cancel = to(SYSTEM.link).at(-1);
        expect(cancel?.type === 'sig.cancel' && cancel.owner === l.sut()).toBe(true);
        expect(c.pinLength).toBe(0);
        // a quiet fail-back leaves the session's screen up; any other re-home clears it for the service's screens
        expect(to(SYSTEM.display).slice(seen).some((e) => e.type === 'display.clear')).toBe(step.event.mode !== 'failback');
      }
      // a digit that is no access code: a user's set dials it (a call, pre-dialled), a userless set says so
      if (key !== undefined && /^[0-9]$/.test(key) && snap.matches('loggedIn') && prev?.matches('loggedIn')) {
        expect(to(SYSTEM.calls).at(-1)).toEqual({ type: 'calls.dial', digits: key });
      }
      if (key !== undefined && /^[0-9]$/.test(key) && snap.matches('idle') && prev?.matches('idle')) {
        expect(to(SYSTEM.display).at(-2)).toEqual({ type: 'display.notice', rows: ['Invalid Code'] });
      }
      // a call's digits: an access code where the session takes one (idle, a user's screen) is the
      // session's; anywhere else, or digits that are no code, the call keeps them
      if (step.event.type === 'session.dialled') {
        const digits: string = step.event.digits;
        const was = prev?.value;
        const codeHere = (was === 'idle' || was === 'loggedIn') && !(digits === '333' && prev?.context.user === undefined);
        const want = codeHere ? OFF_HOOK[digits] : OFF_HOOK[digits] === 'partial' && (was === 'idle' || was === 'loggedIn') ? 'partial' : 'none';
        expect(callInbox.at(-1)).toEqual({ type: 'session.code', digits, kind: want === 'taken' && !codeHere ? 'none' : want });
        if (want === 'taken' && codeHere) expect(snap.matches('entering') || snap.matches('loggingOut') || snap.matches('remoteLogout')).toBe(true);
        expect(callInbox.length).toBe(asked + 1);
      }
      asked = callInbox.length;
      if (c.user === undefined && step.event.type !== 'xstate.init') expect(to(SYSTEM.keys).at(-1) ?? { type: 'keys.user-out' }).toEqual({ type: 'keys.user-out' });
      seen = to(SYSTEM.display).length;
      seenShows = shows().length;
      padSeen = pad.length;
    });
    l.root.stop();
    for (const id of l.eventless) eventless.add(id);
  });

  it('took the eventless transition out of every transient node it counts (live)', () => checkPassedLive(w, eventless));
}

// Every state is reachable on a HotDesking-key set: that walk is the session's coverage.
describe('hot desk session, model-based (hotdesk-key: 5320, 5330, 5340, 5360, 69xx)', () => modelBased('session', 'hotdesk-key', {}, true));

// The other login styles have no HotDesking key, so the two menus it opens are not theirs (by design).
const NO_HOTDESK_KEY = 'no HotDesking key on this login style: opensHotdeskMenu needs loginMethod hotdesk-key';
const MENUS = { 'session.hotdeskMenu': NO_HOTDESK_KEY, 'session.logoutMenu': NO_HOTDESK_KEY };
describe('hot desk session, model-based (dial: 5304, 5312)', () => modelBased('session[dial]', 'dial', MENUS));
describe('hot desk session, model-based (handset-hotdesk-mode: 5604, 5607, 5614)', () => modelBased('session[handset]', 'handset-hotdesk-mode', MENUS));
