// The hot desk machine's input, context and events: the contract with the phone's root machine.
import type { Clock, Random, Tracer } from '../hal.ts';
import type { Screen } from '../display/screen.ts';
import type { LampBank } from '../keys/lamps.ts';
import type { Profile } from '../profile.ts';
import type { KeyLayoutAssembler } from '../signalling/key-layout-transfer.ts';
import type { Message } from '../signalling/messages.ts';
import type { AccessCodes } from './dial-codes.ts';
import type { AttachedModule, KeyView } from './key-layout-apply.ts';
import type { PinBuffer } from './pin-buffer.ts';
import type { RegisterMode } from './registration.ts';
import type { Peer, SignallingLink } from './signalling-link.ts';

export interface HotdeskInput {
  /** Sends one UDP datagram from the phone's signalling port (NetStack.sendUdp, srcPort = `port`). */
  send(dstIp: string, dstPort: number, bytes: Uint8Array): void;
  /**
   * Called once when the machine starts, with the function every datagram received on the phone's
   * signalling port must be fed to (e.g. `stack.bind(6800, d => receive(d.srcIp, d.srcPort, d.payload))`).
   * Returns the unbind, called when the machine stops.
   */
  listen(receive: (srcIp: string, srcPort: number, bytes: Uint8Array) => void): () => void;
  /** `call_srv` from the option string: primary first, then secondaries ("ip" or "ip:port"). */
  callServers: readonly string[];
  /** The controllers' signalling port when an address names none. Default 6800. */
  port?: number;
  /** The phone's own address, for `Set <ip>`. */
  phoneIp: string;
  screen: Screen;
  clock: Clock;
  random: Random;
  tracer: Tracer;
  profile: Profile;
  mac: string;
  firmwareVersion: string;
  lamps: LampBank;
  /** The set's own DN for register, "" (the default) for a userless hot desk set. */
  dn?: string;
  /** The key modules attached, in order (pkm1, pkm2, ...): a set's own programming reaches them. */
  pkms?: readonly AttachedModule[];
  /** Feature access codes (the register-ack carries none). Default login 222, logout 333, remote 111. */
  accessCodes?: Partial<AccessCodes>;
  /** The first registration is acknowledged: the phone confirms its new firmware image here. */
  onRegistered(): void;
  /** A re-home reached a controller expecting another firmware: the user is logged out; reboot. */
  onReboot(reason: string): void;
  /** Controller requests this machine does not handle (calls); the answer goes back to the controller. */
  onOtherRequest?(msg: Message, from: Peer): Message | void;
}

export interface HotdeskUser {
  ext: string;
  name: string;
  language: string;
}

export interface HotdeskContext {
  deps: HotdeskInput;
  /** The signalling engine; the parent may send its own requests (calls) through `link.request`. */
  link: SignallingLink;
  servers: Peer[];
  /** The controller registered with (or being registered with) now. */
  server: Peer;
  codes: AccessCodes;
  mode: RegisterMode;
  redirectHops: number;
  /** On a secondary because the primary stopped answering: health-check the primary, fail back. */
  failedOver: boolean;
  confirmed: boolean;
  heartbeatMs: number;
  /** On a secondary: how often the primary is asked whether it is back (from register-ack). */
  healthCheckMs: number;
  missed: number;
  controllerId: string;
  /** The hot desk user logged in on this set. */
  user: HotdeskUser | undefined;
  /** The extension being typed, or being logged in. */
  entryExt: string;
  /** The PIN being typed / awaiting the challenge; serializes masked only, wiped after use. */
  pin: PinBuffer;
  /** A login redirected to another controller: finish it there with entryExt and pin. */
  pendingLogin: boolean;
  dialed: string;
  /** Softkeys offered now, by contract name (`login`, `logout`, `ok`, `cancel`). */
  softkeys: string[];
  /** The user's keys shown on this model, with their labels. */
  keys: KeyView[];
  /** Line appearances beyond the model's keys: hidden, but they still ring. */
  hiddenLines: KeyView[];
  blfDns: string[];
  /** False while a hot desk user is logged in: key modules show nothing. */
  pkmEnabled: boolean;
  download: KeyLayoutAssembler | undefined;
  /** The lines the `notice` state shows. */
  notice: string[];
  /** The controller accepted the logout for when the busy prime line is free. */
  logoutPending: boolean;
  remoteExt: string;
}

export type HotdeskEvent = { type: 'key'; key: string } | { type: 'sig'; msg: Message };
