// The call server's public shapes: what it is built from and what it reports.
import type { Clock, Random, Tracer } from '../../../firmware/hal.ts';
import type { LoginCode, LogoutReason, LogoutRefusal } from '../../../firmware/signalling/messages.ts';
import type { CallCounters } from './calls/counters.ts';
import type { SecureIdentity } from '../../../firmware/signalling/secure/endpoint.ts';
import type { ControllerConfig } from '../config.ts';
import type { LineState } from './lines.ts';
import type { PhoneRecord } from './phones.ts';

/** The part of the controller's world the call server reads; identity, lockout and cluster default. */
export type CallServerWorld = Pick<ControllerConfig, 'users' | 'sets' | 'heartbeatMs'> &
  Partial<Pick<ControllerConfig, 'healthCheckMs' | 'alarmDn' | 'voicemailDn'>> &
  Partial<Pick<ControllerConfig, 'identity' | 'lockout' | 'cluster'>> &
  /** Automatic DN Selection (dn-selection.ts): on with both `dnRange` and the set-registration code. */
  Partial<Pick<ControllerConfig, 'dnRange' | 'accessCodes'>> &
  /** ACD hot desk agents and their groups (acd/). */
  Partial<Pick<ControllerConfig, 'agents' | 'acdGroups'>>;

export interface CallServerOptions {
  clock: Clock;
  random: Random;
  /** Sends one datagram from the call server's port (6800) to a phone. */
  send: (ip: string, port: number, bytes: Uint8Array) => void;
  world: CallServerWorld;
  /** Receives `info` records (and the transactions' drops/errors). Never a PIN or an HMAC. */
  tracer?: Tracer;
  /** The address phones reach this controller on; default world.identity.ip, else the router's. */
  selfIp?: string;
  /** The firmware version register-ack announces for a model; "" (the default) announces none. */
  expectedFirmware?: (model: string) => string;
  /** How long a login challenge stays usable. Default 60 s. */
  challengeTtlMs?: number;
  /** serverTimeMs = epochMs + clock.now(). Default 2023-11-14T22:13:20Z (1_700_000_000_000). */
  epochMs?: number;
  /** The cluster's identity key for the signalling key exchange; default the committed development one. */
  identity?: SecureIdentity;
  /** HOTDESK_KEYLOG: the signalling session keys, for a capture reader. */
  keyLog?: (line: string) => void;
  /** Entropy for the session keys; default the OS's (crypto.randomBytes), never the seed. */
  entropy?: (n: number) => Uint8Array;
  /** The cluster's other elements, told when a phone registers or a user logs in here. */
  cluster?: {
    phoneRegistered(element: string, mac: string): void;
    userLoggedIn(element: string, ext: string): void;
    userLoggedOut(ext: string, at: number): void;
    lastLogout(ext: string): number;
    /** Whether that element is in service (a user's secondary serves them only while home is not). */
    isAlive?(element: string): boolean;
    /** The element users without a `home` belong to: the cluster's first (this controller). */
    primary?(): string | undefined;
  };
}

export type { CallCounters, CallInfo } from './calls/counters.ts';

export interface PhoneInfo extends PhoneRecord {
  hotdeskExt: string; // "" when nobody is logged in on it
  blf: string[]; // the DNs it monitors
}

export interface UserInfo {
  ext: string;
  name: string;
  mac: string; // the phone the user is logged in on
  setDn: string; // that phone's own DN
  ip: string;
  port: number;
  since: number;
  line: LineState;
  pendingLogout?: LogoutReason; // a logout waiting for the call to end
}

/**
 * LOCATE REMOTE DN: whether a hot desk user is logged in here and on which set (its own DN, "" when it
 * has none); `external`: an External Hot Desk User logged in on their own device, at that number.
 */
export type UserLocation = { loggedIn: false } | { loggedIn: true; setDn: string; mac: string; since: number; external?: string };

/** What became of a logout asked of the call server (remote, auto, scheduled). */
export type LogoutOutcome = 'done' | 'waiting' | 'refused-ringing' | 'not-allowed' | 'unknown-ext' | 'not-logged-in';

export interface CallServerCounters {
  logins: Record<LoginCode, number>; // every login-result sent, by code
  logouts: Record<LogoutReason, number>; // completed logouts, by reason
  logoutRefusals: Record<LogoutRefusal, number>; // logout-refused answers, by reason
  keyLayouts: { sent: number; failed: number };
  calls: CallCounters;
}
