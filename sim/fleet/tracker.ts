// Where each phone of the fleet is: when it was powered on, when it reached each milestone, and why it
// stopped if it did. Fed by the trace (milestones.ts), read by the statistics, the progress line and
// the summary. The counts are kept as the signals come, so reading them costs nothing per phone.
import { Histogram } from './histogram.ts';
import { readSignal, type PhoneSignal } from './milestones.ts';
import type { StampedRecord } from '../trace.ts';
import type { PlannedPhone } from './shard-plan.ts';

/**
 * The milestones whose times the summary gives: from power-on; re-homed from the controller kill; call
 * setup (one sample per call, not per phone) from the caller's last digit to the called phone ringing.
 */
export const MILESTONES = ['dhcpAck', 'firmwareChecked', 'registered', 'loggedIn', 'rehomed', 'callSetup'] as const;
export type Milestone = (typeof MILESTONES)[number];

export const MILESTONE_LABELS: Record<Milestone, string> = {
  dhcpAck: 'DHCP ack',
  firmwareChecked: 'firmware checked',
  registered: 'registered',
  loggedIn: 'logged in',
  rehomed: 're-homed',
  callSetup: 'call setup',
};

/** The milestones each phone reaches once (not call setup, which each call has). */
export type PhoneMilestone = Exclude<Milestone, 'callSetup'>;

/** What every phone is asked to reach: registered; with --logins its user logged in; with --kill-at re-homed. */
export interface TargetPhase {
  logins: boolean;
  rehome: boolean;
}

/** The phase as the statistics name it: `registered`, `logged-in`, `rehomed`, `rehomed-with-user`. */
export function targetKey(t: TargetPhase): string {
  if (t.rehome) return t.logins ? 'rehomed-with-user' : 'rehomed';
  return t.logins ? 'logged-in' : 'registered';
}

export interface PhoneProgress {
  plan: PlannedPhone;
  poweredAt?: number;
  at: Partial<Record<PhoneMilestone, number>>;
  /** The element it registered with last. */
  controllerId?: string;
  /** The call server's last answer to its login, when not ok. */
  loginRefused?: string;
  loginStarted?: number;
  faults: number;
  firmwareFailures: number;
}

export interface FleetCounts {
  poweredOn: number;
  dhcpAck: number;
  firmwareChecked: number;
  registered: number;
  loggedIn: number;
  rehomed: number;
  /** Phones that can no longer reach their phase (a refused login); the rest are counted at the end. */
  failed: number;
  heartbeats: number;
  lampChanges: number;
  blfChanges: number;
  faults: number;
  callsAttempted: number;
  callsConnected: number;
  callsFailed: number;
}

export interface TrackerOptions {
  phones: readonly PlannedPhone[];
  target: TargetPhase;
  now: () => number;
  /** A phone shows "No User Logged In" in service (the login driver may start its login). */
  onIdle?: (index: number) => void;
  /** One of phone i's calls changed state (the call driver follows its calls by these). */
  onCall?: (index: number, state: string, cause: string | undefined) => void;
}

export class FleetTracker {
  readonly phones: PhoneProgress[];
  readonly counts: FleetCounts = { poweredOn: 0, dhcpAck: 0, firmwareChecked: 0, registered: 0, loggedIn: 0, rehomed: 0, failed: 0, heartbeats: 0, lampChanges: 0, blfChanges: 0, faults: 0, callsAttempted: 0, callsConnected: 0, callsFailed: 0 };
  readonly histograms = Object.fromEntries(MILESTONES.map((m) => [m, new Histogram()])) as Record<Milestone, Histogram>;
  private readonly byMac = new Map<string, number>();
  private readonly byExt = new Map<string, number>();
  /** When the primary was killed, and which element it was. */
  kill?: { at: number; id: string };
  private settledCount = 0;
  private readonly settled: boolean[];

  constructor(private readonly o: TrackerOptions) {
    this.phones = o.phones.map((plan) => ({ plan, at: {}, faults: 0, firmwareFailures: 0 }));
    this.settled = o.phones.map(() => false);
    o.phones.forEach((p, i) => {
      this.byMac.set(p.mac, i);
      this.byExt.set(p.ext, i);
    });
  }

