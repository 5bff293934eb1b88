// The call server's calls (docs/design.md "Calls"): phones' call requests answered from the call model,
// what the model says pushed to the phones, the trace, delay-ring alarms, key-system line-status, and the
// prime line states the hot desk rules read. The call server owns the phones and the sessions and hands
// them in through CallHost; this owns the calls.
import type { Clock, TimerId, Tracer } from '../../../firmware/hal.ts';
import { userlessMayCall } from '../../../firmware/calls/dial-plan.ts';
import type { CallMessage, Message, ReleaseCause } from '../../../firmware/signalling/messages.ts';
import { appearanceAt, appearancesOf, type Appearance, type PhoneLayout } from './calls/appearances.ts';
import type { CallCounters, CallInfo, CallRefusal } from './calls/counters.ts';
import { LineStatusBoard } from './calls/line-status.ts';
import { CallModel, fields, type Leg, type Spot } from './calls/model.ts';
import { LineRings, partyLegs, ringingParty } from './calls/simulated.ts';
import { VOICEMAIL_ANSWER_MS } from './voicemail.ts';
import type { LineState, LineStates } from './lines.ts';

export interface CallHost {
  clock: Clock;
  tracer: Tracer | undefined;
  counters: CallCounters;
  lines: LineStates;
  /** The world's alarm DN: a userless handset's Alarm key calls it. */
  alarmDn: string;
  /** Where the voice mailboxes answer: the party the call server plays there answers after one ring. */
  voicemailDn: string;
  /** Every registered phone with what it shows now. */
  layouts(): PhoneLayout[];
  layoutOf(mac: string): PhoneLayout | undefined;
  /** A registered set with no user and no DN of its own. */
  userless(mac: string): boolean;
  /** A 5604/5607/5614: with nobody logged in, its Alarm key may call the alarm DN. */
  handset(mac: string): boolean;
  isLoggedOutHotdeskUser(dn: string): boolean;
  /** The number an External Hot Desk User logged in on their own device is reached on, else undefined. */
  externalOf(ext: string): string | undefined;
  /** The user an external number reaches now (logged in on it), else undefined. */
  extOfExternal(number: string): string | undefined;
  /** A reliable request to a registered phone (traced when unanswered, never thrown). */
  push(mac: string, msg: Message): void;
  info(message: string): void;
  /** These DNs' prime line states may have moved: BLF refreshes, a pending logout may complete. */
  linesChanged(dns: readonly string[]): void;
}

const REJECTED: Message = { type: 'ack', status: 'rejected' };
// a Record, so a call message type added to the protocol fails to compile here until it is listed
const CALL_TYPES: Record<CallMessage['type'], true> = {
  'call-setup': true,
  'call-alerting': true,
  'call-connect': true,
  'call-hold': true,
  'call-resume': true,
  'call-transfer': true,
  'call-conference': true,
  'call-release': true,
  'line-status': true,
};

/** A message of the `calls` topic (docs/protocol.md `call-*`, `line-status`). */
export function isCallMessage(msg: Message): msg is CallMessage {
  return Object.hasOwn(CALL_TYPES, msg.type);
}

const spotOf = (a: Appearance): Spot => ({ mac: a.mac, line: a.line, kind: a.kind });

export class CallHandling {
  private readonly model: CallModel;
  private readonly board = new LineStatusBoard();
  private readonly rings = new LineRings();
  private readonly delays = new Map<number, TimerId>();
  /** DNs whose legs changed since the last flush. */
  private readonly touched = new Set<string>();
  private flushing = false;

  constructor(private readonly h: CallHost) {
    this.model = new CallModel({
      changed: (leg, ended) => this.changed(leg, ended),
      push: (mac, msg) => h.push(mac, msg),
      ringLater: (leg, ms) => {
        const id = leg.id;
        this.delays.set(
          id,
          h.clock.setTimeout(() => {
            this.delays.delete(id);
            this.model.delayElapsed(id);
          }, ms),
        );
      },
    });
  }

  // ---- what the call server reads ----

  /** The line state `dn`'s calls give it. */
  lineState(dn: string): LineState {
    return this.model.lineState(dn);
  }

  appearancesOf(dn: string): Appearance[] {
    return appearancesOf(dn, this.h.layouts());
  }

  /** A phone on the wire holds `dn` (its prime DN, or a line or multicall key it shows). */
  holds(dn: string): boolean {
    return this.appearancesOf(dn).length > 0;
  }

