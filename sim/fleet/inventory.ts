// `--inventory FILE`: one JSON line per phone of the run: who it was (name, model, MAC, the IP it
// leased, its set's DN, its hot desk user), where it got to and how long each milestone took, and why
// it fell short if it did. What a shard test checks for overlap; never a PIN.
import { writeFileSync } from 'node:fs';
import { round3 } from './histogram.ts';
import { MILESTONES, type FleetTracker, type PhoneMilestone } from './tracker.ts';

export interface InventoryLine {
  name: string;
  model: string;
  mac: string;
  /** The address it holds at the end ('0.0.0.0': none). */
  ip: string;
  dn: string;
  user: string;
  shard: string;
  /** Simulated ms from the start when it was powered on (null: never). */
  poweredOnAt: number | null;
  /** Ms from power-on (re-homed: from the kill) to each milestone it reached. */
  milestones: Partial<Record<PhoneMilestone, number>>;
  /** The element it is registered with at the end ('' when none). */
  controller: string;
  reached: boolean;
  cause?: string;
}

export function inventoryLines(
  tracker: FleetTracker,
  shard: string,
  t0: number,
  now: (index: number) => { ip: string; controller: string },
  causes: readonly (string | undefined)[],
): InventoryLine[] {
  return tracker.phones.map((p, i) => {
    const milestones: Partial<Record<PhoneMilestone, number>> = {};
    for (const m of MILESTONES) {
      if (m === 'callSetup') continue;
      const at = p.at[m];
      if (at === undefined) continue;
      milestones[m] = round3(at - (m === 'rehomed' ? tracker.kill!.at : p.poweredAt!));
    }
    const state = now(i);
    return {
      name: p.plan.name,
      model: p.plan.profile,
      mac: p.plan.mac,
      ip: state.ip,
      dn: p.plan.dn,
      user: p.plan.ext,
      shard,
      poweredOnAt: p.poweredAt === undefined ? null : round3(p.poweredAt - t0),
      milestones,
      controller: state.controller,
      reached: causes[i] === undefined,
      ...(causes[i] === undefined ? {} : { cause: causes[i] }),
    };
  });
}

export function writeInventory(path: string, lines: readonly InventoryLine[]): void {
  writeFileSync(path, lines.map((l) => JSON.stringify(l)).join('\n') + (lines.length ? '\n' : ''));
}
