// The ringer: a line appearance of the logged-in user (or the set) rings when the controller offers a
// call on it. A visible line key's lamp flashes the profile's ringing cadence; a line appearance on a key
// beyond the model's count is hidden but still rings, shown on the display. Answering is a later issue.
import type { Screen } from '../display/screen.ts';
import type { Tracer } from '../hal.ts';
import type { Message } from '../signalling/messages.ts';
import type { LampBank } from './lamps.ts';

export interface RingerDeps {
  screen: Screen;
  lamps: LampBank;
  tracer: Tracer;
  /** The keys visible now (id `key:N`) and the DNs of line appearances hidden beyond the model's keys. */
  view(): { keys: { id: string; type: string; dn: string }[]; hiddenLines: string[] } | undefined;
}

export class Ringer {
  /** Calls ringing now: call id -> the line's DN and the lamp it flashes (if the key is visible). */
  private readonly ringing = new Map<number, { dn: string; lamp?: string }>();

  constructor(private readonly d: RingerDeps) {}

  get active(): string[] {
    return [...this.ringing.values()].map((r) => r.dn);
  }

  /** Handles the controller's call messages; anything else is not the ringer's (undefined). */
  handle(msg: Message): Message | undefined {
    if (msg.type === 'call-setup' || msg.type === 'call-alerting') {
      const view = this.d.view();
      const key = view?.keys.find((k) => k.id === `key:${msg.line}` && k.dn === msg.toDn && (k.type === 'line' || k.type === 'multicall'));
      const hidden = !key && !!view?.hiddenLines.includes(msg.toDn);
      if (!key && !hidden) return { type: 'ack', status: 'rejected' }
      this.ringing.set(msg.callId, { dn: msg.toDn, lamp: key?.id });
      if (key) this.d.lamps.set(key.id, 'ringing');
      this.d.screen.show('Ringing', `Line ${msg.toDn}`);
      this.d.tracer.record({ kind: 'info', message: `ringing on ${key ? key.id : `hidden line ${msg.toDn}`}` });
      return { type: 'ack', status: 'ok' }
    }
    if (msg.type === 'call-release') {
      const r = this.ringing.get(msg.callId);
      this.ringing.delete(msg.callId);
      if (r?.lamp) this.d.lamps.set(r.lamp, 'off');
      return { type: 'ack', status: 'ok' }
    }
    return undefined;
  }
}
