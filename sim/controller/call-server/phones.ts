// The phones registered with the call server, by MAC (what a phone is) and by the signalling session
// its datagrams come on (never by IP:port alone: another host can use an address, not a session). A phone that registers again, from a new address after a reboot or a re-home, replaces
// its old record, so one MAC is never two phones.
import type { Peer } from '../../../firmware/signalling/transactions.ts';

export interface PhoneRecord {
  mac: string;
  model: string;
  firmwareVersion: string;
  dn: string; // the set's own DN, "" when it has none
  ip: string;
  port: number;
  /** The sealed signalling session it registered on: what its datagrams are known by, not the address. */
  session?: string;
  registeredAt: number; // clock ms
  lastHeartbeat: number; // clock ms; the registration counts as the first
}

export class PhoneRegistry {
  private readonly byMacs = new Map<string, PhoneRecord>();
  private readonly byAddr = new Map<string, string>(); // "ip:port" -> mac

  /**
   * Records a registration. Returns the record it replaced (the phone was known) and the MAC of another
   * phone that held this address before (gone from it: DHCP handed the address out anew).
   */
  register(rec: PhoneRecord): { previous?: PhoneRecord; evicted?: string } {
    const mac = rec.mac.toLowerCase();
    const old = this.byMacs.get(mac);
    if (old) this.byAddr.delete(addrOf(old));
    const squatter = this.byAddr.get(addrOf(rec));
    const evicted = squatter !== undefined && squatter !== mac ? squatter : undefined;
    if (evicted !== undefined) this.byMacs.delete(evicted);
    const stored = { ...rec, mac };
    this.byMacs.set(mac, stored);
    this.byAddr.set(addrOf(rec), mac);
    return { previous: old, evicted };
  }

  /** Forgets a phone (it is served elsewhere now). */
  remove(mac: string): void {
    const old = this.byMacs.get(mac.toLowerCase());
    if (!old) return;
    this.byMacs.delete(mac.toLowerCase());
    if (this.byAddr.get(addrOf(old)) === old.mac) this.byAddr.delete(addrOf(old));
  }

  /** The phone now talks on a new session (its old one lapsed): its record follows it there. */
  rebind(mac: string, to: Peer): PhoneRecord | undefined {
    const rec = this.byMacs.get(mac.toLowerCase());
    if (!rec) return undefined;
    this.byAddr.delete(addrOf(rec));
    rec.ip = to.ip;
    rec.port = to.port;
    if (to.session === undefined) delete rec.session;
    else rec.session = to.session;
    this.byAddr.set(addrOf(rec), rec.mac);
    return rec;
  }

  byMac(mac: string): PhoneRecord | undefined {
    return this.byMacs.get(mac.toLowerCase());
  }

  at(from: Peer): PhoneRecord | undefined {
    const mac = this.byAddr.get(addrOf(from));
    return mac === undefined ? undefined : this.byMacs.get(mac);
  }

  byDn(dn: string): PhoneRecord | undefined {
    if (dn === '') return undefined;
    for (const p of this.byMacs.values()) if (p.dn === dn) return p;
    return undefined;
  }

  list(): PhoneRecord[] {
    return [...this.byMacs.values()].map((p) => ({ ...p }));
  }
}

/** A phone is known by its session; an address alone only where there is none (a test's bare peer). */
export function addrOf(p: Peer): string {
  return p.session ?? `${p.ip}:${p.port}`;
}
