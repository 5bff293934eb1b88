// The spine's phone: a bare node that comes up on the link with a fixed address and keeps a UDP echo
// exchange going with the controller, showing how it fares. The boot issue replaces it with the real
// power-on path (DHCP, TFTP, flash); it stays as the link check behind `hotdesk sim --echo`.
import type { Clock, Panel, Tracer } from './hal.ts';
import type { NetStack } from './link/stack.ts';

export interface EchoPhoneOptions {
  stack: NetStack;
  clock: Clock;
  panel: Panel;
  tracer: Tracer;
  controllerIp: string;
  port?: number;
  intervalMs?: number;
  /** An echo not answered within this long counts as lost. */
  timeoutMs?: number;
  localPort?: number;
}

export class EchoPhone {
  sent = 0;
  answered = 0;
  lost = 0;
  private outstanding = new Map<number, number>(); // sequence -> loss alarm
  private timer: number | undefined;
  private lines: string[] = [];

  constructor(private readonly o: EchoPhoneOptions) {
    const local = o.localPort ?? 50007;
    o.stack.bind(local, (d) => this.onEcho(d.payload));
    this.show(['Waiting for LAN link']);
  }

  start(): void {
    this.show([`IP ${this.o.stack.ip}`, 'Echo: starting']);
    this.tick();
  }

  stop(): void {
    this.o.clock.clearTimeout(this.timer);
    for (const alarm of this.outstanding.values()) this.o.clock.clearTimeout(alarm);
    this.outstanding.clear();
  }

  get display(): string[] {
    return this.lines;
  }

  private tick(): void {
    const seq = ++this.sent;
    const payload = new Uint8Array(8);
    new DataView(payload.buffer).setUint32(0, seq);
    this.o.stack.sendUdp({ dstIp: this.o.controllerIp, dstPort: this.o.port ?? 7, srcPort: this.o.localPort ?? 50007, payload });
    this.outstanding.set(
      seq,
      this.o.clock.setTimeout(() => {
        this.outstanding.delete(seq);
        this.lost++;
        this.o.tracer.record({ kind: 'error', message: `echo ${seq} not answered` });
        this.refresh();
      }, this.o.timeoutMs ?? 2000),
    );
    this.timer = this.o.clock.setTimeout(() => this.tick(), this.o.intervalMs ?? 1000);
  }

  private onEcho(payload: Uint8Array): void {
    if (payload.length < 4) return;
    const seq = new DataView(payload.buffer, payload.byteOffset, payload.byteLength).getUint32(0);
    const alarm = this.outstanding.get(seq);
    if (alarm === undefined) return; // a duplicate or a late answer: already counted
    this.o.clock.clearTimeout(alarm);
    this.outstanding.delete(seq);
    this.answered++;
    this.refresh();
  }

  private refresh(): void {
    this.show([`IP ${this.o.stack.ip}`, `Echo ${this.answered}/${this.sent} lost ${this.lost}`]);
  }

  private show(lines: string[]): void {
    this.lines = lines;
    this.o.panel.display(lines);
    this.o.tracer.record({ kind: 'display', lines });
  }
}
