// What the scenario runner and the panel read of a phone in service: the user, the keys shown with their
// labels, the softkeys offered, where the phone is registered. Plain data, no PIN. Each owner publishes
// its part through a named effect (the board collects them); nobody reads another actor's snapshot.
import type { HotdeskUser } from './session.ts';
import type { KeysView } from '../keys/machine.ts';
import type { ServiceView } from '../service/machine.ts';
import type { CallView } from '../calls/view.ts';
import type { AgentView } from '../acd/view.ts';

export type { HotdeskUser } from './session.ts';

export interface HotdeskView extends KeysView, ServiceView {
  user: HotdeskUser | undefined;
  softkeys: string[];
  /** The phone's calls now, oldest first (the calls owner publishes them). */
  calls: CallView[];
  /** The ACD agent logged in on the set (the ACD owner publishes it), undefined for none. */
  agent: AgentView | undefined;
}

/** The parts as the owners last published them; undefined until the phone is in service. */
export class PublishedView {
  private service?: ServiceView;
  private keys: KeysView = { keys: [], hiddenLines: [], pkmEnabled: true, messages: 0 };
  private user: HotdeskUser | undefined;
  private softkeys: string[] = [];
  private calls: CallView[] = [];
  private agent: AgentView | undefined;

  reset(): void {
    this.calls = [];
    this.agent = undefined;
    this.service = undefined;
    this.keys = { keys: [], hiddenLines: [], pkmEnabled: true, messages: 0 };
    this.user = undefined;
    this.softkeys = [];
  }

  setService(v: ServiceView): void {
    this.service = { ...v };
  }
  setKeys(v: KeysView): void {
    this.keys = { keys: v.keys.map((k) => ({ ...k })), hiddenLines: [...v.hiddenLines], pkmEnabled: v.pkmEnabled, messages: v.messages };
  }
  setUser(user: HotdeskUser | undefined): void {
    this.user = user ? { ...user } : undefined;
  }
  setSoftkeys(labels: readonly string[]): void {
    this.softkeys = [...labels];
  }
  setAgent(agent: AgentView | undefined): void {
    this.agent = agent ? { ...agent } : undefined;
  }
  setCalls(calls: readonly CallView[]): void {
    this.calls = calls.map((c) => ({ ...c }));
  }

  get view(): HotdeskView | undefined {
    if (!this.service) return undefined;
    return { user: this.user ? { ...this.user } : undefined, ...this.keys, keys: this.keys.keys.map((k) => ({ ...k })), softkeys: [...this.softkeys], calls: this.calls.map((c) => ({ ...c })), agent: this.agent ? { ...this.agent } : undefined, ...this.service };
  }
}
