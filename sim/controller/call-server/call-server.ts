// The controller's call server: registration and heartbeat, login with the PIN challenge and lockout,
// the key layout download, every form of logout, BLF, and calls (call-handling.ts). Pure logic over the
// signalling Transactions (retransmission, duplicates answered from cache and acted on once), driven by
// the injected clock and randomness; datagrams leave through `send` and arrive through `receive`.
// The controller's router hands it everything for UDP 6800:
//   const cs = new CallServer({ clock, random: random.fork(), world: config, tracer,
//     send: (ip, port, bytes) => router.send({ srcIp: ROUTER_IP, srcPort: 6800, dstIp: ip, dstPort: port, payload: bytes }) });
//   router.serve(6800, (d) => cs.receive(d.srcIp, d.srcPort, d.payload));
import { osEntropy } from '../../entropy.ts';
import { loadProfiles } from '../../profiles.ts';
import type { Clock, TimerId, Tracer } from '../../../firmware/hal.ts';
import { LOGIN_CODES, LOGOUT_REASONS, LOGOUT_REFUSALS, SIGNALLING_PORT } from '../../../firmware/signalling/messages.ts';
import type { LoginResult, LogoutReason, LogoutRequest, Message, Register } from '../../../firmware/signalling/messages.ts';
import { SecureEndpoint } from '../../../firmware/signalling/secure/endpoint.ts';
import type { Transactions } from '../../../firmware/signalling/transactions.ts';
import type { Peer } from '../../../firmware/signalling/transactions.ts';
import { devClusterIdentity } from '../dev-keys/index.ts';
import { SessionTokens } from './session-tokens.ts';
import type { HotdeskUser } from '../config.ts';
import { BlfBoard } from './blf.ts';
import { ChallengeBook, DEFAULT_CHALLENGE_TTL_MS } from './challenges.ts';
import { layoutCrc, pushKeyLayout } from './key-layout.ts';
import { setLayoutKeys } from './sets.ts';
import { autoDnOf, huntDn, inDnRange, worldDns } from './dn-selection.ts';
import { LineStates, type LineState, type UserFeature } from './lines.ts';
import { beginLogin, completeLogin, type LoginDesk } from './login.ts';
import { inLogoutScope, logoutTiming, type LogoutScope } from './logout-policy.ts';
import { PhoneRegistry, type PhoneRecord } from './phones.ts';
import { SessionBook, type Session } from './sessions.ts';
import { keepsRehomedUser, loginHomeFor, type ElementView } from './user-element.ts';
import type { CallInfo, CallServerCounters, CallServerOptions, LogoutOutcome, PhoneInfo, UserInfo, UserLocation } from './types.ts';
import { CallHandling, isCallMessage } from './call-handling.ts';
import { callCounters } from './calls/counters.ts';
import { dialDigits } from './calls/dial-plan.ts';
import type { PhoneLayout } from './calls/appearances.ts';
import { Directory, layoutKeys, PIN_RULE, PIN_RULE_TEXT } from './directory.ts';
import { DEFAULT_LOCKOUT, LockoutBook } from './directory-lockout.ts';
import { DEFAULT_VOICEMAIL_DN, Mailboxes } from './voicemail.ts';
import { ROUTER_IP } from '../router.ts';
import { AcdDesk, type AgentInfo } from './acd/acd-desk.ts';
import { agentUsers } from './acd/agents.ts';

export type { CallCounters, CallInfo, CallServerCounters, CallServerOptions, CallServerWorld, LogoutOutcome, PhoneInfo, UserInfo, UserLocation } from './types.ts';
export type { LogoutScope } from './logout-policy.ts';
export type { LineState, UserFeature } from './lines.ts';

export const CALL_SERVER_PORT = SIGNALLING_PORT;

/** The session an External Hot Desk User holds while logged in on their own device (no set of ours). */
export const externalMac = (number: string) => `external:${number}`;

let profiles: ReadonlyMap<string, { kind: string }> | undefined;
/** Whether a registered model is a wireless handset (its profile says so; an unknown model is not). */
function isHandset(model: string): boolean {
  profiles ??= loadProfiles();
  return profiles.get(model)?.kind === 'handset';
}
const DEFAULT_EPOCH_MS = 1_700_000_000_000;

function zeroes<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

export class CallServer {
  /** The sealed conversation with the phones (inside their authenticated sessions). */
  readonly transactions: Transactions;
  /** The sessions themselves: key exchange, sealing, what was refused and why. */
  readonly endpoint: SecureEndpoint;
  readonly counters: CallServerCounters = {
    logins: zeroes(LOGIN_CODES),
    logouts: zeroes(LOGOUT_REASONS),
    logoutRefusals: zeroes(LOGOUT_REFUSALS),
    keyLayouts: { sent: 0, failed: 0 },
    calls: callCounters(),
  };
  /** health-ack's answer: false while the controller is up but not taking phones. */
  inService = true;
  readonly id: string;
  readonly selfIp: string;

