// The `hotdesk` command (docs/design.md "CLI", a contract). Each subcommand parses its own options; any
// error is one clear line on stderr and a non-zero exit: 1 a step failed, 2 bad usage or a bad file, 3 the
// environment (a port that cannot be opened or is gone for good, a missing peer tool, a path that cannot
// be written: checked before anything runs).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { commandPcap } from './commands/pcap.ts';
import { ADMIN_USAGE, commandAdmin } from './commands/admin.ts';
import { commandProfiles } from './commands/profiles.ts';
import { commandFleet } from './commands/fleet.ts';
import { FLEET_CLI_OPTIONS, FLEET_USAGE } from './fleet/options.ts';
import { commandRun } from './commands/run.ts';
import { commandSim, commandPhone, commandController } from './commands/sim.ts';
import { checkEnvironment, EnvironmentError, UsageError } from './commands/usage.ts';
import { ScenarioFileError } from './scenario/errors.ts';
import { ConfigError } from './controller/config.ts';
import { ProfileError, UnknownProfileError } from './profiles.ts';
import { SerialPortError } from './wire/serial-link.ts';
import { ControlError } from './control/client.ts';
import { ControlSocketError } from './control/server.ts';
import { PORT_GIVE_UP_MS, REOPEN_FIRST_MS, REOPEN_MAX_MS } from './wire/reopening-link.ts';

interface Command {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  positionals?: boolean;
  run(values: Record<string, unknown>, positionals: string[]): Promise<number>;
}

const RUN_OPTIONS = {
  trace: { type: 'string' },
  pcap: { type: 'string' },
  for: { type: 'string' },
  realtime: { type: 'boolean' },
  seed: { type: 'string' },
  'trace-lamps': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const PORT_HELP = `

A port that goes away (unplugged, socat stopped) is reopened with backoff (${REOPEN_FIRST_MS} ms doubling to
${REOPEN_MAX_MS / 1000} s), with one line on stderr when it is lost and one when it is back. One gone longer than
--port-timeout (default ${PORT_GIVE_UP_MS / 1000}s) ends the command with exit 3.`;

const CONTROL_HELP = `

The controller listens on a control socket for \`hotdesk admin\` (and \`hotdesk run --control\`): --control PATH,
by default one in $XDG_RUNTIME_DIR/hotdesk (else the temp dir), printed on start as "control socket: PATH".`;

const COMMANDS: Record<string, Command> = {
  sim: {
    summary: 'a phone and its controller, with the panel',
    usage: `hotdesk sim [--profile M] [--config F] [--link mock|frames|pty|PATH|PATH,PATH] [--trace F] [--pcap F]
            [--realtime] [--for DURATION] [--headless] [--seed N] [--trace-lamps] [--flash F]
            [--port-timeout DURATION] [--control PATH] [--web [PORT]] [--web-host HOST]${PORT_HELP}${CONTROL_HELP}

--web [PORT] (default 8080; 0: any free port) also serves a web panel of every phone, in real time, on
127.0.0.1 unless --web-host names another address; its URL is printed as "web panel: URL". With
--headless it runs without the terminal panel.`,
    options: { ...RUN_OPTIONS, profile: { type: 'string' }, config: { type: 'string' }, link: { type: 'string' }, headless: { type: 'boolean' }, flash: { type: 'string' }, 'port-timeout': { type: 'string' }, control: { type: 'string' }, web: { type: 'boolean' }, 'web-host': { type: 'string' } },
    // the one positional is --web's PORT (sim/web/web-option.ts)
    positionals: true,
    run: commandSim,
  },
  phone: {
    summary: 'the phone firmware alone on a serial port (a controller at the far end)',
    usage: `hotdesk phone --port PATH [--profile M] [--baud N] [--trace F] [--pcap F] [--for DURATION]
            [--headless] [--flash F] [--seed N] [--trace-lamps] [--realtime] [--port-timeout DURATION]${PORT_HELP}`,
    options: { ...RUN_OPTIONS, port: { type: 'string' }, profile: { type: 'string' }, headless: { type: 'boolean' }, flash: { type: 'string' }, baud: { type: 'string' }, 'port-timeout': { type: 'string' } },
    run: commandPhone,
  },
  controller: {
    summary: 'the controller alone on a serial port (a phone at the far end)',
    usage: `hotdesk controller --port PATH [--config F] [--baud N] [--trace F] [--pcap F] [--for DURATION]
            [--seed N] [--realtime] [--port-timeout DURATION] [--control PATH]${PORT_HELP}${CONTROL_HELP}`,
    options: { ...RUN_OPTIONS, port: { type: 'string' }, config: { type: 'string' }, baud: { type: 'string' }, 'port-timeout': { type: 'string' }, control: { type: 'string' } },
    run: commandController,
  },
  run: {
    summary: 'run scenario files and directories (exit 0 passed, 1 a step failed, 2 a bad file, 3 the environment)',
    usage: `hotdesk run DIR|FILE... [--link mock|frames|pty|PATH|PATH,PATH] [--junit F] [--json] [--timeout DURATION]
            [--trace F] [--pcap F] [--trace-lamps] [--control PATH]

A directory runs every .yaml file below it, in name order. Each scenario prints PASS or FAIL, and the run
ends with the totals (passed, failed, time).
--junit F        writes the results as JUnit XML (a testsuite per directory, a testcase per scenario)
--json           prints the results as JSON on stdout (the other lines go to stderr); docs/scenarios.md
--timeout D      the whole run may take at most D on the simulation clock (the rest is skipped, exit 1)
--control PATH   (with --link PATH): the scenario's controller steps go to the controller process at the
                 far end, through its control socket.`,
    options: { ...RUN_OPTIONS, link: { type: 'string' }, control: { type: 'string' }, junit: { type: 'string' }, json: { type: 'boolean' }, timeout: { type: 'string' } },
    positionals: true,
    run: commandRun,
  },
  profiles: {
    summary: 'list the hardware profiles (models)',
    usage: 'hotdesk profiles [--json]',
    options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    run: commandProfiles,
  },
  pcap: {
    summary: "open a capture's sealed signalling with the session key log (for Wireshark)",
    usage: 'hotdesk pcap unseal IN.pcap --keylog FILE -o OUT.pcap   (--keylog defaults to $HOTDESK_KEYLOG)',
    options: { keylog: { type: 'string' }, out: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } },
    positionals: true,
    run: commandPcap,
  },
  admin: {
    summary: "the administrator's commands against a running controller (locate, logout, reset-pin, schedule-logout)",
    usage: ADMIN_USAGE,
    options: { control: { type: 'string' }, scope: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    positionals: true,
    run: commandAdmin,
  },
  fleet: {
    summary: 'a fleet of phones on one controller or a cluster, with load-test statistics (merge: shards)',
    usage: FLEET_USAGE,
    options: FLEET_CLI_OPTIONS,
    positionals: true,
    run: commandFleet,
  },
  firmware: {
    summary: 'build, sign and inspect firmware images',
    usage: 'hotdesk firmware build|sign|inspect ... (hotdesk firmware --help)',
    options: {},
    positionals: true,
    run: async () => 0, // replaced below: it parses its own arguments
  },
};

function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `hotdesk: a firmware model of hot desk phones and wireless handsets, with their controller

usage: hotdesk COMMAND [OPTIONS]   (hotdesk COMMAND --help for its options)

${lines.join('\n')}

Durations need a unit: 500ms, 30s, 2m, 1h. Links: mock (mock wire, virtual clock; the default), frames (Ethernet frames in memory, virtual clock; for fleets), pty (a socat
pty pair, real time), PATH,PATH (phone port, controller port), PATH (the phone on a port, a device at the far end).

Exit codes: 0 passed (or ran to --for), 1 a step failed, 2 a bad file or bad usage, 3 the environment (a port,
a peer tool such as socat, a path that cannot be written).

hotdesk --version prints the version.
`;
}

