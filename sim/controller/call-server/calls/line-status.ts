// Key-system lines (docs/design.md "Calls": line semantics): while one appearance of the DN carries its
// call, every other `line` appearance of it shows busy, or hold while that call is held (and may pick it
// up). This remembers what each other appearance was told and answers the line-status messages that
// bring them up to date, and nothing when nothing changed. Multicall appearances are never told.
import type { LineStatus, LineStatusState } from '../../../../firmware/signalling/messages.ts';
import type { Appearance } from './appearances.ts';
import { isUp, type Leg } from './model.ts';

/** `own`: the appearance carries the call itself, so it is told nothing about it. */
type Told = { state: LineStatusState | 'own'; callId: number };

const keyOf = (a: Appearance) => `${a.mac} ${a.line} ${a.dn}`;

export class LineStatusBoard {
  private readonly told = new Map<string, Told>();

  /** The line-status pushes for `dn`'s key-system appearances `apps`, given the live legs. */
  update(dn: string, apps: readonly Appearance[], legs: readonly Readonly<Leg>[]): { mac: string; msg: LineStatus }[] {
    // one call at a time on a key-system line: the up leg on one of its appearances, if any
    const inUse = legs.find((l) => l.dn === dn && l.at?.kind === 'line' && isUp(l.state));
    const out: { mac: string; msg: LineStatus }[] = [];
    for (const a of apps) {
      if (a.kind !== 'line' || a.dn !== dn) continue;
      const key = keyOf(a);
      const before = this.told.get(key);
      const own = inUse?.at?.mac === a.mac && inUse.at.line === a.line;
      const now: Told = inUse ? { state: own ? 'own' : inUse.state === 'held' ? 'held' : 'busy', callId: inUse.id } : { state: 'idle', callId: before?.callId ?? 0 };
      if (before?.state === now.state && before.callId === now.callId) continue;
      if (now.state === 'idle') this.told.delete(key);
      else this.told.set(key, now);
      // the appearance that carried the call knows it ended; one never told anything needs no idle
      if (now.state === 'own' || (now.state === 'idle' && (before === undefined || before.state === 'own'))) continue;
      out.push({ mac: a.mac, msg: { type: 'line-status', callId: now.callId, line: a.line, dn, party: inUse?.party ?? '', state: now.state } });
    }
    return out;
  }

  /**
   * The appearance `mac` `line` of `dn` tried to pick a held call up and was refused: it dropped what
   * it was told when it tried, so the next update tells it again.
   */
  retell(mac: string, line: number, dn: string): void {
    this.told.delete(`${mac} ${line} ${dn}`);
  }

  /** A phone's layout is gone (its user left, it left): what it was told no longer applies. */
  forget(mac: string): void {
    for (const key of [...this.told.keys()]) if (key.startsWith(`${mac} `)) this.told.delete(key);
  }
}
