// `hotdesk sim`, `hotdesk phone` and `hotdesk controller`: build a world and run it, for a while
// (`--for`) or until interrupted, with trace, capture and the panel as asked.
import { parseLinkSpec, type LinkSpec } from '../link-spec.ts';
import { World } from '../world.ts';
import { RealClock } from '../real-clock.ts';
import { VirtualClock } from '../../firmware/clock.ts';
import { settleIo } from '../wire/settle.ts';
import { loadProfile } from '../profiles.ts';
import { TerminalPanel } from '../panel/terminal.ts';
import { LogPanel } from '../panel/log-panel.ts';
import { durationOption, requireString, UsageError } from './usage.ts';
import { loadWorldFile, worldBuildOptions } from '../scenario/world-file.ts';
import { openControlSocket } from '../control/server.ts';
import { PORT_GIVE_UP_MS, type PortRecovery } from '../wire/reopening-link.ts';
import { TraceWriter, type StampedRecord, type TraceSink } from '../trace.ts';
import { openWebPanel, type WebPanel } from '../web/web-panel.ts';
import { webOption, type WebSpec } from '../web/web-option.ts';

/** Exit code of a command whose port is gone for good (docs/design.md "CLI": 3, the environment). */
export const EXIT_ENVIRONMENT = 3;

interface RunOptions {
  /** The command's name, for its stderr lines. */
  name: string;
  profile: string;
  link: LinkSpec;
  ends: 'both' | 'phone' | 'controller';
  values: Record<string, unknown>;
  /** `sim --web`: the web panel of every phone, besides (or, with --headless, instead of) the terminal's. */
  web?: WebSpec;
  /** Every trace record from the start (`hotdesk controller` turns some into lines on stdout). */
  onRecord?: TraceSink;
  /** Once the world is built and its ports are open (`hotdesk controller` says where it listens). */
  onStart?: (world: World) => void;
}

export function seedOption(values: Record<string, unknown>): number {
  if (values.seed === undefined) return 1;
  const n = Number(values.seed);
  if (!Number.isInteger(n)) throw new UsageError(`--seed takes an integer (got "${values.seed}")`);
  return n;
}

