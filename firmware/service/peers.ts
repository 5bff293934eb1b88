// Controllers as the phone addresses them: `call_srv` entries ("ip" or "ip:port") as peers.
import type { Peer } from '../signalling/transactions.ts';

export type { Peer } from '../signalling/transactions.ts';

/** `call_srv` addresses as peers; an entry may carry its own port ("10.0.0.2:6900"). */
export function toPeers(callServers: readonly string[], port: number): Peer[] {
  return callServers.map((s) => {
    const m = /^(.*):(\d+)$/.exec(s);
    return m ? { ip: m[1], port: Number(m[2]) } : { ip: s, port };
  });
}

export function samePeer(a: Peer | undefined, b: Peer | undefined): boolean {
  return a !== undefined && b !== undefined && a.ip === b.ip && a.port === b.port;
}