  private readonly clock: Clock;
  private readonly tracer: Tracer | undefined;
  private readonly directory: Directory;
  private readonly registry = new PhoneRegistry();
  private readonly sessions = new SessionBook();
  private readonly lines = new LineStates((dn) => this.callHandling.lineState(dn));
  private readonly callHandling: CallHandling;
  /** ACD hot desk agents: their states, the groups' queues, the work timers (acd/). */
  private readonly acd: AcdDesk;
  /** register-ack's dial plan: the length every DN of the world shares (0 when they differ). */
  private readonly dialDigits: number;
  private readonly blf: BlfBoard;
  private readonly desk: LoginDesk;
  private readonly deferred = new Set<TimerId>();
  private readonly tokens: SessionTokens;
  /** When each user last logged out here (server ms): tokens issued before it are revoked. */
  private readonly lastLogout = new Map<string, number>();
  private readonly mailboxes = new Mailboxes();
  /** Where the mailboxes answer: a party the call server plays. */
  private readonly voicemailDn: string;

  constructor(private readonly o: CallServerOptions) {
    const { world, clock } = o;
    this.clock = clock;
    this.tracer = o.tracer;
    this.id = world.identity?.id ?? 'icp-1';
    this.selfIp = o.selfIp ?? world.identity?.ip ?? ROUTER_IP;
    // an ACD agent's personal profile is a hot desk user whose extension is the agent ID
    const users = [...world.users, ...agentUsers(world.agents ?? [])];
    this.directory = new Directory(users, world.sets);
    this.voicemailDn = world.voicemailDn ?? DEFAULT_VOICEMAIL_DN;
    this.dialDigits = dialDigits(users, world.sets);
    this.callHandling = new CallHandling({
      clock,
      tracer: o.tracer,
      counters: this.counters.calls,
      lines: this.lines,
      alarmDn: world.alarmDn ?? '0',
      voicemailDn: this.voicemailDn,
      layouts: () => this.registry.list().map((p) => this.layoutOf(p)),
      layoutOf: (mac) => {
        const p = this.registry.byMac(mac);
        return p && this.layoutOf(p);
      },
      userless: (mac) => !this.sessions.ofMac(mac) && this.registry.byMac(mac)?.dn === '',
      handset: (mac) => isHandset(this.registry.byMac(mac)?.model ?? ''),
      isLoggedOutHotdeskUser: (dn) => this.isLoggedOutHotdeskUser(dn),
      externalOf: (ext) => {
        const number = this.directory.user(ext)?.external;
        return number !== undefined && this.sessions.ofExt(ext)?.mac === externalMac(number) ? number : undefined;
      },
      extOfExternal: (number) => this.sessions.ofMac(externalMac(number))?.ext,
      push: (mac, msg) => this.requestTo(mac, msg),
      info: (message) => this.info(message),
      linesChanged: (dns) => this.linesChanged(dns),
    });
    this.acd = new AcdDesk(world.agents ?? [], world.acdGroups ?? [], {
      clock,
      info: (message) => this.info(message),
      push: (mac, msg) => this.requestTo(mac, msg),
      placeCall: (from, to) => this.callHandling.placeCall(from, to),
      lineState: (dn) => this.lines.line(dn),
      logout: (id) => this.logoutUser(id),
    });
    const cluster = world.cluster ?? [];
    this.desk = {
      directory: this.directory,
      lockout: new LockoutBook(clock, world.lockout ?? DEFAULT_LOCKOUT),
      challenges: new ChallengeBook(clock, o.random, o.challengeTtlMs ?? DEFAULT_CHALLENGE_TTL_MS),
      refusal: (mac, ext) => this.acd.loginRefusal(ext, isHandset(this.registry.byMac(mac)?.model ?? ''), this.sessions.ofMac(mac)?.ext),
      acceptsLogin: (mac) => {
        const dn = this.registry.byMac(mac)?.dn;
        return dn === undefined || dn === '' || (this.directory.set(dn)?.loginAccept ?? true);
      },
      redirectFor: (user) => {
        // clustered: home takes the login, even from the user's secondary while home is in service
        const home = loginHomeFor(user, this.elementView());
        return home === undefined ? undefined : { ip: home, port: cluster.find((p) => p.ip === home)?.port ?? CALL_SERVER_PORT };
      },
    };
    this.blf = new BlfBoard(
      (dn) => this.lines.blfState(dn, this.isLoggedOutHotdeskUser(dn)),
      (mac, dn, state) => this.requestTo(mac, { type: 'blf-state', dn, state }),
    );
    const identity = o.identity ?? devClusterIdentity();
    this.tokens = new SessionTokens(identity.key);
    this.endpoint = new SecureEndpoint({
      role: 'controller',
      identity,
      keyLog: o.keyLog,
      entropy: o.entropy ?? osEntropy,
      transport: { send: (ip, port, bytes) => o.send(ip, port, bytes) },
      clock,
      random: o.random,
      tracer: o.tracer,
      onRequest: (msg, from) => this.onRequest(msg, from),
    });
    this.transactions = this.endpoint.tx;
  }

  /** One datagram that arrived on the call server's port. Never throws on bad input. */
  receive(srcIp: string, srcPort: number, bytes: Uint8Array): void {
    this.endpoint.receive(srcIp, srcPort, bytes);
  }