  get target(): TargetPhase {
    return this.o.target;
  }

  /** Every phone has reached its phase or can no longer reach it. */
  get allSettled(): boolean {
    return this.settledCount === this.phones.length;
  }

  poweredOn(index: number): void {
    const p = this.phones[index];
    if (p.poweredAt !== undefined) return;
    p.poweredAt = this.o.now();
    this.counts.poweredOn++;
  }

  killed(id: string): void {
    this.kill = { at: this.o.now(), id };
  }

  blfChanged(): void {
    this.counts.blfChanges++;
  }

  /** Failed calls by cause, `call-<cause>` (a call's, not a phone's: --calls). */
  readonly callFailures: Record<string, number> = {};

  /** A call's post-dial delay: the caller's last digit to the called phone ringing. */
  callRang(setupMs: number): void {
    this.histograms.callSetup.add(setupMs);
  }

  callFailed(cause: string): void {
    this.counts.callsFailed++;
    const key = `call-${cause}`;
    this.callFailures[key] = (this.callFailures[key] ?? 0) + 1;
  }

  loginStarted(index: number): void {
    this.phones[index].loginStarted = this.o.now();
  }

  /** A trace sink: every record of the world goes through here. */
  readonly sink = (rec: StampedRecord): void => {
    const s = readSignal(rec);
    if (!s) return;
    if (s.from === 'controller') {
      if (s.signal.kind === 'heartbeat') this.counts.heartbeats++;
      else if (s.signal.code !== 'ok' && s.signal.code !== 'redirect') {
        const i = this.byExt.get(s.signal.ext);
        if (i !== undefined && this.phones[i].plan.mac === s.signal.mac) this.loginRefused(i, s.signal.code);
      }
      return;
    }
    const i = this.byMac.get(s.mac);
    if (i !== undefined) this.onPhone(i, s.signal);
  };

  private onPhone(i: number, s: PhoneSignal): void {
    const p = this.phones[i];
    if (p.poweredAt === undefined) return; // the boot the world started before a ramp powered it off
    switch (s.kind) {
      case 'dhcp-acked':
        return this.reach(i, 'dhcpAck');
      case 'firmware-checked':
        return this.reach(i, 'firmwareChecked');
      case 'firmware-failed':
        p.firmwareFailures++;
        return;
      case 'registered':
        p.controllerId = s.controllerId;
        this.reach(i, 'registered');
        if (this.kill && s.controllerId !== this.kill.id) this.reach(i, 'rehomed');
        return;
      case 'logged-in':
        if (s.ext === p.plan.ext) this.reach(i, 'loggedIn');
        return;
      case 'idle':
        if (p.at.registered !== undefined) this.o.onIdle?.(i);
        return;
      case 'fault':
        p.faults++;
        this.counts.faults++;
        return;
      case 'lamp':
        this.counts.lampChanges++;
        return;
      case 'call':
        this.o.onCall?.(i, s.state, s.cause);
        return;
      case 'off':
        return;
    }
  }

  private reach(i: number, m: PhoneMilestone): void {
    const p = this.phones[i];
    if (p.at[m] !== undefined) return;
    const now = this.o.now();
    p.at[m] = now;
    this.counts[m]++;
    const from = m === 'rehomed' ? this.kill!.at : p.poweredAt!;
    this.histograms[m].add(now - from);
    if (this.reached(i)) this.settle(i);
  }

  private loginRefused(i: number, code: string): void {
    const p = this.phones[i];
    p.loginRefused = code;
    if (p.at.loggedIn === undefined && this.o.target.logins && !this.settled[i]) {
      this.counts.failed++;
      this.settle(i);
    }
  }

  private settle(i: number): void {
    if (this.settled[i]) return;
    this.settled[i] = true;
    this.settledCount++;
  }

  /** Whether phone i reached the phase asked of it (by the trace; the run checks the views at the end). */
  reached(i: number): boolean {
    const at = this.phones[i].at;
    const t = this.o.target;
    return at.registered !== undefined && (!t.logins || at.loggedIn !== undefined) && (!t.rehome || at.rehomed !== undefined);
  }
}