  list(): CallInfo[] {
    return this.model.legs().map((l) => ({ id: l.id, dn: l.dn, party: l.party, state: l.state, mac: l.at?.mac ?? 'simulated', line: l.at?.line ?? 0 }));
  }

  // ---- a phone's call requests ----

  /** Answers one call request from the registered phone `mac`. Bad input is refused, never thrown. */
  onRequest(mac: string, msg: CallMessage): Message {
    try {
      return this.answer(mac, msg);
    } finally {
      this.flush();
    }
  }

  private answer(mac: string, msg: CallMessage): Message {
    switch (msg.type) {
      case 'call-setup': {
        const layout = this.h.layoutOf(mac);
        const app = msg.callId === 0 && layout ? appearanceAt(layout, msg.line) : undefined;
        if (!app) return this.refused('bad-line', mac, msg);
        // two calls an appearance (one up or held, one more): the phone refuses a third itself
        if (this.model.legsAt(mac, app.line).length >= 2) return this.refused('appearance-full', mac, msg);
        const userless = this.h.userless(mac) && !(this.h.handset(mac) && msg.toDn === this.h.alarmDn && msg.toDn !== '');
        const { leg, cause } = this.start({ dn: app.dn, at: spotOf(app) }, msg.toDn, userless);
        return cause ? { type: 'call-release', ...fields(leg), cause } : { type: 'call-alerting', ...fields(leg) };
      }
      case 'call-connect': {
        const leg = this.own(mac, msg.callId);
        if (typeof leg === 'string') return this.refused(leg, mac, msg);
        if (!this.model.answer(leg.id)) return this.refused('wrong-state', mac, msg);
        this.counters.answered++;
        return { type: 'ack', status: 'ok' };
      }
      case 'call-hold': {
        const leg = this.own(mac, msg.callId);
        if (typeof leg === 'string') return this.refused(leg, mac, msg);
        return this.model.hold(leg.id) ? { type: 'ack', status: 'ok' } : this.refused('wrong-state', mac, msg);
      }
      case 'call-resume':
        return this.resume(mac, msg.callId, msg.line) ?? { type: 'ack', status: 'ok' };
      case 'call-release': {
        const leg = this.own(mac, msg.callId);
        if (typeof leg === 'string') return this.refused(leg, mac, msg);
        this.model.hangUp(leg.id, { cause: msg.cause });
        return { type: 'ack', status: 'ok' };
      }
      case 'call-transfer':
      case 'call-conference': {
        const held = this.own(mac, msg.callId);
        if (typeof held === 'string') return this.refused(held, mac, msg);
        const other = this.own(mac, msg.otherCallId);
        if (typeof other === 'string') return this.refused(other, mac, msg);
        const transfer = msg.type === 'call-transfer';
        if (!(transfer ? this.model.transfer(held.id, other.id) : this.model.conference(held.id, other.id))) return this.refused('wrong-state', mac, msg);
        if (transfer) this.counters.transfers++;
        else this.counters.conferences++;
        this.h.info(`${transfer ? 'transfer' : 'conference'} of calls ${held.id} and ${other.id} on ${mac}`);
        return { type: 'ack', status: 'ok' };
      }
      case 'call-alerting':
      case 'line-status':
        return this.refused('not-for-controller', mac, msg);
    }
  }

  /**
   * The phone takes back a call it held, or (on a key-system line) picks up, on its own appearance
   * `line`, the call another set holds there. A held multicall call is only its holder's. Returns the
   * refusal, or undefined when done.
   */
  private resume(mac: string, callId: number, line: number): Message | undefined {
    const leg = this.model.leg(callId);
    const msg = { type: 'call-resume', callId } as const;
    if (!leg) return this.refused('unknown-call', mac, msg);
    const app = this.appearanceOf(mac, line);
    if (leg.at?.mac === mac) {
      // taken back on another appearance of the same line: the call moves there
      const moved = app && app.dn === leg.dn && app.line !== leg.at.line ? app.line : undefined;
      return this.model.resume(leg.id, moved) ? undefined : this.refused('wrong-state', mac, msg);
    }
    const why: CallRefusal | undefined =
      leg.at?.kind !== 'line' || app?.kind !== 'line' || app.dn !== leg.dn ? 'not-yours' : !this.model.pickup(leg.id, spotOf(app)) ? 'wrong-state' : undefined;
    if (why) {
      // the set let go of the held call's lamp when it tried: tell it again what the line shows
      if (leg.at?.kind === 'line') {
        const told = this.appearancesOf(leg.dn).find((a) => a.mac === mac && a.kind === 'line');
        if (told) this.board.retell(mac, told.line, leg.dn);
        this.touched.add(leg.dn);
      }
      return this.refused(why, mac, msg);
    }
    this.counters.pickups++;
    this.h.info(`call ${leg.id} on ${leg.dn} picked up on ${mac} key ${line}`);
    return undefined;
  }

