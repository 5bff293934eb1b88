// The parties the call server plays (docs/design.md "Calls"): a DN no phone on the wire holds rings
// until it is told to answer and hangs up when told to, so one phone can be tested against them. Their
// legs have no phone; these pick out the ones a `{ answer: { dn } }` or `{ hangup: { dn } }` acts on.
import type { CallModel, Leg } from './model.ts';

/** The legs the party `dn` plays, oldest first. */
export function partyLegs(model: CallModel, dn: string): Readonly<Leg>[] {
  return model.legs().filter((l) => !l.at && l.dn === dn && l.tag === undefined);
}

/** The oldest call ringing the party `dn`: the one its answer takes. */
export function ringingParty(model: CallModel, dn: string): Readonly<Leg> | undefined {
  return partyLegs(model, dn).find((l) => l.state === 'ringing');
}

/**
 * The calls the controller's `line` action rings (setLineState ringing): a caller with no DN, played by
 * the call server, offering the line to every free key appearance of it. One per line at a time.
 */
export class LineRings {
  private readonly byDn = new Map<string, number>();

  /** The ring of line `dn`, while its caller's leg lives. */
  of(model: CallModel, dn: string): Readonly<Leg> | undefined {
    const id = this.byDn.get(dn);
    const leg = id === undefined ? undefined : model.leg(id);
    if (id !== undefined && !leg) this.byDn.delete(dn);
    return leg;
  }

  /** `leg`: the ring's caller, tagged with `dn`. */
  started(dn: string, leg: Readonly<Leg>): void {
    this.byDn.set(dn, leg.id);
  }
}
