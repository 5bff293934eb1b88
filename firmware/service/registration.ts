// Registration with a controller: the register message, what its answer means, and the screens the
// set shows meanwhile (`Set <ip>` / `ICP <ip>`, `Waiting for ACK...`, `Waiting for COMMS...`).
import { SESSION_TOKEN_BYTES, type Message, type Register } from '../signalling/messages.ts';
import { compareVersionText } from '../boot/image-version.ts';
import type { Peer } from './peers.ts';
import { HEALTH_CHECK_MS } from './resilience.ts';

/** How long `Set x / ICP x` stays up before the register goes out (people read it on real sets). */
export const ANNOUNCE_MS = 1000;
/** `Waiting for COMMS...` after the ack, before the idle screen. */
export const COMMS_MS = 1000;
/** A refused or try-later registration is tried again this much later. */
export const REGISTER_RETRY_MS = 10_000;
/** Redirects followed in a row before the phone gives up on that chain and tries its next server. */
export const MAX_REDIRECT_HOPS = 4;
/** Used when a register-ack says 0 s: a phone must keep talking to notice a dead controller. */
export const DEFAULT_HEARTBEAT_MS = 30_000;

/** Why the phone is registering: decides the display and what happens after the ack. */
export type RegisterMode = 'boot' | 'failover' | 'failback' | 'redirect';

export function registerMessage(p: { mac: string; model: string; firmwareVersion: string; dn: string; hotdeskExt: string; sessionToken?: Uint8Array; layoutCrc?: number }): Register {
  return {
    type: 'register',
    mac: p.mac,
    model: p.model,
    firmwareVersion: p.firmwareVersion,
    dn: p.dn,
    hotdeskExt: p.hotdeskExt,
    sessionToken: p.sessionToken ?? new Uint8Array(SESSION_TOKEN_BYTES),
    layoutCrc: p.layoutCrc ?? 0,
  };
}

/** What the controller's register-ack says about dialling: where Alarm calls, when a number is complete. */
export interface DialPlan {
  alarmDn: string;
  /** A dialled extension is complete at this many digits (0: at # or a pause). */
  dialDigits: number;
}

export type RegisterOutcome =
  | { kind: 'ok'; heartbeatMs: number; healthCheckMs: number; controllerId: string; dialPlan: DialPlan; dn: string }
  /** Automatic DN Selection: ask for the Set Registration Access Code, register again with it. */
  | { kind: 'dn-required' }
  /** The code was right but the controller found no free DN: `No DN Available`, try again later. */
  | { kind: 'no-dn' }
  | { kind: 'redirect'; to: Peer }
  | { kind: 'retry'; sameServer: boolean; why: string }
  | { kind: 'upgrade'; version: string };

/**
 * What an answer to register means. `rehoming`: a controller reached by fail-over, fail-back or a
 * redirect that expects NEWER firmware than the phone runs sends the phone to reboot and upgrade (as
 * Mitel sets do for a newer device load on the element they move to); one that expects an older or
 * unreadable version is served on the image the phone has. At boot the image was just checked
 * against the TFTP server, so a mismatch there is only traced: rebooting would loop whenever the two
 * disagree.
 */
export function classifyRegisterAnswer(answer: Message, running: string, rehoming: boolean): RegisterOutcome {
  if (answer.type === 'redirect') return { kind: 'redirect', to: { ip: answer.ip, port: answer.port } };
  if (answer.type !== 'register-ack') return { kind: 'retry', sameServer: false, why: `register answered by ${answer.type}` };
  if (answer.result === 'try-later') return { kind: 'retry', sameServer: true, why: 'try-later' };
  if (answer.result === 'refused') return { kind: 'retry', sameServer: false, why: 'refused' };
  if (answer.result === 'dn-required') return { kind: 'dn-required' };
  if (answer.result === 'no-dn') return { kind: 'no-dn' };
  if (rehoming && (compareVersionText(answer.firmwareVersion, running) ?? 0) > 0) {
    return { kind: 'upgrade', version: answer.firmwareVersion };
  }
  const heartbeatMs = answer.heartbeatSeconds > 0 ? answer.heartbeatSeconds * 1000 : DEFAULT_HEARTBEAT_MS;
  const healthCheckMs = answer.healthCheckSeconds > 0 ? answer.healthCheckSeconds * 1000 : HEALTH_CHECK_MS;
  return { kind: 'ok', heartbeatMs, healthCheckMs, controllerId: answer.controllerId, dialPlan: { alarmDn: answer.alarmDn, dialDigits: answer.dialDigits }, dn: answer.dn };
}

export function announceScreen(phoneIp: string, server: Peer): string[] {
  return [`Set ${phoneIp}`, `ICP ${server.ip}`];
}

export const WAITING_FOR_ACK = 'Waiting for ACK...';
export const WAITING_FOR_COMMS = 'Waiting for COMMS...';
/** Automatic DN Selection's prompt for the Set Registration Access Code, and its failure. */
export const SET_REGISTRATION = 'Set Registration';
export const ENTER_CODE = 'Enter Code:';
export const NO_DN_AVAILABLE = 'No DN Available';

/** The code prompt's rows: what was keyed so far under `Enter Code:` (an access code, not a secret). */
export function codeEntryScreen(code: string): string[] {
  return [SET_REGISTRATION, code === '' ? ENTER_CODE : `${ENTER_CODE} ${code}`];
}
