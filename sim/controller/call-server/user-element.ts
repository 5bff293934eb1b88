// Which element of the cluster serves a hot desk user (docs/design.md, "Resilience"). Mitel's rules:
// - clustered hot desking sends a user home: a login anywhere else in the cluster is redirected to the
//   user's home element, also from the user's secondary while home is in service;
// - resilient hot desking: "both the hot desk set and user must be programmed with secondary elements".
//   A phone that re-homes to an element with its user logged in keeps the user there only when that
//   element is the user's home, or it is the user's secondary and the set has a secondary too.
// Pure over the user's and set's programming and what the cluster says of its elements.
import type { HotdeskUser, SetConfig } from '../config.ts';

export interface ElementView {
  /** The element deciding (this call server's address). */
  self: string;
  /** The element users without a `home` belong to: the cluster's first. */
  primary: string;
  /** Whether an element is in service now. */
  alive(ip: string): boolean;
}

/** The user's home element: `home`, else the cluster's first element. */
export function homeOf(user: Pick<HotdeskUser, 'home'>, view: Pick<ElementView, 'primary'>): string {
  return user.home ?? view.primary;
}

/**
 * Where a login at `view.self` goes instead: the user's home, or undefined when this element serves the
 * login. A user without `home` is not clustered and logs in anywhere; the user's secondary serves them
 * only while home is out of service.
 */
export function loginHomeFor(user: Pick<HotdeskUser, 'home' | 'secondary'>, view: ElementView): string | undefined {
  if (user.home === undefined || user.home === view.self) return undefined;
  if (user.secondary === view.self && !view.alive(user.home)) return undefined;
  return user.home;
}

/** Whether a phone re-homing to `view.self` with `user` logged in keeps the user (resilient hot desking). */
export function keepsRehomedUser(user: Pick<HotdeskUser, 'home' | 'secondary'>, set: Pick<SetConfig, 'secondary'> | undefined, view: Omit<ElementView, 'alive'>): boolean {
  if (homeOf(user, view) === view.self) return true;
  return user.secondary === view.self && set?.secondary !== undefined;
}