function baudOption(values: Record<string, unknown>): number | undefined {
  if (values.baud === undefined) return undefined;
  const n = Number(values.baud);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--baud takes a positive integer (got "${values.baud}")`);
  return n;
}

/**
 * What the command does when one of its ports goes away: one line on stderr when it is lost and one when
 * it is back (sim/wire/reopening-link.ts reopens it with backoff), and a stop once it has been gone for
 * --port-timeout (default PORT_GIVE_UP_MS). Only ports get it: the mock wire and `--link pty` are ours.
 */
function withRecovery(link: LinkSpec, name: string, values: Record<string, unknown>, gone: (err: Error) => void): LinkSpec {
  const giveUpMs = durationOption(values, 'port-timeout') ?? PORT_GIVE_UP_MS;
  if (link.kind !== 'port' && link.kind !== 'ports') return link;
  const recovery: PortRecovery = {
    log: (line) => process.stderr.write(`hotdesk ${name}: ${line}\n`),
    onGone: gone,
    giveUpMs,
  };
  return { ...link, recovery };
}

async function runWorld(o: RunOptions): Promise<number> {
  const forMs = durationOption(o.values, 'for');
  const headless = !!o.values.headless || o.ends === 'controller';
  // A person at a terminal gets the interactive panel, in real time; piped output gets one line per display.
  const interactive = !headless && !!process.stdout.isTTY && !!process.stdin.isTTY;
  // a web panel is watched by a person too: it runs in real time
  const realtime = (o.link.kind !== 'mock' && o.link.kind !== 'frames') || !!o.values.realtime || interactive || forMs === undefined || !!o.web;
  const clock = realtime ? new RealClock() : new VirtualClock(settleIo);
  // `--config`: the controller's world, or a world file that also names the phones (world-file.ts)
  const worldFile = typeof o.values.config === 'string' ? loadWorldFile(o.values.config) : undefined;
  const profileId = o.values.profile === undefined && worldFile?.profile !== undefined && o.ends !== 'controller' ? worldFile.profile : o.profile;
  const profile = loadProfile(profileId);
  // opened first: a port that is taken ends the command (exit 3) before anything runs
  const web: WebPanel | undefined = o.web ? await openWebPanel({ clock, realtime, ...o.web }) : undefined;
  if (web) process.stdout.write(`web panel: ${web.url}\n`);
  let stopped = false;
  const stop = () => (stopped = true);
  let gone: Error | undefined; // the first port that did not come back
  const link = withRecovery(o.link, o.name, o.values, (err) => {
    gone ??= err;
    stop();
  });
  let world: World | undefined;
  const terminal = interactive
    ? new TerminalPanel({
        title: `hotdesk: ${profile.name} (${o.link.kind} link; q quits)${web ? `  web panel: ${web.url}` : ''}`,
        columns: profile.display.columns,
        rows: profile.display.rows,
        cadences: profile.cadences,
        now: () => clock.now(),
        onKey: (key) => world?.press(key),
        onQuit: stop,
      })
    : undefined;
  const panel = terminal ?? (headless ? undefined : new LogPanel(() => clock.now()));
  // the web panel's log is the trace, from the first record on
  const trace = web || o.onRecord ? new TraceWriter(clock) : undefined;
  if (web) trace?.addSink(web.board.traceSink);
  if (o.onRecord) trace?.addSink(o.onRecord);
  world = await World.build({
    profile: profileId,
    link,
    clock,
    ends: o.ends,
    panel,
    trace,
    panelFor: web?.board.panelFor,
    seed: seedOption(o.values),
    ...worldBuildOptions(worldFile, { ends: o.ends, link: o.link.kind, seedGiven: o.values.seed !== undefined }),
    flashPath: o.values.flash as string | undefined,
    tracePath: o.values.trace as string | undefined,
    pcapPath: o.values.pcap as string | undefined,
    baud: baudOption(o.values),
    traceLamps: !!o.values['trace-lamps'],
  }).catch(async (err) => {
    await web?.close();
    throw err;
  });
  web?.attach(world);
  // `hotdesk admin` and `hotdesk run --control` reach the controller here (sim/control)
  const built = world;
  const control = await openControlSocket(built, o.values.control as string | undefined).catch(async (err) => {
    await built.close();
    await web?.close();
    throw err;
  });
  if (control) process.stdout.write(`control socket: ${control.path}\n`);
  o.onStart?.(world);
  if (o.ends === 'both' && world.config.users.length === 0 && !headless) {
    // without users every login ends in "Unknown Extension": say why, and where the demo users are
    const note = 'the controller has no hot desk users, so a login ends in "Unknown Extension": npm start (or --config examples/demo.yaml) has demo users';
    if (terminal) terminal.say(note);
    else process.stderr.write(`hotdesk ${o.name}: ${note}\n`);
  }
  terminal?.start();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    if (forMs !== undefined) {
      await world.advance(forMs, () => stopped);
    } else {
      while (!stopped) await world.advance(100, () => stopped);
    }
  } finally {
    terminal?.stop();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await control?.close();
    await web?.close();
    await world.close();
  }
  if (gone) {
    process.stderr.write(`hotdesk ${o.name}: ${gone.message}\n`);
    return EXIT_ENVIRONMENT;
  }
  return 0;
}

export async function commandSim(values: Record<string, unknown>, positionals: string[] = []): Promise<number> {
  const web = webOption(values, positionals);
  return runWorld({ name: 'sim', profile: String(values.profile ?? '5340'), link: parseLinkSpec(values.link as string | undefined), ends: 'both', values, web });
}

export async function commandPhone(values: Record<string, unknown>): Promise<number> {
  const port = requireString(values, 'port');
  return runWorld({ name: 'phone', profile: String(values.profile ?? '5340'), link: { kind: 'port', phone: port }, ends: 'phone', values });
}

/**
 * `hotdesk controller` says where it listens, then one line per phone that registers and per login or
 * logout (from the call server's trace: the same words a trace file has, never a PIN), on stdout.
 */
export async function commandController(values: Record<string, unknown>): Promise<number> {
  const port = requireString(values, 'port');
  const say = (line: string) => process.stdout.write(`hotdesk controller: ${line}\n`);
  return runWorld({
    name: 'controller',
    profile: String(values.profile ?? '5340'),
    link: { kind: 'port', phone: port },
    ends: 'controller',
    values,
    onRecord: (rec) => {
      const line = controllerEvent(rec);
      if (line) say(line);
    },
    onStart: (world) => {
      const c = world.config;
      const users = c.users.length === 0 ? 'no users (give them with --config FILE)' : `${c.users.length} user${c.users.length === 1 ? '' : 's'}`;
      say(`listening on ${port} at ${values.baud ?? 115200} baud: DHCP, TFTP and call server ${c.identity.id} at ${c.identity.ip ?? '192.168.10.1'}, ${users}`);
    },
  });
}

/** A call server record as a line for a person: a phone registered, a user logged in or out. */
function controllerEvent(rec: StampedRecord): string | undefined {
  if (rec.kind !== 'info' || typeof rec.message !== 'string') return undefined;
  const m = rec.message;
  const register = /^callserver: register (\S+) model (\S+) fw (\S+) dn (\S+) from (\S+)$/.exec(m);
  if (register) {
    const [, mac, model, fw, dn, from] = register;
    return `phone ${mac} (${model}, firmware ${fw}${dn === '-' ? '' : `, DN ${dn}`}) registered from ${from}`;
  }
  const login = /^callserver: login (\S+) on (\S+): (\S+)(.*)$/.exec(m);
  if (login) {
    const [, ext, mac, code, detail] = login;
    return code === 'ok' ? `user ${ext} logged in on ${mac}` : `login of ${ext} on ${mac} refused: ${code}${detail}`;
  }
  const logout = /^callserver: logout (\S+) from (\S+) \((.*)\)$/.exec(m);
  if (logout) return `user ${logout[1]} logged out of ${logout[2]} (${logout[3]})`;
  return undefined;
}