  private appearanceOf(mac: string, line: number): Appearance | undefined {
    const layout = this.h.layoutOf(mac);
    return layout ? appearanceAt(layout, line) : undefined;
  }

  /** The leg `id` if it is on phone `mac`, else why not. */
  private own(mac: string, id: number): Readonly<Leg> | CallRefusal {
    const leg = this.model.leg(id);
    if (!leg) return 'unknown-call';
    return leg.at?.mac === mac ? leg : 'not-yours';
  }

  private refused(why: CallRefusal, mac: string, msg: { type: string; callId: number }): Message {
    this.counters.refused[why]++;
    this.h.info(`${msg.type} ${msg.callId} from ${mac} refused: ${why}`);
    return REJECTED;
  }

  // ---- calls the call server starts ----

  /**
   * A call from `from` to `toDn`, refused as the contract says (a userless set calling what it may
   * not, an empty number, a logged-out hot desk user), else offered on the called DN's free
   * appearances (busy when there is none), or to the party the call server plays for it.
   */
  private start(from: { dn: string; at?: Spot }, toDn: string, userless: boolean): { leg: Readonly<Leg>; cause?: ReleaseCause } {
    this.counters.setups++;
    const refusal: ReleaseCause | undefined =
      userless && !userlessMayCall(toDn) ? 'not-allowed' : toDn === '' ? 'unreachable' : this.h.isLoggedOutHotdeskUser(toDn) ? 'logged-out' : undefined;
    const where = `${from.at ? `${from.at.mac} line ${from.at.line}` : 'simulated'}`;
    if (refusal) {
      const leg = this.model.refuse(from, toDn, refusal);
      this.h.info(`call ${leg.id} ${from.dn || '-'} (${where}) -> ${toDn || '-'}: ${refusal}`);
      return { leg, cause: refusal };
    }
    const apps = this.appearancesOf(toDn);
    const { leg, busy } = this.model.call(from, toDn, apps.length > 0 ? apps : 'simulated');
    if (busy) this.counters.busy++;
    // an External Hot Desk User on their own device: the call server plays that device, on the user's DN
    const external = apps.length === 0 ? this.h.externalOf(toDn) : undefined;
    if (!busy && apps.length === 0 && toDn === this.h.voicemailDn) this.answerLater(leg.offers[0]);
    const offered = busy ? 'busy' : apps.length > 0 ? `offered on ${leg.offers.length}` : external ? `rings external ${external}` : 'a simulated party rings';
    this.h.info(`call ${leg.id} ${from.dn || '-'} (${where}) -> ${toDn}: ${offered}`);
    return busy ? { leg, cause: 'busy' } : { leg };
  }

  /** The voicemail answers the offer `id` after one ring (once the caller knows the call's id). */
  private answerLater(id: number | undefined): void {
    if (id === undefined) return;
    this.delays.set(
      id,
      this.h.clock.setTimeout(() => {
        this.delays.delete(id);
        if (this.model.answer(id)) this.counters.answered++;
        this.flush();
      }, VOICEMAIL_ANSWER_MS),
    );
  }

  /** See CallServer.placeCall. */
  placeCall(from: string, to: string): void {
    if (from === '') throw new Error('placeCall: the calling DN is empty');
    if (to === '') throw new Error(`placeCall ${from}: the called DN is empty`);
    try {
      const apps = this.appearancesOf(from);
      if (apps.length === 0) {
        const { cause } = this.start({ dn: from }, to, false);
        if (cause) throw new Error(`placeCall ${from} -> ${to}: released ${cause}`);
        return;
      }
      // a CTI make-call: the set goes to ringback on its prime appearance (another when that is in use)
      const app = apps.find((a) => a.prime && this.model.isFree(a)) ?? apps.find((a) => this.model.isFree(a));
      if (!app) throw new Error(`placeCall ${from} -> ${to}: ${from} has no free appearance`);
      const { leg, cause } = this.start({ dn: from, at: spotOf(app) }, to, false);
      this.h.push(app.mac, { type: 'call-alerting', ...fields(leg) });
      if (cause) this.h.push(app.mac, { type: 'call-release', ...fields(leg), cause });
    } finally {
      this.flush();
    }
  }

