// The `hotdesk` command (docs/design.md "CLI", a contract). Each subcommand parses its own options; any
// error is one clear line on stderr and a non-zero exit (2 for bad usage or a bad file, 3 for a port that
// cannot be opened or is gone for good).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { commandProfiles } from './commands/profiles.ts';
import { commandRun } from './commands/run.ts';
import { commandSim, commandPhone, commandController } from './commands/sim.ts';
import { UsageError } from './commands/usage.ts';
import { ConfigError } from './controller/config.ts';
import { ProfileError, UnknownProfileError } from './profiles.ts';
import { SerialPortError } from './wire/serial-link.ts';
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

const COMMANDS: Record<string, Command> = {
  sim: {
    summary: 'a phone and its controller, with the panel',
    usage: `hotdesk sim [--profile M] [--config F] [--link mock|pty|PATH|PATH,PATH] [--trace F] [--pcap F]
            [--realtime] [--for DURATION] [--headless] [--seed N] [--trace-lamps] [--flash F]
            [--port-timeout DURATION]${PORT_HELP}`,
    options: { ...RUN_OPTIONS, profile: { type: 'string' }, config: { type: 'string' }, link: { type: 'string' }, headless: { type: 'boolean' }, flash: { type: 'string' }, 'port-timeout': { type: 'string' } },
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
            [--seed N] [--realtime] [--port-timeout DURATION]${PORT_HELP}`,
    options: { ...RUN_OPTIONS, port: { type: 'string' }, config: { type: 'string' }, baud: { type: 'string' }, 'port-timeout': { type: 'string' } },
    run: commandController,
  },
  run: {
    summary: 'run scenario files (exit 0: all pass; 1: a step failed; 2: a bad file)',
    usage: 'hotdesk run SCENARIO... [--link mock|pty|PATH|PATH,PATH] [--trace F] [--pcap F] [--trace-lamps]',
    options: { ...RUN_OPTIONS, link: { type: 'string' } },
    positionals: true,
    run: commandRun,
  },
  profiles: {
    summary: 'list the hardware profiles (models)',
    usage: 'hotdesk profiles [--json]',
    options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    run: commandProfiles,
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

Durations: 500ms, 30s, 2m, 1h. Links: mock (mock wire, virtual clock; the default), pty (a socat pty pair,
real time), PATH,PATH (phone port, controller port), PATH (the phone on a port, a device at the far end).
`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(mainHelp());
    return name === undefined ? 2 : 0;
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
    const { values, positionals } = parseArgs({ args: rest, options: command.options, allowPositionals: !!command.positionals, strict: true });
    if (values.help) {
      process.stdout.write(`usage: ${command.usage}\n\n${command.summary}\n`);
      return 0;
    }
    return await command.run(values, positionals);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`hotdesk ${name}: ${message.split('\n')[0]}\n`);
    // a port that cannot be opened is the environment's (3)
    if (err instanceof SerialPortError) return 3;
    // bad usage and bad files are the caller's to fix (2); anything else is a failure of the run (1)
    const usage =
      err instanceof UsageError ||
      err instanceof ConfigError ||
      err instanceof ProfileError ||
      err instanceof UnknownProfileError ||
      (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    return usage ? 2 : 1;
  }
}
