// The cluster's elements keeping one another told: a phone is served by one element at a time, and a
// user is in session on one element at a time. When a phone registers with an element, or a user logs in
// through one, the other live elements forget that phone, or end that user's session there (a login
// elsewhere). An element that was dead hears nothing; when it comes back it catches up with where each
// phone and user went meanwhile, so a re-homed user never has a stale session on the element they left.
// (Mitel's elements do this over their own cluster links; in the simulation they share a process.)

export interface ClusterMember {
  /** The phone registered with another element: forget it, its session and its BLF subscriptions. */
  leftForElsewhere(mac: string): void;
  /** The user logged in through another element: end the session held here, if any. */
  loggedInElsewhere(ext: string): void;
}

export class ClusterBus {
  private readonly members = new Map<string, ClusterMember>();
  private readonly phoneAt = new Map<string, string>();
  private readonly userAt = new Map<string, string>();
  private readonly loggedOut = new Map<string, number>();

  constructor(private readonly alive: (element: string) => boolean) {}

  join(element: string, member: ClusterMember): void {
    this.members.set(element, member);
  }

  phoneRegistered(element: string, mac: string): void {
    this.phoneAt.set(mac.toLowerCase(), element);
    for (const [other, m] of this.members) if (other !== element && this.alive(other)) m.leftForElsewhere(mac);
  }

  userLoggedIn(element: string, ext: string): void {
    this.userAt.set(ext, element);
    for (const [other, m] of this.members) if (other !== element && this.alive(other)) m.loggedInElsewhere(ext);
  }

  /** The user logged out (any form): session tokens issued before `at` (server ms) restore nothing. */
  userLoggedOut(ext: string, at: number): void {
    this.loggedOut.set(ext, Math.max(at, this.loggedOut.get(ext) ?? -1));
    if (this.userAt.get(ext) !== undefined) this.userAt.delete(ext);
  }

  /** Whether an element is in service now (not dead). */
  isAlive(element: string): boolean {
    return this.alive(element);
  }

  /** The element users without a `home` belong to: the first to join (the controller, then its peers). */
  primary(): string | undefined {
    return this.members.keys().next().value;
  }

  /** When the user last logged out anywhere in the cluster (-1: never). */
  lastLogout(ext: string): number {
    return this.loggedOut.get(ext) ?? -1;
  }

  /** A dead element back in service: it forgets what moved elsewhere while it was gone. */
  revived(element: string): void {
    const m = this.members.get(element);
    if (!m) return;
    for (const [mac, at] of this.phoneAt) if (at !== element) m.leftForElsewhere(mac);
    for (const [ext, at] of this.userAt) if (at !== element) m.loggedInElsewhere(ext);
  }
}
