// Registration, keep-alive and controller hand-over: how a phone attaches to a controller, proves it
// is still there, checks a recovered primary (fail-back) and is told to go elsewhere. Also the bare
// `ack` that answers any request with no typed answer of its own.
import { u16be, u32be, u48be, u8 } from 'buffer-layout';
import { body } from './body-spec.ts';
import type { BodyTable } from './body-spec.ts';
import { bool, enumOf, fixedBytes, ipv4, mac, str } from './wire-fields.ts';

/** The cluster's proof that a user logged in on a set: a secondary restores the user only with it. */
export const SESSION_TOKEN_BYTES = 16;

/**
 * `dn-required`: a set with no DN where the controller does Automatic DN Selection: it asks for the
 * Set Registration Access Code and registers again with it in `dn`. `no-dn`: the code was right but the
 * hunt found no free DN in the range (the set shows `No DN Available`).
 */
export const REGISTER_RESULTS = ['ok', 'refused', 'try-later', 'dn-required', 'no-dn'] as const;
export type RegisterResult = (typeof REGISTER_RESULTS)[number];

export const REDIRECT_REASONS = ['home-elsewhere', 'fail-over', 'fail-back', 'maintenance'] as const;
export type RedirectReason = (typeof REDIRECT_REASONS)[number];

export const ACK_STATUSES = ['ok', 'rejected', 'unsupported'] as const;
export type AckStatus = (typeof ACK_STATUSES)[number];

/** Phone -> controller, after boot or when re-homing. */
export interface Register {
  type: 'register';
  mac: string; // "aa:bb:cc:dd:ee:ff"
  model: string; // "5340"
  firmwareVersion: string;
  dn: string; // the set's own directory number, "" when it has none
  hotdeskExt: string; // the hot desk user logged in on it, "" when none (a re-homed user stays logged in)
  sessionToken: Uint8Array; // 16 bytes: the cluster's proof of that user's login (login-result), zeros when none
  layoutCrc: number; // CRC-32 of the key layout the set shows now (0: none): a controller sends it again when it differs
}

export interface RegisterAck {
  type: 'register-ack';
  result: RegisterResult;
  heartbeatSeconds: number; // how often the phone sends `heartbeat`
  healthCheckSeconds: number; // on a secondary: how often the phone asks its primary `health-check` (fail-back)
  serverTimeMs: number; // the controller's clock, ms since the Unix epoch
  controllerId: string;
  firmwareVersion: string; // the load the controller expects; a re-homing phone running an older one upgrades
  alarmDn: string; // where a handset's Alarm key calls (the controller's alarm destination)
  dialDigits: number; // u8: a dialled extension is complete at this many digits (0: at # or a pause)
  dn: string; // the DN the set is registered with: its own, or the one Automatic DN Selection chose ("" none)
}

/** Phone -> controller every `heartbeatSeconds`; missed answers trigger fail-over. */
export interface Heartbeat {
  type: 'heartbeat';
  hotdeskExt: string; // "" when no user is logged in
}

export interface HeartbeatAck {
  type: 'heartbeat-ack';
  serverTimeMs: number;
}

/** Phone -> a controller it is NOT registered with (its primary, after fail-over): are you back? */
export interface HealthCheck {
  type: 'health-check';
}

export interface HealthAck {
  type: 'health-ack';
  controllerId: string;
  inService: boolean; // false while the controller is up but not yet taking phones
}

/** Controller -> phone: register with another controller instead. */
export interface Redirect {
  type: 'redirect';
  ip: string;
  port: number;
  reason: RedirectReason;
}

/** The answer to any request that has no typed answer (call messages, BLF, key-layout blocks, ...). */
export interface Ack {
  type: 'ack';
  status: AckStatus;
}

export type RegistrationMessage = Register | RegisterAck | Heartbeat | HeartbeatAck | HealthCheck | HealthAck | Redirect | Ack;

export const registrationBodies: BodyTable<RegistrationMessage> = {
  register: body(0x01, [mac('mac'), str('model'), str('firmwareVersion'), str('dn'), str('hotdeskExt'), fixedBytes(SESSION_TOKEN_BYTES, 'sessionToken'), u32be('layoutCrc')]),
  'register-ack': body(0x02, [
    enumOf(REGISTER_RESULTS, 'result'),
    u16be('heartbeatSeconds'),
    u16be('healthCheckSeconds'),
    u48be('serverTimeMs'),
    str('controllerId'),
    str('firmwareVersion'),
    str('alarmDn'),
    u8('dialDigits'),
    str('dn'),
  ]),
  heartbeat: body(0x03, [str('hotdeskExt')]),
  'heartbeat-ack': body(0x04, [u48be('serverTimeMs')]),
  'health-check': body(0x05, []),
  'health-ack': body(0x06, [str('controllerId'), bool('inService')]),
  redirect: body(0x07, [ipv4('ip'), u16be('port'), enumOf(REDIRECT_REASONS, 'reason')]),
  ack: body(0x0f, [enumOf(ACK_STATUSES, 'status')]),
};
