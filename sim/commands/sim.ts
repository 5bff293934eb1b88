// `hotdesk sim`, `hotdesk phone` and `hotdesk controller`: build a world and run it, for a while
// (`--for`) or until interrupted, with trace, capture and the panel as asked.
import { parseDuration } from '../duration.ts';
import { parseLinkSpec, type LinkSpec } from '../link-spec.ts';
import { World } from '../world.ts';
import { RealClock } from '../real-clock.ts';
import { VirtualClock } from '../../firmware/clock.ts';
import { settleIo } from '../wire/settle.ts';
import { loadProfile } from '../profiles.ts';
import { TerminalPanel } from '../panel/terminal.ts';
import { LogPanel } from '../panel/log-panel.ts';
import { requireString, UsageError } from './usage.ts';
import { loadControllerConfig } from '../controller/config.ts';
import { PORT_GIVE_UP_MS, type PortRecovery } from '../wire/reopening-link.ts';

/** Exit code of a command whose port is gone for good (docs/design.md "CLI": 3, the environment). */
export const EXIT_ENVIRONMENT = 3;

interface RunOptions {
  /** The command's name, for its stderr lines. */
  name: string;
  profile: string;
  link: LinkSpec;
  ends: 'both' | 'phone' | 'controller';
  values: Record<string, unknown>;
}

export function durationOption(values: Record<string, unknown>, name: string): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const ms = parseDuration(String(v));
  if (ms === undefined) throw new UsageError(`--${name} takes a duration like 30s, 5m or 1h (got "${v}")`);
  return ms;
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
  const realtime = o.link.kind !== 'mock' || !!o.values.realtime || interactive || forMs === undefined;
  const clock = realtime ? new RealClock() : new VirtualClock(settleIo);
  const profile = loadProfile(o.profile);
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
        title: `hotdesk: ${profile.name} (${o.link.kind} link; q quits)`,
        columns: profile.display.columns,
        rows: profile.display.rows,
        cadences: profile.cadences,
        now: () => clock.now(),
        onKey: (key) => world?.press(key),
        onQuit: stop,
      })
    : undefined;
  const panel = terminal ?? (headless ? undefined : new LogPanel(() => clock.now()));
  world = await World.build({
    profile: o.profile,
    link,
    clock,
    ends: o.ends,
    panel,
    seed: seedOption(o.values),
    config: typeof o.values.config === 'string' ? loadControllerConfig(o.values.config) : undefined,
    flashPath: o.values.flash as string | undefined,
    tracePath: o.values.trace as string | undefined,
    pcapPath: o.values.pcap as string | undefined,
    baud: baudOption(o.values),
    traceLamps: !!o.values['trace-lamps'],
  });
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
    await world.close();
  }
  if (gone) {
    process.stderr.write(`hotdesk ${o.name}: ${gone.message}\n`);
    return EXIT_ENVIRONMENT;
  }
  return 0;
}

export async function commandSim(values: Record<string, unknown>): Promise<number> {
  return runWorld({ name: 'sim', profile: String(values.profile ?? '5340'), link: parseLinkSpec(values.link as string | undefined), ends: 'both', values });
}

export async function commandPhone(values: Record<string, unknown>): Promise<number> {
  const port = requireString(values, 'port');
  return runWorld({ name: 'phone', profile: String(values.profile ?? '5340'), link: { kind: 'port', phone: port }, ends: 'phone', values });
}

export async function commandController(values: Record<string, unknown>): Promise<number> {
  const port = requireString(values, 'port');
  return runWorld({ name: 'controller', profile: String(values.profile ?? '5340'), link: { kind: 'port', phone: port }, ends: 'controller', values });
}
