// The call server's calls as legs (docs/design.md "Calls"): one leg per end of a call, on a phone's
// appearance or played by the call server itself (a simulated party). Legs point at each other:
//   - an offer: the caller's leg is `ringback` and lists the legs it offers (`ringing`, or `waiting` on
//     a multicall appearance already carrying a call); each offered leg points back at the caller;
//   - a call: two legs, each the other's `peer`, `connected` or `held` (by its own phone);
//   - a conference: the host's two legs are `conference` and each other's `bridge`; each points at one
//     of the two other parties, whose legs (`conference`) point back at the host's.
// Pure data and logic: what the phones must be told goes out through the sink, as do state changes
// (the trace, line states) and delay-ring alarms; the model never sends, traces or sets a timer itself.
import type { CallMessage, ReleaseCause, RingType } from '../../../../firmware/signalling/messages.ts';
import type { LineState } from '../lines.ts';
import type { Appearance, AppearanceKind } from './appearances.ts';

export const LEG_STATES = ['ringback', 'ringing', 'waiting', 'connected', 'held', 'conference'] as const;
export type LegState = (typeof LEG_STATES)[number];

/** Where a phone-side leg is: the phone and its appearance key (0: the prime line without a key). */
export interface Spot {
  mac: string;
  line: number;
  kind: AppearanceKind;
}

export interface Leg {
  readonly id: number;
  /** The line the leg is on: the appearance's DN, or the simulated party's own DN. */
  dn: string;
  /** The far DN as this end sees it (the called DN during ringback, the caller while offered). */
  party: string;
  state: LegState;
  /** The phone appearance; none for a party the call server plays. */
  at?: Spot;
  /** This end placed the call (fromDn is its own DN in the messages), else it was called. */
  outgoing: boolean;
  /** An offered leg: how its appearance announces it. */
  ring: RingType;
  /** The far leg: the other party of a call, or the caller of an offered leg. */
  peer?: number;
  /** A ringback leg: the legs its call is offered on. */
  offers: number[];
  /** A conference host's leg: the host's other leg. */
  bridge?: number;
  /** Whoever made the call may mark it (the call server marks the rings of its `line` action). */
  tag?: string;
}

export interface CallSink {
  /** A leg changed state, party or place; `ended`: it is gone, for this cause. */
  changed(leg: Readonly<Leg>, ended?: ReleaseCause): void;
  /** A message for the phone a leg is on (the call server sends it as a reliable request). */
  push(mac: string, msg: CallMessage): void;
  /** An offered delay-ring leg: call `delayElapsed(leg.id)` after `ms`. */
  ringLater(leg: Readonly<Leg>, ms: number): void;
}

/** Where a call goes: these appearances of the called DN, or a party the call server plays. */
export type Target = readonly Appearance[] | 'simulated';

/** How a hang-up ends things: this leg's cause, the far ends' cause, and whether this leg's phone is told. */
export interface HangUp {
  cause?: ReleaseCause;
  far?: ReleaseCause;
  /** Tell this leg's own phone (false when the phone itself released it). */
  tell?: boolean;
}

const UP: ReadonlySet<LegState> = new Set(['ringback', 'connected', 'held', 'conference']);
const OFFERED: ReadonlySet<LegState> = new Set(['ringing', 'waiting']);

export const isUp = (s: LegState): boolean => UP.has(s);
export const isOffered = (s: LegState): boolean => OFFERED.has(s);

export class CallModel {
  private readonly table = new Map<number, Leg>();
  private nextId: number;

  constructor(
    private readonly sink: CallSink,
    firstId = 1,
  ) {
    this.nextId = firstId;
  }

  leg(id: number): Readonly<Leg> | undefined {
    return this.table.get(id);
  }

  /** Every live leg, oldest first. */
  legs(): Readonly<Leg>[] {
    return [...this.table.values()];
  }

  legsAt(mac: string, line?: number): Readonly<Leg>[] {
    return this.legs().filter((l) => l.at?.mac === mac && (line === undefined || l.at.line === line));
  }

  /**
   * A DN's prime line state from its calls: busy while a leg of it is up (dialled out, connected,
   * held, in conference), ringing while one is offered and none is up, idle otherwise.
   */
  lineState(dn: string): LineState {
    let ringing = false;
    for (const l of this.table.values()) {
      if (l.dn !== dn || dn === '') continue;
      if (UP.has(l.state)) return 'busy';
      if (OFFERED.has(l.state)) ringing = true;
    }
    return ringing ? 'ringing' : 'idle';
  }