/** package.json's version: what `hotdesk --version` prints. */
export function version(): string {
  return (JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * `--for -5s`: parseArgs takes a value that starts with a dash for another option and calls it
 * ambiguous. A string option followed by a dash and a digit is given that as its value, so the option's
 * own check can say what is wrong with it.
 */
function joinDashValues(args: string[], options: Command['options']): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = /^--([^=]+)$/.exec(args[i])?.[1];
    const next = args[i + 1];
    if (name && options[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`--${name}=${next}`);
      i++;
    } else out.push(args[i]);
  }
  return out;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(mainHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(`hotdesk ${version()}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`hotdesk: unknown command "${name}" (try hotdesk --help)\n`);
    return 2;
  }
  try {
    if (name === 'firmware') {
      const { firmwareCommand } = await import('./firmware-cli.ts');
      return await firmwareCommand(rest);
    }
    const { values, positionals } = parseArgs({ args: joinDashValues(rest, command.options), options: command.options, allowPositionals: !!command.positionals, strict: true });
    if (values.help) {
      process.stdout.write(`usage: ${command.usage}\n\n${command.summary}\n`);
      return 0;
    }
    checkEnvironment(values);
    return await command.run(values, positionals);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`hotdesk ${name}: ${message.split('\n')[0]}\n`);
    // a port or control socket that cannot be opened, a controller not there, is the environment's (3)
    if (err instanceof EnvironmentError || err instanceof SerialPortError || err instanceof ControlSocketError || (err instanceof ControlError && err.kind === 'unavailable')) return 3;
    // bad usage and bad files are the caller's to fix (2); anything else is a failure of the run (1)
    const usage =
      err instanceof UsageError ||
      err instanceof ScenarioFileError ||
      err instanceof ConfigError ||
      err instanceof ProfileError ||
      err instanceof UnknownProfileError ||
      (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    return usage ? 2 : 1;
  }
}