  // ---- what tests, scenarios and the controller's admin side call ----

  /**
   * The prime line of `ext` (a user or a set DN) is set to `state` whatever its calls are (the `line`
   * action). Ringing rings every free key appearance of it, as a call from nobody the call server plays;
   * the line is busy or ringing while either the override or its calls say so, and a logout waiting
   * on it completes when both are idle.
   */
  setLineState(ext: string, state: LineState): void {
    this.callHandling.setLine(ext, state);
  }

  // ---- calls, as scenarios and tools drive them (docs/design.md "Calls") ----

  /** True when a phone registered here holds `dn`: its prime DN, or a line or multicall key it shows. */
  holds(dn: string): boolean {
    return this.callHandling.holds(dn);
  }

  /**
   * A call from `from` to `to`: either may be a phone on the wire (from a phone: the call server places
   * it for the set, which goes to ringback on its prime appearance and hears how it ends) or a party
   * the call server plays. Throws a clear Error when it cannot be placed (an empty DN, a phone with
   * nothing free; from a simulated party, a call refused busy, logged-out or unreachable).
   */
  placeCall(from: string, to: string): void {
    this.callHandling.placeCall(from, to);
  }

  /** The party the call server plays for `dn` answers the call ringing it. Throws when none rings it. */
  answerParty(dn: string): void {
    this.callHandling.answerParty(dn);
  }

  /** The party the call server plays for `dn` hangs up every call it is in. Throws when it is in none. */
  hangupParty(dn: string): void {
    // an ACD caller still waiting in a queue hangs up there
    const abandoned = this.acd.abandon(dn);
    try {
      this.callHandling.hangupParty(dn);
    } catch (err) {
      if (!abandoned) throw err;
    }
  }

  // ---- ACD hot desk agents (docs/design.md "ACD hot desk agents") ----

  /** A call from the party `from` the call server plays into `group`'s queue: it rings an available agent, or waits. */
  acdCall(group: string, from: string): 'offered' | 'queued' {
    return this.acd.acdCall(group, from);
  }

  /** The agents logged in here, and their states. */
  agents(): AgentInfo[] {
    return this.acd.list();
  }

  /** How many agents of `group` are logged in here. */
  acdAgentsIn(group: string): number {
    return this.acd.loggedIn(group);
  }

  /** How many ACD calls wait in `group`'s queue (every queue's with none). */
  acdWaiting(group?: string): number {
    return this.acd.waiting(group);
  }

  /** Every leg of every call, oldest first (tests, admin). */
  calls(): CallInfo[] {
    return this.callHandling.list();
  }

  /** DND / call forward always for `ext` ('none' clears); BLF watchers see it while the line is idle. */
  setUserState(ext: string, feature: UserFeature): void {
    this.lines.setFeature(ext, feature);
    this.blf.refresh(ext);
  }

  /** Remote logout (FAC + extension) from the set `byDn`: its COS must allow and the user's accept. */
  remoteLogout(byDn: string, ext: string): LogoutOutcome {
    return this.remoteLogoutFrom(byDn, ext, undefined);
  }

  /**
   * `ext` logs in on a set the call server only simulates (`setDn`: no phone on the network, nothing is
   * sent to it): what a scenario needs to move a monitored user's BLF state from logged out to logged
   * in. As a real login there, the user is logged out of any other set first.
   */
  loginOnSimulatedSet(ext: string, setDn: string | undefined): 'done' | 'unknown-ext' | 'not-external' {
    const user = this.directory.user(ext);
    if (!user?.hotdesk) return 'unknown-ext';
    // no set: an External Hot Desk User logs in from their own device, which calls to them ring
    if (setDn === undefined && user.external === undefined) return 'not-external';
    const mac = setDn === undefined ? externalMac(user.external!) : `sim:${setDn}`;
    const other = this.sessions.ofExt(ext);
    if (other?.mac === mac) return 'done';
    if (other) this.finishLogout(other, 'login-elsewhere', setDn ?? '', undefined);
    const replaced = this.sessions.ofMac(mac);
    if (replaced) this.endSession(replaced);
    this.startSession(ext, mac, user);
    this.info(setDn === undefined ? `session ${ext} external, on ${user.external}` : `session ${ext} on simulated set ${setDn}`);
    return 'done';
  }

  // ---- the administrator's side (sim/control, `hotdesk admin`) ----

  /** LOCATE REMOTE DN: whether `ext` is logged in here, and on which set. */
  locate(ext: string): UserLocation | 'unknown-ext' {
    const user = this.directory.user(ext);
    if (!user?.hotdesk) return 'unknown-ext';
    const s = this.sessions.ofExt(ext);
    if (!s) return { loggedIn: false };
    if (user.external !== undefined && s.mac === externalMac(user.external)) return { loggedIn: true, setDn: '', mac: s.mac, since: s.since, external: user.external };
    // a set the call server only simulates (the `login` action) is named by its DN
    const setDn = this.registry.byMac(s.mac)?.dn ?? (s.mac.startsWith('sim:') ? s.mac.slice(4) : '');
    return { loggedIn: true, setDn, mac: s.mac, since: s.since };
  }

