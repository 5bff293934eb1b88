// What the scenario runner and the panel read from a running hot desk machine: the user, the keys
// shown with their labels, the softkeys offered, where the phone is registered. Plain data, no PIN.
import type { HotdeskContext, HotdeskUser } from './types.ts';

export interface HotdeskView {
  user: HotdeskUser | undefined;
  keys: { id: string; label: string; type: string; dn: string }[];
  hiddenLines: string[];
  softkeys: string[];
  pkmEnabled: boolean;
  server: string;
  controllerId: string;
  failedOver: boolean;
}

export function hotdeskView(ctx: HotdeskContext): HotdeskView {
  return {
    user: ctx.user ? { ...ctx.user } : undefined,
    keys: ctx.keys.map((k) => ({ id: k.id, label: k.label, type: k.type, dn: k.dn })),
    hiddenLines: ctx.hiddenLines.map((k) => k.dn),
    softkeys: [...ctx.softkeys],
    pkmEnabled: ctx.pkmEnabled,
    server: `${ctx.server.ip}:${ctx.server.port}`,
    controllerId: ctx.controllerId,
    failedOver: ctx.failedOver,
  };
}