  /** See CallServer.answerParty. */
  answerParty(dn: string): void {
    const leg = ringingParty(this.model, this.h.extOfExternal(dn) ?? dn);
    if (!leg) throw new Error(`answerParty: no call rings ${dn || '(empty DN)'}${this.holds(dn) ? ` (${dn} is a phone's: it answers there)` : ''}`);
    this.model.answer(leg.id);
    this.counters.answered++;
    this.flush();
  }

  /** See CallServer.hangupParty. */
  hangupParty(dn: string): void {
    const legs = partyLegs(this.model, this.h.extOfExternal(dn) ?? dn);
    if (legs.length === 0) throw new Error(`hangupParty: ${dn || '(empty DN)'} is in no call${this.holds(dn) ? ` (${dn} is a phone's: it hangs up there)` : ''}`);
    for (const l of legs) this.model.hangUp(l.id);
    this.flush();
  }

  /**
   * The controller's `line` action: sets the override and rings the line (every free key appearance
   * of it, from a caller with no DN) while it is `ringing`; busy stops the ring, idle also ends a ring
   * that was answered.
   */
  setLine(dn: string, state: LineState): void {
    const ring = this.rings.of(this.model, dn);
    if (state === 'ringing') {
      this.h.lines.setLine(dn, 'ringing');
      if (!ring) this.ringLine(dn);
    } else {
      if (ring && (ring.state === 'ringback' || state === 'idle')) this.model.hangUp(ring.id);
      this.h.lines.setLine(dn, state);
    }
    this.touched.add(dn);
    this.flush();
  }

  /**
   * The `line` action rings the line's keys only, as it always has: a prime line without a key (line 0)
   * is left alone, so a scenario can ring a user's DN under a screen it still reads. A call to the DN
   * (placeCall from a simulated party) rings line 0 too.
   */
  private ringLine(dn: string): void {
    const free = this.appearancesOf(dn).filter((a) => a.line !== 0 && this.model.isFree(a));
    if (free.length === 0) return; // the override alone: BLF watchers see it ring
    this.counters.setups++;
    const { leg } = this.model.call({ dn: '' }, dn, free, dn);
    this.rings.started(dn, leg);
  }

  /**
   * Ends every call on phone `mac` (its user left, or the phone is gone): its far ends are released
   * with `cause`, and so is the phone when it is still there to hear it.
   */
  releasePhone(mac: string, cause: ReleaseCause): void {
    // the far end hears why (the user logged out); the set itself just ends the call (its own
    // logout notice says why), so it never reads as if the far party had logged out
    for (const l of this.model.legsAt(mac)) this.model.hangUp(l.id, { cause: 'normal', far: cause, tell: true });
    this.board.forget(mac);
    this.flush();
  }

  close(): void {
    for (const id of this.delays.values()) this.h.clock.clearTimeout(id);
    this.delays.clear();
  }

  // ---- plumbing ----

  private get counters(): CallCounters {
    return this.h.counters;
  }

  private changed(leg: Readonly<Leg>, ended: ReleaseCause | undefined): void {
    this.h.tracer?.record({ kind: 'call', call: leg.id, line: leg.at?.line ?? 0, party: leg.party, state: ended ? 'idle' : leg.state, ...(ended ? { cause: ended } : {}) });
    if (leg.dn !== '') this.touched.add(leg.dn);
    if (ended) {
      this.counters.released[ended]++;
      this.h.clock.clearTimeout(this.delays.get(leg.id));
      this.delays.delete(leg.id);
    }
    // a line ring answered or gone: the line is what its calls make it again
    if (leg.tag !== undefined && (ended || leg.state !== 'ringback') && this.h.lines.override(leg.tag) === 'ringing') {
      this.h.lines.setLine(leg.tag, 'idle');
      this.touched.add(leg.tag);
    }
  }

  /**
   * Brings key-system appearances and line states up to date with the legs that changed. What it sets
   * off (a pending logout completing releases nothing, but a session ending may) lands in the same loop.
   */
  private flush(): void {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.touched.size > 0) {
        const dns = [...this.touched];
        this.touched.clear();
        const layouts = this.h.layouts();
        for (const dn of dns) for (const { mac, msg } of this.board.update(dn, appearancesOf(dn, layouts), this.model.legs())) this.h.push(mac, msg);
        this.h.linesChanged(dns);
      }
    } finally {
      this.flushing = false;
    }
  }
}