  /**
   * The administrator's remote logout: as one dialled on a set, but with no set whose COS to ask. The
   * user's COS must still accept remote logouts (Hot Desking Remote Logout Accept).
   */
  adminLogout(ext: string): LogoutOutcome {
    const user = this.directory.user(ext);
    if (!user?.hotdesk) return 'unknown-ext';
    if (!user.remoteLogoutAllowed) return 'not-allowed';
    const s = this.sessions.ofExt(ext);
    if (!s) return 'not-logged-in';
    return this.requestLogout(s, 'remote', '', undefined);
  }

  /**
   * Reset a Hot Desk PIN: the next login is checked against `pin`, the old one no longer works, and the
   * user's wrong tries (and a lock) are forgotten. A user logged in stays logged in. Never traced.
   */
  resetPin(ext: string, pin: string): 'done' | 'unknown-ext' {
    if (!PIN_RULE.test(pin)) throw new Error(PIN_RULE_TEXT);
    if (!this.directory.user(ext)?.hotdesk || !this.directory.setPin(ext, pin)) return 'unknown-ext';
    this.desk.lockout.clear(ext);
    this.info(`pin of ${ext} reset by the administrator`);
    return 'done';
  }

  /** `ext` logs out by the logout access code, wherever it is logged in (waits while its line is busy). */
  logoutUser(ext: string): LogoutOutcome {
    const s = this.sessions.ofExt(ext);
    if (!s) return this.directory.user(ext)?.hotdesk ? 'not-logged-in' : 'unknown-ext';
    return this.requestLogout(s, 'user', '', undefined);
  }

  /**
   * The scheduler's logout of the users in `scope` (all, internal only, external only): idle users now,
   * busy (or ringing) ones when their call ends.
   */
  scheduleLogout(scope: LogoutScope = 'all'): { done: number; waiting: number } {
    const tally = { done: 0, waiting: 0 };
    for (const s of this.sessions.list()) {
      if (!inLogoutScope(this.directory.user(s.ext), scope)) continue;
      const outcome = this.requestLogout(s, 'scheduled', '', undefined);
      if (outcome === 'done') tally.done++;
      else if (outcome === 'waiting') tally.waiting++;
    }
    return tally;
  }

  phones(): PhoneInfo[] {
    return this.registry.list().map((p) => ({ ...p, hotdeskExt: this.sessions.ofMac(p.mac)?.ext ?? '', blf: this.blf.subscriptions(p.mac) }));
  }

  users(): UserInfo[] {
    return this.sessions.list().map((s) => {
      const phone = this.registry.byMac(s.mac);
      return {
        ext: s.ext,
        name: this.directory.user(s.ext)?.name ?? '',
        mac: s.mac,
        setDn: phone?.dn ?? '',
        ip: phone?.ip ?? '',
        port: phone?.port ?? 0,
        since: s.since,
        line: this.lines.line(s.ext),
        ...(s.pending ? { pendingLogout: s.pending.reason } : {}),
      };
    });
  }

  /** The state a BLF lamp on `dn` shows now. */
  blfState(dn: string) {
    return this.lines.blfState(dn, this.isLoggedOutHotdeskUser(dn));
  }

  /** Stops every timer and abandons outstanding requests (the controller is shutting down). */
  close(): void {
    for (const id of this.deferred) this.clock.clearTimeout(id);
    this.deferred.clear();
    for (const s of this.sessions.list()) this.clock.clearTimeout(s.autoTimer);
    this.callHandling.close();
    this.acd.close();
    this.transactions.cancelAll();
    this.endpoint.reset();
  }

  // ---- requests from phones ----

  private onRequest(msg: Message, from: Peer): Message | void {
    if (msg.type === 'register') return this.onRegister(msg, from);
    if (msg.type === 'health-check') return { type: 'health-ack', controllerId: this.id, inService: this.inService };
    const phone = this.registry.at(from) ?? this.followNewSession(from);
    if (msg.type === 'heartbeat') {
      // answered even for a phone we do not know: the heartbeat proves the controller alive, and a
      // phone refused here would fail over from a healthy controller
      if (phone) phone.lastHeartbeat = this.clock.now();
      return { type: 'heartbeat-ack', serverTimeMs: this.serverTime() };
    }
    if (!phone) {
      this.info(`${msg.type} from unregistered ${from.ip}:${from.port} refused`);
      return { type: 'ack', status: 'rejected' };
    }
    if (isCallMessage(msg)) return this.callHandling.onRequest(phone.mac, msg);
    switch (msg.type) {
      case 'login-begin': {
        const answer = beginLogin(this.desk, phone.mac, msg.ext);
        if (answer.type === 'login-result') this.countLogin(answer, phone);
        return answer;
      }
      case 'login':
        return this.onLogin(phone, msg.ext, msg.hmac);
      case 'logout-request':
        return this.onLogoutRequest(phone, msg);
      case 'agent-request':
        return this.acd.request(phone.mac, this.sessions.ofMac(phone.mac)?.ext, msg.action);
      case 'blf-subscribe': {
        const dns = [...msg.dns];
        // after the ack, so the phone sees its subscription confirmed before the states arrive
        this.defer(() => this.registry.byMac(phone.mac) && this.blf.subscribe(phone.mac, dns));
        return undefined;
      }
      default:
        return { type: 'ack', status: 'unsupported' };
    }
  }