  /**
   * Whether an appearance can take another call. A key-system line carries one call on its DN at a
   * time, across all its appearances; a multicall appearance (and line 0) two, the second only while
   * the first is up (it waits behind it), never two unanswered offers.
   */
  isFree(a: Appearance): boolean {
    if (a.kind === 'line') return !this.legs().some((l) => l.at?.kind === 'line' && l.dn === a.dn);
    const here = this.legsAt(a.mac, a.line);
    return here.length === 0 || (here.length === 1 && UP.has(here[0].state));
  }

  /**
   * A call from `from` (a phone appearance, or a party the call server plays when `at` is unset) to
   * `toDn`. Offered at once on every free appearance (none on the caller's own phone); with none
   * free, the caller's leg ends `busy`. The caller is not told here: its phone's request, or whoever
   * placed the call, reads the answer.
   */
  call(from: { dn: string; at?: Spot }, toDn: string, to: Target, tag?: string): { leg: Readonly<Leg>; busy: boolean } {
    const free = to === 'simulated' ? [] : to.filter((a) => a.mac !== from.at?.mac && this.isFree(a));
    const leg = this.add({ dn: from.dn, party: toDn, state: 'ringback', at: from.at, outgoing: true, ...(tag === undefined ? {} : { tag }) });
    if (to === 'simulated') {
      const callee = this.add({ dn: toDn, party: from.dn, state: 'ringing', outgoing: false, peer: leg.id });
      leg.offers = [callee.id];
      this.sink.changed(leg);
      this.sink.changed(callee);
      return { leg, busy: false };
    }
    if (free.length === 0) {
      this.end(leg, 'busy', false);
      return { leg, busy: true };
    }
    this.sink.changed(leg);
    // waiting or ringing is decided before any offer is made: offers never see each other
    const offers = free.map((a) => ({ a, waiting: this.legsAt(a.mac, a.line).length > 0 }));
    for (const { a, waiting } of offers) {
      const o = this.add({ dn: toDn, party: from.dn, state: waiting ? 'waiting' : 'ringing', at: { mac: a.mac, line: a.line, kind: a.kind }, outgoing: false, ring: a.ring, peer: leg.id });
      leg.offers.push(o.id);
      this.sink.changed(o);
      this.sink.push(a.mac, { type: 'call-setup', ...fields(o), ring: a.ring });
      if (a.ring === 'delay-ring') this.sink.ringLater(o, a.ringDelayMs);
    }
    return { leg, busy: false };
  }

  /** A call that never starts (refused before any offer): its leg exists only to be traced ending. */
  refuse(from: { dn: string; at?: Spot }, toDn: string, cause: ReleaseCause): Readonly<Leg> {
    const leg = this.add({ dn: from.dn, party: toDn, state: 'ringback', at: from.at, outgoing: true });
    this.end(leg, cause, false);
    return leg;
  }

  /** A delay-ring offer's delay is over: if still offered, its phone starts ringing it now. */
  delayElapsed(id: number): void {
    const leg = this.table.get(id);
    if (!leg?.at || !OFFERED.has(leg.state) || leg.ring !== 'delay-ring') return;
    this.sink.push(leg.at.mac, { type: 'call-alerting', ...fields(leg) });
  }

  /**
   * The offered leg `id` is answered: the other offers end `answered-elsewhere`, the caller is told
   * (call-connect naming the answerer), and so is the answerer when its caller changed meanwhile (a
   * blind transfer). False when the leg is no longer offered.
   */
  answer(id: number): boolean {
    const leg = this.table.get(id);
    const caller = leg?.peer === undefined ? undefined : this.table.get(leg.peer);
    if (!leg || !caller || !OFFERED.has(leg.state)) return false;
    for (const other of caller.offers) {
      const o = this.table.get(other);
      if (o && o !== leg) this.end(o, 'answered-elsewhere', true);
    }
    caller.offers = [];
    const renamed = leg.party !== caller.dn;
    this.link(caller, leg);
    caller.state = 'connected';
    leg.state = 'connected';
    this.sink.changed(caller);
    this.sink.changed(leg);
    if (caller.at) this.sink.push(caller.at.mac, { type: 'call-connect', ...fields(caller) });
    if (renamed && leg.at) this.sink.push(leg.at.mac, { type: 'call-connect', ...fields(leg) });
    return true;
  }

  /** The leg's phone holds it. A held leg stays held. False when it is not a plain connected call. */
  hold(id: number): boolean {
    const leg = this.table.get(id);
    if (!leg || (leg.state !== 'connected' && leg.state !== 'held')) return false;
    if (leg.state === 'held') return true;
    leg.state = 'held';
    this.sink.changed(leg);
    return true;
  }

  /** The leg's phone takes it back (`line`: the appearance it takes it on, default where it was). */
  resume(id: number, line?: number): boolean {
    const leg = this.table.get(id);
    if (!leg || leg.state !== 'held') return false;
    leg.state = 'connected';
    if (leg.at && line !== undefined) leg.at = { ...leg.at, line };
    this.sink.changed(leg);
    return true;
  }

