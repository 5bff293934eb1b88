// What a fleet reads from the world's trace (docs/design.md "Trace"): each record, said as the one thing
// about a phone's progress it means, or nothing. The fleet listens to the trace rather than polling
// 10,000 phones' views: a record arrives at the simulated instant the thing happened.
//
//   phone `state` (machine phone)                     the root machine's path: DHCP acked once it leaves
//                                                     network.acquiring; firmware checked at upToDate or
//                                                     in service
//   phone `info` "service: registered with ID at ..." registered with element ID
//   phone `info` "hotdesk: user EXT logged in"        EXT logged in
//   phone `display` "No User Logged In"               idle in service: a login may start
//   phone `error` "fault: ..."                        a device fault (the world restarts the phone)
//   phone `lamp`                                      a lamp changed cadence (BLF in steady state)
//   phone `call`                                      one of its calls changed state (`idle`: ended)
//   controller `info` "callserver: login EXT on MAC: CODE"  the call server's answer to a login
//   controller `frame` rx "... heartbeat ..."         a heartbeat reached the controller
import type { StampedRecord } from '../trace.ts';

export type PhoneSignal =
  | { kind: 'dhcp-acked' }
  | { kind: 'firmware-checked' }
  | { kind: 'firmware-failed' }
  | { kind: 'off' }
  | { kind: 'registered'; controllerId: string }
  | { kind: 'logged-in'; ext: string }
  | { kind: 'idle' }
  | { kind: 'fault' }
  | { kind: 'lamp' }
  | { kind: 'call'; state: string; cause?: string };

export type Signal =
  | { from: 'phone'; mac: string; signal: PhoneSignal }
  | { from: 'controller'; signal: { kind: 'login-answer'; ext: string; mac: string; code: string } | { kind: 'heartbeat' } };

/** Root machine states from which the phone has no DHCP lease yet. */
const BEFORE_ACK = new Set(['waitingForLink', 'network.acquiring']);
const REGISTERED = /^service: registered with (\S+) at /;
const LOGGED_IN = /^hotdesk: user (\d+) logged in/;
const LOGIN_ANSWER = /^callserver: login (\d+) on ([0-9a-f:]{17}): ([a-z-]+)/;

function phoneSignal(rec: StampedRecord): PhoneSignal | undefined {
  switch (rec.kind) {
    case 'state': {
      if (rec.machine !== 'phone') return undefined;
      const value = String(rec.value);
      if (value === 'off') return { kind: 'off' };
      if (value === 'network.upToDate' || value.startsWith('network.inService')) return { kind: 'firmware-checked' };
      if (value === 'network.downloadFailed' || value.endsWith('.downloadFailed')) return { kind: 'firmware-failed' };
      if (!BEFORE_ACK.has(value)) return { kind: 'dhcp-acked' };
      return undefined;
    }
    case 'info': {
      const message = String(rec.message);
      const reg = REGISTERED.exec(message);
      if (reg) return { kind: 'registered', controllerId: reg[1] };
      const login = LOGGED_IN.exec(message);
      if (login) return { kind: 'logged-in', ext: login[1] };
      return undefined;
    }
    case 'display':
      return (rec.lines as string[]).some((l) => l.includes('No User Logged In')) ? { kind: 'idle' } : undefined;
    case 'error':
      return String(rec.message).startsWith('fault:') ? { kind: 'fault' } : undefined;
    case 'lamp':
      return rec.on === undefined ? { kind: 'lamp' } : undefined; // a cadence change, not a toggle
    case 'call':
      return { kind: 'call', state: String(rec.state), ...(rec.cause === undefined ? {} : { cause: String(rec.cause) }) };
    default:
      return undefined;
  }
}

/** The fleet's reading of one trace record. */
export function readSignal(rec: StampedRecord): Signal | undefined {
  if (rec.node.startsWith('phone:')) {
    const signal = phoneSignal(rec);
    return signal && { from: 'phone', mac: rec.node.slice('phone:'.length), signal };
  }
  if (rec.node !== 'controller') return undefined;
  if (rec.kind === 'info') {
    const m = LOGIN_ANSWER.exec(String(rec.message));
    return m ? { from: 'controller', signal: { kind: 'login-answer', ext: m[1], mac: m[2], code: m[3] } } : undefined;
  }
  if (rec.kind === 'frame' && rec.dir === 'rx' && rec.proto === 'sig' && / heartbeat /.test(String(rec.summary))) {
    return { from: 'controller', signal: { kind: 'heartbeat' } };
  }
  return undefined;
}