  /**
   * A registered phone whose session lapsed (a lost heartbeat made it open a new one) talks on the new
   * session, opened for the same MAC: its record, and the pushes meant for it, move there.
   */
  private followNewSession(from: Peer): PhoneRecord | undefined {
    const mac = this.endpoint.macOf(from.session);
    if (mac === undefined || !this.registry.byMac(mac)) return undefined;
    this.info(`${mac} continues on a new session from ${from.ip}:${from.port}`);
    return this.registry.rebind(mac, from);
  }

  private onRegister(msg: Register, from: Peer): Message {
    const now = this.clock.now();
    // the session was opened for one MAC: a register on it for another is someone else's claim
    const bound = this.endpoint.macOf(from.session);
    if (bound === undefined || bound.toLowerCase() !== msg.mac.toLowerCase()) {
      this.info(`register ${msg.mac} refused: the session from ${from.ip}:${from.port} belongs to ${bound ?? 'nobody'}`);
      return { type: 'register-ack', result: 'refused', heartbeatSeconds: 0, healthCheckSeconds: 0, serverTimeMs: this.serverTime(), controllerId: this.id, firmwareVersion: '', alarmDn: '', dialDigits: 0, dn: '' };
    }
    const own = this.registerDn(msg);
    if (!('dn' in own)) {
      return { type: 'register-ack', result: own.result, heartbeatSeconds: 0, healthCheckSeconds: 0, serverTimeMs: this.serverTime(), controllerId: this.id, firmwareVersion: '', alarmDn: '', dialDigits: 0, dn: '' };
    }
    const { evicted } = this.registry.register({
      mac: msg.mac,
      model: msg.model,
      firmwareVersion: msg.firmwareVersion,
      dn: own.dn,
      ip: from.ip,
      port: from.port,
      ...(from.session === undefined ? {} : { session: from.session }),
      registeredAt: now,
      lastHeartbeat: now,
    });
    const phone = this.registry.at(from)!;
    if (evicted !== undefined) this.forgetPhone(evicted);
    // a registering phone has no calls (it booted, or came back from another element)
    this.callHandling.releasePhone(phone.mac, 'normal');
    this.blf.drop(phone.mac); // a registering phone subscribes anew
    this.info(`register ${phone.mac} model ${msg.model} fw ${msg.firmwareVersion} dn ${own.dn || '-'} from ${from.ip}:${from.port}`);
    this.reconcileSession(phone, msg.hotdeskExt, msg.sessionToken);
    this.o.cluster?.phoneRegistered(this.selfIp, phone.mac);
    // a user's layout the phone does not show (a download a fail-over cut short): send it again
    const kept = this.sessions.ofMac(phone.mac);
    if (kept) {
      const user = this.directory.user(kept.ext);
      if (user && layoutCrc(layoutKeys(user.keys).entries) !== msg.layoutCrc) this.defer(() => this.pushUserLayout(phone.mac, kept));
    }
    // a set nobody is logged in on gets its own programming (after the register-ack, which it answers)
    if (!this.sessions.ofMac(phone.mac)) this.defer(() => this.pushSetProgramming(phone.mac));
    return {
      type: 'register-ack',
      result: 'ok',
      heartbeatSeconds: Math.min(0xffff, Math.max(1, Math.round(this.o.world.heartbeatMs / 1000))),
      healthCheckSeconds: Math.min(0xffff, Math.max(1, Math.round((this.o.world.healthCheckMs ?? 20_000) / 1000))),
      serverTimeMs: this.serverTime(),
      controllerId: this.id,
      firmwareVersion: this.o.expectedFirmware?.(msg.model) ?? '',
      alarmDn: this.o.world.alarmDn ?? '0',
      dialDigits: this.dialDigits,
      dn: own.dn,
    };
  }

  /**
   * Automatic DN Selection (dn-selection.ts): the DN a registering set is served on, or why it is not
   * registered yet (`dn-required`: ask for the Set Registration Access Code; `no-dn`: the hunt found none).
   */
  private registerDn(msg: Register): { dn: string } | { result: 'dn-required' | 'no-dn' } {
    const auto = autoDnOf(this.o.world);
    // a 5604/5607/5614 needs a DN provisioned for it: it registers as before, as every set does without the feature
    if (!auto || isHandset(msg.model)) return { dn: msg.dn };
    if (msg.dn === auto.code) {
      const mac = msg.mac.toLowerCase();
      // ACD agent IDs and group ids are numbers of the world too (the directory has the agents)
      const given = worldDns({ ...this.o.world, users: [...this.directory.users(), ...(this.o.world.acdGroups ?? []).map((g) => ({ ext: g.id, keys: [] }))], voicemailDn: this.voicemailDn });
      // the set's own earlier DN is not taken from it: it registers with the code again after a power cycle
      const hunt = huntDn(auto.range, (dn) => given.has(dn) || (this.registry.byDn(dn)?.mac ?? mac) !== mac);
      this.info(hunt.ok ? `automatic DN selection: ${msg.mac} gets ${hunt.dn}` : `automatic DN selection: no DN for ${msg.mac} (${hunt.why} after ${hunt.tried})`);
      return hunt.ok ? { dn: hunt.dn } : { result: 'no-dn' };
    }
    // a set the hunt gave a DN registers with it again; one with no DN (or a DN nothing has) is asked for the code
    if (msg.dn !== '' && (inDnRange(auto.range, msg.dn) || this.directory.set(msg.dn))) return { dn: msg.dn };
    this.info(`register ${msg.mac} dn ${msg.dn || '-'}: dn-required (automatic DN selection)`);
    return { result: 'dn-required' };
  }

