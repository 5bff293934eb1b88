// Opening an authenticated, private session (firmware/signalling/secure/): the only messages that
// travel in clear. The phone offers an ephemeral X25519 key; the controller answers with its own, a
// session id and a signature by the cluster's identity key over the whole exchange.
import { body } from './body-spec.ts';
import type { BodyTable } from './body-spec.ts';
import { enumOf, fixedBytes, mac } from './wire-fields.ts';

export const KX_RESULTS = ['ok', 'refused'] as const;
export type KxResult = (typeof KX_RESULTS)[number];

/** Phone -> controller, before anything else it sends there. */
export interface KeyExchange {
  type: 'key-exchange';
  mac: string; // the identity the phone claims: the session is bound to it
  phoneKey: Uint8Array; // 32 bytes, X25519, fresh per session
  nonce: Uint8Array; // 16 bytes
}

export interface KeyExchangeAck {
  type: 'key-exchange-ack';
  result: KxResult;
  sessionId: Uint8Array; // 8 bytes: names the session in every sealed datagram
  controllerKey: Uint8Array; // 32 bytes, X25519, fresh per session
  nonce: Uint8Array; // 16 bytes
  keyId: Uint8Array; // 8 bytes: which cluster key signed (as an image header names its key)
  signature: Uint8Array; // 64 bytes, Ed25519 over the exchange's transcript
}

export type SessionMessage = KeyExchange | KeyExchangeAck;

export const sessionBodies: BodyTable<SessionMessage> = {
  'key-exchange': body(0x08, [mac('mac'), fixedBytes(32, 'phoneKey'), fixedBytes(16, 'nonce')]),
  'key-exchange-ack': body(0x09, [
    enumOf(KX_RESULTS, 'result'),
    fixedBytes(8, 'sessionId'),
    fixedBytes(32, 'controllerKey'),
    fixedBytes(16, 'nonce'),
    fixedBytes(8, 'keyId'),
    fixedBytes(64, 'signature'),
  ]),
};