  /**
   * Another appearance of a key-system line picks up the call held on it: the leg moves there and
   * the set that held it is told `picked-up`. False unless it is a held key-system call.
   */
  pickup(id: number, to: Spot): boolean {
    const leg = this.table.get(id);
    if (!leg?.at || leg.state !== 'held' || leg.at.kind !== 'line') return false;
    const was = leg.at;
    this.sink.push(was.mac, { type: 'call-release', ...fields(leg), cause: 'picked-up' });
    leg.at = { ...to };
    leg.state = 'connected';
    this.sink.changed(leg);
    return true;
  }

  /**
   * The party on leg `id` hangs up (or is made to): a ringing-out call's offers end, a refused offer
   * ends its call once none is left, a call's far end is released, and a conference goes on with the
   * two who stay. False when there is no such leg.
   */
  hangUp(id: number, how: HangUp = {}): boolean {
    const leg = this.table.get(id);
    if (!leg) return false;
    const far = how.far ?? 'normal';
    switch (leg.state) {
      case 'ringback':
        for (const o of leg.offers) this.endId(o, far, true);
        break;
      case 'ringing':
      case 'waiting': {
        const caller = leg.peer === undefined ? undefined : this.table.get(leg.peer);
        if (!caller) break;
        caller.offers = caller.offers.filter((o) => o !== leg.id);
        if (caller.offers.length === 0) this.end(caller, far, true);
        break;
      }
      case 'connected':
      case 'held': {
        const other = leg.peer === undefined ? undefined : this.table.get(leg.peer);
        if (other?.bridge !== undefined) this.partyLeft(other);
        else if (other) this.end(other, far, true);
        break;
      }
      case 'conference':
        if (leg.bridge !== undefined) this.hostLeft(leg);
        else {
          const host = leg.peer === undefined ? undefined : this.table.get(leg.peer);
          if (host?.bridge !== undefined) this.partyLeft(host);
          else if (host) this.end(host, far, true);
        }
        break;
    }
    if (this.table.get(id) === leg) this.end(leg, how.cause ?? 'normal', how.tell ?? false);
    return true;
  }

  /**
   * Joins the far end of `heldId` to the far end of `otherId` (both this set's): answered, the two are
   * connected and each told its new party; still ringing (a blind transfer), the held party becomes
   * the caller of that ringing call. The transferring set's legs end `transferred`, untold (it ends
   * them itself on the ack). False when the legs cannot be transferred.
   */
  transfer(heldId: number, otherId: number): boolean {
    const h1 = this.table.get(heldId);
    const h2 = this.table.get(otherId);
    if (!h1 || !h2 || h1 === h2 || h1.at?.mac !== h2.at?.mac) return false;
    if ((h1.state !== 'held' && h1.state !== 'connected') || !(h2.state === 'connected' || h2.state === 'held' || h2.state === 'ringback')) return false;
    const p1 = h1.peer === undefined ? undefined : this.table.get(h1.peer);
    if (!p1 || p1.bridge !== undefined) return false;
    if (h2.state === 'ringback') {
      p1.state = 'ringback';
      p1.peer = undefined;
      p1.outgoing = true;
      p1.party = h2.party;
      p1.offers = h2.offers;
      h2.offers = [];
      // the sets still ringing are told who calls them now (call-alerting names the new caller)
      for (const o of p1.offers) {
        const offered = this.table.get(o);
        if (!offered) continue;
        offered.peer = p1.id;
        offered.party = p1.dn;
        this.sink.changed(offered);
        if (offered.at) this.sink.push(offered.at.mac, { type: 'call-alerting', ...fields(offered) });
      }
      this.sink.changed(p1);
      if (p1.at) this.sink.push(p1.at.mac, { type: 'call-alerting', ...fields(p1) });
    } else {
      const p2 = h2.peer === undefined ? undefined : this.table.get(h2.peer);
      if (!p2 || p2.bridge !== undefined) return false;
      this.join(p1, p2);
    }
    this.end(h1, 'transferred', false);
    this.end(h2, 'transferred', false);
    return true;
  }