  /**
   * A registering phone says who is logged in on it. A re-homed resilient user stays logged in: the
   * session is restored here. A phone that lost its user (rebooted) ends the session we held for it.
   * A claim this controller cannot honour is answered with a logout-notice after the register-ack.
   */
  private reconcileSession(phone: PhoneRecord, claimed: string, token: Uint8Array): void {
    const current = this.sessions.ofMac(phone.mac);
    if (current && current.ext === claimed) return;
    if (current) this.endSession(current);
    if (claimed === '') return;
    const user = this.directory.user(claimed);
    const elsewhere = this.sessions.ofExt(claimed);
    // naming a user is not logging in: only the cluster's token for this user on this set restores one
    const proven = this.tokens.valid(token, claimed, phone.mac, Math.max(this.o.cluster?.lastLogout(claimed) ?? -1, this.lastLogout.get(claimed) ?? -1));
    // resilient hot desking: away from home, both the user and the set need a secondary element (this one)
    const resilient = user !== undefined && keepsRehomedUser(user, this.directory.set(phone.dn), this.elementView());
    if (user?.hotdesk && !elsewhere && proven && resilient) {
      this.startSession(claimed, phone.mac, user);
      this.info(`session ${claimed} restored on ${phone.mac} (re-homed)`);
      return;
    }
    const byDn = elsewhere ? (this.registry.byMac(elsewhere.mac)?.dn ?? '') : '';
    const reason: LogoutReason = elsewhere ? 'login-elsewhere' : 'failover-version';
    const why = elsewhere ? 'logged in elsewhere' : !proven ? 'no valid session token' : !user?.hotdesk ? 'unknown here' : 'not resilient here: set and user need this secondary element';
    this.info(`session ${claimed} on ${phone.mac} not restored (${why})`);
    this.defer(() => this.requestTo(phone.mac, { type: 'logout-notice', reason, ext: claimed, byDn }));
  }

  private onLogin(phone: PhoneRecord, ext: string, hmac: Uint8Array): LoginResult {
    const { result, user } = completeLogin(this.desk, phone.mac, ext, hmac);
    this.countLogin(result, phone);
    if (result.code !== 'ok' || !user) return result;
    this.startLogin(phone, user);
    return { ...result, token: this.tokens.issue(ext, phone.mac, this.serverTime()) };
  }

  private startLogin(phone: PhoneRecord, user: HotdeskUser): void {
    const other = this.sessions.ofExt(user.ext);
    // the other set is told first, so the user is never shown logged in on two sets
    if (other && other.mac !== phone.mac) this.finishLogout(other, 'login-elsewhere', phone.dn, undefined);
    else if (other) this.endSession(other);
    const replaced = this.sessions.ofMac(phone.mac);
    if (replaced) this.endSession(replaced); // a new login on a set replaces its user
    const session = this.startSession(user.ext, phone.mac, user);
    this.o.cluster?.userLoggedIn(this.selfIp, user.ext);
    // after the login-result: the phone applies a layout to a user it knows is logged in
    this.defer(() => this.pushUserLayout(phone.mac, session));
  }

  /** Sends the session's user layout to the phone, for as long as that session lasts. */
  private pushUserLayout(mac: string, session: Session): void {
    const to = this.registry.byMac(mac);
    const user = this.directory.user(session.ext);
    if (!to || !user || this.sessions.ofExt(session.ext) !== session) return;
    const { entries, skipped } = layoutKeys(user.keys);
    for (const k of skipped) this.info(`key layout ${user.ext}: ${k.key} left out (${k.why})`);
    void pushKeyLayout(this.transactions, to, entries, () => this.sessions.ofExt(user.ext) === session && this.registry.byMac(mac) === to).then((r) => {
      if (r.sent) this.counters.keyLayouts.sent++;
      else this.counters.keyLayouts.failed++;
      this.info(`key layout ${user.ext} to ${mac}: ${r.sent ? `${r.blocks} block(s)` : `not sent, ${r.why}`}`);
    });
  }

  // ---- the cluster: a phone and a user are served by one element at a time ----

  /** The phone registered with another element of the cluster: it is that element's now. */
  leftForElsewhere(mac: string): void {
    const phone = this.registry.byMac(mac);
    if (!phone) return;
    this.info(`${mac} is served by another element now: forgotten here`);
    this.registry.remove(mac);
    this.forgetPhone(mac);
  }

