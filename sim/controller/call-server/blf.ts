// Busy lamp field subscriptions: which phone monitors which DNs, and the state each DN was last shown
// as. A change is pushed only to the phones watching that DN and only when the state really moved, so
// a repeated setLineState costs no datagrams.
import type { BlfState } from '../../../firmware/signalling/messages.ts';

/** Delivers one blf-state to one phone (the call server sends it as a reliable request). */
export type BlfPush = (mac: string, dn: string, state: BlfState) => void;

export class BlfBoard {
  private readonly watching = new Map<string, Set<string>>(); // mac -> DNs
  private readonly shown = new Map<string, BlfState>(); // dn -> last state pushed

  constructor(
    private readonly stateOf: (dn: string) => BlfState,
    private readonly push: BlfPush,
  ) {}

  /** Replaces `mac`'s list (an empty list unsubscribes) and pushes the current state of each DN. */
  subscribe(mac: string, dns: readonly string[]): void {
    const set = new Set(dns);
    if (set.size === 0) this.watching.delete(mac);
    else this.watching.set(mac, set);
    for (const dn of set) {
      const state = this.stateOf(dn);
      this.shown.set(dn, state);
      this.push(mac, dn, state);
    }
  }

  /** Forgets a phone's subscriptions (it registered again and will subscribe anew). */
  drop(mac: string): void {
    this.watching.delete(mac);
  }

  /** Re-reads `dn`'s state and pushes it to every watcher when it differs from what they were shown. */
  refresh(dn: string): void {
    const watchers = this.watchers(dn);
    if (watchers.length === 0) {
      this.shown.delete(dn);
      return;
    }
    const state = this.stateOf(dn);
    if (this.shown.get(dn) === state) return;
    this.shown.set(dn, state);
    for (const mac of watchers) this.push(mac, dn, state);
  }

  watchers(dn: string): string[] {
    const out: string[] = [];
    for (const [mac, dns] of this.watching) if (dns.has(dn)) out.push(mac);
    return out;
  }

  subscriptions(mac: string): string[] {
    return [...(this.watching.get(mac) ?? [])];
  }
}
