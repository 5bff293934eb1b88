// What a scenario's `controller:` step can do to the far end while the phone runs: take a service down or
// bring it back, kill or revive a controller of the cluster, change a line's state, log users out. Each
// action is checked, so a typo fails the step with a clear message.
import type { LineState, UserFeature } from './call-server/call-server.ts';
import type { Controller } from './controller.ts';

type Args = Record<string, unknown>;

function str(v: Args, key: string, action: string): string {
  const x = v[key];
  if (typeof x !== 'string' && typeof x !== 'number') throw new Error(`controller ${action} needs "${key}"`);
  return String(x);
}

function oneOf<T extends string>(value: string, allowed: readonly T[], what: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw new Error(`${what} must be one of ${allowed.join(', ')} (got "${value}")`);
  return value as T;
}

const LINE_STATES = ['idle', 'busy', 'ringing'] as const;
const FEATURES = ['none', 'dnd', 'cfa'] as const;

export function applyControllerAction(controller: Controller, action: Args): void {
  for (const [what, value] of Object.entries(action)) {
    const v = (value ?? {}) as Args;
    switch (what) {
      case 'tftp':
      case 'dhcp': {
        if (typeof v.down !== 'boolean') throw new Error(`controller ${what} action takes { down: true|false }`);
        if (what === 'tftp') controller.tftp.down = v.down;
        else controller.setDhcpDown(v.down);
        break;
      }
      case 'kill':
      case 'revive':
        controller.setDead(String(value), what === 'kill');
        break;
      case 'line': {
        const state = oneOf(str(v, 'state', 'line'), LINE_STATES, 'line state');
        for (const cs of controller.callServers.values()) cs.setLineState(str(v, 'ext', 'line'), state as LineState);
        break;
      }
      case 'feature': {
        const state = oneOf(str(v, 'state', 'feature'), FEATURES, 'feature state');
        for (const cs of controller.callServers.values()) cs.setUserState(str(v, 'ext', 'feature'), state as UserFeature);
        break;
      }
      case 'blf': {
        // the docs/design.md example: a monitored DN's state, set through what causes it on the call server
        const dn = str(v, 'dn', 'blf');
        const state = str(v, 'state', 'blf');
        for (const cs of controller.callServers.values()) {
          if ((LINE_STATES as readonly string[]).includes(state)) cs.setLineState(dn, state as LineState);
          else if (state === 'dnd' || state === 'cfa') cs.setUserState(dn, state);
          else throw new Error(`blf state "${state}" is set by what causes it: log the user in or out instead`);
        }
        break;
      }
      case 'remote-logout': {
        const outcome = controller.callServer.remoteLogout(str(v, 'by', 'remote-logout'), str(v, 'ext', 'remote-logout'));
        if (v.expect !== undefined && outcome !== v.expect) throw new Error(`remote logout was ${outcome}, not ${v.expect}`);
        break;
      }
      case 'login': {
        // SIMULATES another set: the user logs in on a set with DN `on` that the call server plays itself
        // (no phone on the wire); enough for BLF watchers to see the user logged in
        const ext = str(v, 'ext', 'login');
        const on = str(v, 'on', 'login');
        for (const cs of controller.callServers.values()) {
          if (cs.loginOnSimulatedSet(ext, on) === 'unknown-ext') throw new Error(`controller login: ${ext} is not a hot desk user`);
        }
        break;
      }
      case 'logout': {
        // the user logs out wherever logged in, as by the logout access code there
        const ext = str(v, 'ext', 'logout');
        for (const cs of controller.callServers.values()) {
          if (cs.logoutUser(ext) === 'unknown-ext') throw new Error(`controller logout: ${ext} is not a hot desk user`);
        }
        break;
      }
      case 'schedule-logout':
        for (const cs of controller.callServers.values()) cs.scheduleLogout();
        break;
      default:
        throw new Error(`unknown controller action "${what}" (tftp, dhcp, kill, revive, line, feature, blf, login, logout, remote-logout, schedule-logout)`);
    }
  }
}
