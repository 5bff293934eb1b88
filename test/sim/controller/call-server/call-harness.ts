// Driving calls through a CallServer as phones do, over sealed signalling (harness.ts): a phone dials
// with call-setup (call id 0), answers with call-connect, and so on; what the server pushed is read from
// the fake phone's inbox, one phone at a time, as short strings a test can compare at a glance.
import { expect } from 'vitest';
import type { CallMessage, Message, ReleaseCause } from '../../../../firmware/signalling/messages.ts';
import type { FakePhone, World } from './harness.ts';

export const OK: Message = { type: 'ack', status: 'ok' };
export const REJECTED: Message = { type: 'ack', status: 'rejected' };

/** A phone registered with `dn` (and its own programming downloaded). */
export async function registered(w: World, n: number, dn: string): Promise<FakePhone> {
  const p = w.phone(n);
  expect(await p.register(dn)).toMatchObject({ type: 'register-ack', result: 'ok' });
  await w.clock.advance(1_000);
  return p;
}

/** A phone registered without a DN, `ext` logged in on it (its layout downloaded). */
export async function loggedIn(w: World, n: number, ext: string, pin: string, dn = ''): Promise<FakePhone> {
  const p = await registered(w, n, dn);
  expect((await p.login(ext, pin)).code).toBe('ok');
  await w.clock.advance(1_000);
  return p;
}

/** The phone dials `toDn` from `line`: the answer names the call (call-alerting) or says why not. */
export function dial(p: FakePhone, toDn: string, line = 0): Promise<Message> {
  return p.ask({ type: 'call-setup', callId: 0, line, fromDn: '', toDn, ring: 'ring' });
}

/** The call id a call-alerting answer names (fails the test on anything else). */
export function callIdOf(answer: Message): number {
  expect(answer.type).toBe('call-alerting');
  return answer.type === 'call-alerting' ? answer.callId : -1;
}

const base = { line: 0, fromDn: '', toDn: '' };
export const connect = (p: FakePhone, callId: number, line = 0) => p.ask({ type: 'call-connect', ...base, callId, line });
export const hold = (p: FakePhone, callId: number) => p.ask({ type: 'call-hold', ...base, callId });
export const resume = (p: FakePhone, callId: number, line = 0) => p.ask({ type: 'call-resume', ...base, callId, line });
export const release = (p: FakePhone, callId: number, cause: ReleaseCause = 'normal') => p.ask({ type: 'call-release', ...base, callId, cause });
export const transfer = (p: FakePhone, callId: number, otherCallId: number) => p.ask({ type: 'call-transfer', ...base, callId, otherCallId });
export const conference = (p: FakePhone, callId: number, otherCallId: number) => p.ask({ type: 'call-conference', ...base, callId, otherCallId });

const CALL_TYPES = new Set<string>(['call-setup', 'call-alerting', 'call-connect', 'call-hold', 'call-resume', 'call-transfer', 'call-conference', 'call-release', 'line-status']);

/** The call messages the server pushed to `p` since the last look, and forgets them. */
export function pushed(p: FakePhone): CallMessage[] {
  const mine = p.inbox.filter((m): m is CallMessage => CALL_TYPES.has(m.type));
  p.inbox.splice(0, p.inbox.length, ...p.inbox.filter((m) => !CALL_TYPES.has(m.type)));
  return mine;
}

/** `pushed` as "type callId ..." strings: call-setup with line, from, to and ring; a release with its cause. */
export function said(p: FakePhone): string[] {
  return pushed(p).map((m) => {
    switch (m.type) {
      case 'call-setup':
        return `setup ${m.callId} line ${m.line} ${m.fromDn || '-'}>${m.toDn} ${m.ring}`;
      case 'call-release':
        return `release ${m.callId} ${m.cause}`;
      case 'line-status':
        return `line-status ${m.dn} key ${m.line} ${m.state} ${m.callId}${m.party ? ` ${m.party}` : ''}`;
      case 'call-conference':
        return `conference ${m.callId} ${m.otherCallId}`;
      default:
        return `${m.type.replace('call-', '')} ${m.callId} ${m.fromDn || '-'}>${m.toDn || '-'}`;
    }
  });
}

/** The offered call id in the last call-setup pushed to `p` (fails the test when there is none). */
export function offeredId(p: FakePhone): number {
  const setup = p.inbox.filter((m) => m.type === 'call-setup').at(-1);
  expect(setup?.type).toBe('call-setup');
  return setup?.type === 'call-setup' ? setup.callId : -1;
}

/** Lets pushes reach the phones and their acks come back. */
export const settle = (w: World, ms = 100) => w.clock.advance(ms);