  /** `ext` logged in through another element: a session held here for it ends (login elsewhere). */
  loggedInElsewhere(ext: string): void {
    const s = this.sessions.ofExt(ext);
    if (s) this.finishLogout(s, 'login-elsewhere', '', undefined);
  }

  private onLogoutRequest(phone: PhoneRecord, msg: LogoutRequest): Message {
    if (msg.reason === 'remote') {
      const outcome = this.remoteLogoutFrom(phone.dn, msg.ext, phone.mac);
      if (outcome === 'done' || outcome === 'not-logged-in') return { type: 'logout-notice', reason: 'remote', ext: msg.ext, byDn: phone.dn };
      return this.refusal(outcome === 'waiting' ? 'busy' : outcome === 'refused-ringing' ? 'ringing' : outcome, msg.ext);
    }
    const s = this.sessions.ofExt(msg.ext);
    // nobody by that name here: the set is already logged out, which is what it asked for
    if (!s || s.mac !== phone.mac) return { type: 'logout-notice', reason: msg.reason, ext: msg.ext, byDn: '' };
    const outcome = this.requestLogout(s, msg.reason, '', phone.mac);
    if (outcome === 'done') return { type: 'logout-notice', reason: msg.reason, ext: msg.ext, byDn: '' };
    return this.refusal(outcome === 'waiting' ? 'busy' : 'ringing', msg.ext);
  }

  private refusal(reason: 'busy' | 'ringing' | 'not-allowed' | 'unknown-ext', ext: string): Message {
    this.counters.logoutRefusals[reason]++;
    return { type: 'logout-refused', reason, ext };
  }

  // ---- logout, every form ----

  /** `answered`: the phone whose own request this answers (it needs no separate notice). */
  private remoteLogoutFrom(byDn: string, ext: string, answered: string | undefined): LogoutOutcome {
    const user = this.directory.user(ext);
    if (!user?.hotdesk) return 'unknown-ext';
    if (!this.directory.setMayRemoteLogout(byDn) || !user.remoteLogoutAllowed) {
      this.info(`remote logout of ${ext} by ${byDn || '-'} not allowed by COS`);
      return 'not-allowed';
    }
    const s = this.sessions.ofExt(ext);
    if (!s) return 'not-logged-in';
    return this.requestLogout(s, 'remote', byDn, answered);
  }

  private requestLogout(s: Session, reason: LogoutReason, byDn: string, answered: string | undefined): LogoutOutcome {
    const timing = logoutTiming(reason, this.lines.line(s.ext));
    if (timing === 'refused') return 'refused-ringing';
    if (timing === 'when-idle') {
      s.pending = { reason, byDn };
      this.info(`logout ${s.ext} (${reason}) waits for the call to end`);
      return 'waiting';
    }
    this.finishLogout(s, reason, byDn, answered);
    return 'done';
  }

  private finishLogout(s: Session, reason: LogoutReason, byDn: string, answered: string | undefined): void {
    this.endSession(s);
    // a logout revokes the login's token, on every element: a later register naming the user restores nothing
    const at = this.serverTime();
    this.lastLogout.set(s.ext, at);
    this.o.cluster?.userLoggedOut(s.ext, at);
    // the set the user leaves shows its own programming again (after the logout notice or answer)
    this.defer(() => this.pushSetProgramming(s.mac));
    this.counters.logouts[reason]++;
    this.info(`logout ${s.ext} from ${s.mac} (${reason}${byDn ? ` by ${byDn}` : ''})`);
    if (s.mac !== answered) this.requestTo(s.mac, { type: 'logout-notice', reason, ext: s.ext, byDn });
  }

  /** The voice mailbox of `ext` holds `messages` now; the set the user sits at is told. */
  setMessages(ext: string, messages: number): 'done' | 'unknown-ext' {
    if (!this.directory.user(ext)?.hotdesk) return 'unknown-ext';
    if (this.mailboxes.set(ext, messages)) this.info(`voicemail ${ext}: ${messages} message(s) waiting`);
    const s = this.sessions.ofExt(ext);
    if (s) this.pushMessages(s);
    return 'done';
  }

  /** Tells the set of session `s` its user's messages (a set the call server only plays is told nothing). */
  private pushMessages(s: Session): void {
    if (this.sessions.ofExt(s.ext) !== s || !this.registry.byMac(s.mac)) return;
    this.requestTo(s.mac, { type: 'message-waiting', ext: s.ext, count: this.mailboxes.count(s.ext), voicemailDn: this.voicemailDn });
  }

  private startSession(ext: string, mac: string, user: HotdeskUser): Session {
    // the set's own DN is gone from it while the user is there: a call offered to it is withdrawn
    this.callHandling.releasePhone(mac, 'normal');
    const s = this.sessions.start(ext, mac, this.clock.now());
    const hours = user.autoLogoutHours ?? 0;
    if (hours > 0) {
      s.autoTimer = this.clock.setTimeout(() => {
        s.autoTimer = undefined;
        if (this.sessions.ofExt(ext) === s) this.requestLogout(s, 'auto', '', undefined);
      }, hours * 3_600_000);
    }
    this.blf.refresh(ext);
    // the user's mailbox follows them: after the login's answer, the set lights its Message lamp
    this.defer(() => this.pushMessages(s));
    // an ACD agent is available from its login on (after the login's answer, as its layout)
    if (this.acd.isAgent(ext)) this.defer(() => this.sessions.ofExt(ext) === s && this.acd.sessionStarted(ext, mac));
    return s;
  }