  /**
   * Joins the two calls of one set (`heldId`, `activeId`) into a conference it hosts: the other two
   * parties are told (call-conference, otherCallId 0). False when they cannot be joined.
   */
  conference(heldId: number, activeId: number): boolean {
    const h1 = this.table.get(heldId);
    const h2 = this.table.get(activeId);
    if (!h1 || !h2 || h1 === h2 || h1.at?.mac !== h2.at?.mac) return false;
    const plain = (l: Leg) => (l.state === 'connected' || l.state === 'held') && l.bridge === undefined;
    if (!plain(h1) || !plain(h2)) return false;
    const p1 = h1.peer === undefined ? undefined : this.table.get(h1.peer);
    const p2 = h2.peer === undefined ? undefined : this.table.get(h2.peer);
    if (!p1 || !p2 || p1 === p2 || !plain(p1) || !plain(p2)) return false;
    h1.bridge = h2.id;
    h2.bridge = h1.id;
    for (const l of [h1, h2, p1, p2]) {
      l.state = 'conference';
      this.sink.changed(l);
    }
    for (const p of [p1, p2]) if (p.at) this.sink.push(p.at.mac, { type: 'call-conference', ...fields(p), otherCallId: 0 });
    return true;
  }

  // ---- conferences shrinking ----

  /** The conference host leaves (leg `h`): the other two are joined as a call of their own. */
  private hostLeft(h: Leg): void {
    const other = h.bridge === undefined ? undefined : this.table.get(h.bridge);
    h.bridge = undefined;
    const p1 = h.peer === undefined ? undefined : this.table.get(h.peer);
    const p2 = other?.peer === undefined ? undefined : this.table.get(other.peer);
    if (other) {
      other.bridge = undefined;
      this.end(other, 'normal', true);
    }
    if (p1 && p2) this.join(p1, p2);
    else for (const p of [p1, p2]) if (p) this.end(p, 'normal', true);
  }

  /** The party on the far side of the host's leg `h1` left: the host's other leg is a plain call again. */
  private partyLeft(h1: Leg): void {
    const h2 = h1.bridge === undefined ? undefined : this.table.get(h1.bridge);
    h1.bridge = undefined;
    this.end(h1, 'normal', true);
    if (!h2) return;
    h2.bridge = undefined;
    h2.state = 'connected';
    this.sink.changed(h2);
    if (h2.at) this.sink.push(h2.at.mac, { type: 'call-connect', ...fields(h2) });
    const p2 = h2.peer === undefined ? undefined : this.table.get(h2.peer);
    if (!p2) return;
    p2.party = h2.dn;
    if (p2.state === 'conference') p2.state = 'connected';
    this.sink.changed(p2);
    if (p2.at) this.sink.push(p2.at.mac, { type: 'call-connect', ...fields(p2) });
  }

  // ---- plumbing ----

  /** Two legs become each other's far end, each told its (new) party by call-connect. */
  private join(a: Leg, b: Leg): void {
    this.link(a, b);
    for (const l of [a, b]) {
      if (l.state === 'conference') l.state = 'connected';
      this.sink.changed(l);
      if (l.at) this.sink.push(l.at.mac, { type: 'call-connect', ...fields(l) });
    }
  }

  private link(a: Leg, b: Leg): void {
    a.peer = b.id;
    b.peer = a.id;
    a.party = b.dn;
    b.party = a.dn;
  }

  private add(init: Omit<Leg, 'id' | 'ring' | 'offers'> & Partial<Pick<Leg, 'ring' | 'offers'>>): Leg {
    const leg: Leg = { ring: 'ring', offers: [], ...init, id: this.nextId++ };
    this.table.set(leg.id, leg);
    return leg;
  }

  private endId(id: number, cause: ReleaseCause, tell: boolean): void {
    const leg = this.table.get(id);
    if (leg) this.end(leg, cause, tell);
  }

  /** The one place a leg ends: gone from the table, its phone told when asked, the sink told always. */
  private end(leg: Leg, cause: ReleaseCause, tell: boolean): void {
    if (this.table.get(leg.id) !== leg) return;
    this.table.delete(leg.id);
    if (tell && leg.at) this.sink.push(leg.at.mac, { type: 'call-release', ...fields(leg), cause });
    this.sink.changed(leg, cause);
    if (leg.at) this.unwait(leg.at);
  }

  /** A call waiting behind one that ended on its appearance is the one ringing there now. */
  private unwait(at: Spot): void {
    const here = [...this.table.values()].filter((l) => l.at?.mac === at.mac && l.at.line === at.line);
    if (here.some((l) => UP.has(l.state))) return;
    for (const l of here) {
      if (l.state !== 'waiting') continue;
      l.state = 'ringing';
      this.sink.changed(l);
    }
  }
}

/** The call fields of a message about `leg`, as its own phone sees the call. */
export function fields(leg: Readonly<Leg>): { callId: number; line: number; fromDn: string; toDn: string } {
  return {
    callId: leg.id,
    line: leg.at?.line ?? 0,
    fromDn: leg.outgoing ? leg.dn : leg.party,
    toDn: leg.outgoing ? leg.party : leg.dn,
  };
}
