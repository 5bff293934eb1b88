// A datagram network for transaction tests, on the VirtualClock: every datagram is logged with its
// send time, then delivered after a fixed latency unless the test's policy drops or duplicates it.
import type { VirtualClock } from '../../firmware/clock.ts';
import { decodeMessage } from '../../firmware/signalling/messages.ts';
import type { DatagramTransport, Peer } from '../../firmware/signalling/transactions.ts';

export interface Datagram {
  n: number; // send order, from 0
  t: number;
  from: Peer;
  to: Peer;
  bytes: Uint8Array;
}

export type Fate = 'deliver' | 'drop' | 'duplicate';

interface Receiver {
  receive(srcIp: string, srcPort: number, bytes: Uint8Array): void;
}

export class FakeNet {
  readonly sent: Datagram[] = [];
  readonly delivered: Datagram[] = [];
  fate: (d: Datagram) => Fate = () => 'deliver';
  private readonly nodes = new Map<string, Receiver>();

  constructor(
    private readonly clock: VirtualClock,
    private readonly latencyMs = 10,
  ) {}

  attach(at: Peer, node: Receiver): void {
    this.nodes.set(`${at.ip}:${at.port}`, node);
  }

  transportFor(self: Peer): DatagramTransport {
    return {
      send: (dstIp, dstPort, bytes) => {
        const d: Datagram = { n: this.sent.length, t: this.clock.now(), from: self, to: { ip: dstIp, port: dstPort }, bytes: bytes.slice() };
        this.sent.push(d);
        const fate = this.fate(d);
        const copies = fate === 'drop' ? 0 : fate === 'duplicate' ? 2 : 1;
        for (let i = 0; i < copies; i++) {
          this.clock.setTimeout(() => {
            const node = this.nodes.get(`${dstIp}:${dstPort}`);
            if (!node) return;
            this.delivered.push(d);
            node.receive(self.ip, self.port, d.bytes);
          }, this.latencyMs);
        }
      },
    };
  }

  /** Datagrams sent by `from`, decoded (the tests only send valid ones). */
  sentBy(from: Peer): { t: number; type: string; txid: number; flags: number; bytes: Uint8Array }[] {
    return this.sent
      .filter((d) => d.from.ip === from.ip && d.from.port === from.port)
      .map((d) => {
        const r = decodeMessage(d.bytes);
        if (!r.ok) throw new Error(`fake net: undecodable datagram: ${r.reason}`);
        return { t: d.t, type: r.msg.type, txid: r.envelope.txid, flags: r.envelope.flags, bytes: d.bytes };
      });
  }
}

/** Lets promise callbacks settled by alarms run before the test looks. */
export const flush = () => new Promise<void>((resolve) => setImmediate(resolve));