  /** The session ends: the user's calls on that set are released `logged-out`, far ends too. */
  private endSession(s: Session): void {
    this.clock.clearTimeout(s.autoTimer);
    this.sessions.end(s.ext);
    // the agent leaves its groups first: the calls the session's end releases start no work timer
    this.acd.sessionEnded(s.ext);
    this.callHandling.releasePhone(s.mac, 'logged-out');
    this.blf.refresh(s.ext);
  }

  /** A phone gone from the registry (its address was handed to another): its user is logged out. */
  private forgetPhone(mac: string): void {
    const s = this.sessions.ofMac(mac);
    if (s) this.endSession(s);
    this.callHandling.releasePhone(mac, 'normal');
    this.blf.drop(mac);
  }

  /** What a registered phone shows, for its call appearances: its user's keys, else its own programming. */
  private layoutOf(p: PhoneRecord): PhoneLayout {
    const s = this.sessions.ofMac(p.mac);
    if (s) return { mac: p.mac, primeDn: s.ext, keys: this.directory.user(s.ext)?.keys ?? [] };
    return { mac: p.mac, primeDn: p.dn, keys: (p.dn === '' ? undefined : this.directory.set(p.dn)?.keys) ?? [] };
  }

  /** Calls moved these DNs' lines: BLF watchers see it, and a logout waiting for idle completes. */
  private linesChanged(dns: readonly string[]): void {
    for (const dn of dns) {
      this.blf.refresh(dn);
      const s = this.sessions.ofExt(dn);
      if (s?.pending && this.lines.line(dn) === 'idle') this.finishLogout(s, s.pending.reason, s.pending.byDn, undefined);
      this.acd.lineChanged(dn);
    }
  }

  /** Sends a registered set nobody is logged in on the key layout of its own DN, when it has one. */
  private pushSetProgramming(mac: string): void {
    const phone = this.registry.byMac(mac);
    if (!phone || this.sessions.ofMac(mac)) return;
    const set = this.directory.set(phone.dn);
    if (!set || set.keys.length === 0) return;
    const { entries, skipped } = setLayoutKeys(set.keys);
    for (const k of skipped) this.info(`key layout of set ${phone.dn}: ${k.key} left out (${k.why})`);
    // a login on the set, or the set registering anew, makes this layout stale: stop sending it
    const wanted = () => this.registry.byMac(mac) === phone && !this.sessions.ofMac(mac);
    void pushKeyLayout(this.transactions, phone, entries, wanted).then((r) => {
      if (r.sent) this.counters.keyLayouts.sent++;
      else this.counters.keyLayouts.failed++;
      this.info(`key layout of set ${phone.dn} to ${mac}: ${r.sent ? `${r.blocks} block(s)` : `not sent, ${r.why}`}`);
    });
  }

  // ---- plumbing ----

  /** This element as the user-element rules see it (without a cluster: alone, its own primary). */
  private elementView(): ElementView {
    const cluster = this.o.cluster;
    return { self: this.selfIp, primary: cluster?.primary?.() ?? this.selfIp, alive: (ip) => cluster?.isAlive?.(ip) ?? true };
  }

  private isLoggedOutHotdeskUser(dn: string): boolean {
    return this.directory.user(dn)?.hotdesk === true && !this.sessions.ofExt(dn);
  }

  private countLogin(r: LoginResult, phone: PhoneRecord): void {
    this.counters.logins[r.code]++;
    const detail = r.code === 'wrong-pin' ? ` (${r.attemptsLeft} left)` : r.code === 'locked' ? ` (${r.lockedSeconds} s)` : r.code === 'redirect' ? ` to ${r.redirectIp}:${r.redirectPort}` : '';
    this.info(`login ${r.ext} on ${phone.mac}: ${r.code}${detail}`);
  }

  /** A reliable request to a registered phone; an unanswered one is traced, never thrown. */
  private requestTo(mac: string, msg: Message): void {
    const phone = this.registry.byMac(mac);
    if (!phone) return;
    this.transactions.request(phone, msg).then(
      (answer) => {
        if (answer.type !== 'ack' || answer.status !== 'ok') this.info(`${msg.type} to ${mac} answered ${answer.type}${answer.type === 'ack' ? ` ${answer.status}` : ''}`);
      },
      (err: Error) => this.info(`${msg.type} to ${mac} failed: ${err.message}`),
    );
  }

  private defer(fn: () => void): void {
    const id = this.clock.setTimeout(() => {
      this.deferred.delete(id);
      fn();
    }, 0);
    this.deferred.add(id);
  }

  private serverTime(): number {
    return Math.floor((this.o.epochMs ?? DEFAULT_EPOCH_MS) + this.clock.now());
  }

  private info(message: string): void {
    this.tracer?.record({ kind: 'info', message: `callserver: ${message}` });
  }
}
