// `hotdesk admin`: what the hot desk administrator does, against a running `hotdesk controller` or
// `hotdesk sim`, through its control socket (sim/control): LOCATE REMOTE DN, remote logout, Reset a Hot
// Desk PIN, the scheduled logout by scope. Each subcommand is one controller action of the table
// scenarios use (sim/controller/actions.ts). Exit 0 done, 1 refused (an unknown extension, a user not
// logged in, a COS that does not allow), 2 usage, 3 no controller at the socket.
// The new PIN is read from stdin (or a prompt at a terminal, not echoed), never from the command line,
// where `ps` would show it; no output and no error message ever contains it.
import { locationText, type LocateResult } from '../controller/actions.ts';
import { PIN_RULE, PIN_RULE_TEXT } from '../controller/call-server/directory.ts';
import type { LogoutOutcome } from '../controller/call-server/call-server.ts';
import { LOGOUT_SCOPES, type LogoutScope } from '../controller/call-server/logout-policy.ts';
import { ControlClient, ControlError } from '../control/client.ts';
import { defaultControlDir, listControlSockets } from '../control/socket-path.ts';
import { UsageError } from './usage.ts';

export const ADMIN_USAGE = `hotdesk admin [--control PATH] [--json] locate EXT
       hotdesk admin [--control PATH] [--json] logout EXT
       hotdesk admin [--control PATH] reset-pin EXT     (the new PIN: one line on stdin, or asked for at a terminal)
       hotdesk admin [--control PATH] [--json] schedule-logout --scope all|internal|external

--control PATH is the socket \`hotdesk controller\` or \`hotdesk sim\` printed ("control socket: PATH"); without
it, the one controller running in ${defaultControlDir()}. Exit 0 done, 1 refused, 2 usage, 3 no controller.`;

const EXIT = { ok: 0, refused: 1, usage: 2, unavailable: 3 } as const;

/** What a subcommand sends, and how it says the answer. */
interface Job {
  action: string;
  args: Record<string, unknown>;
  /** The answer as a line on stdout and the exit code (a refusal is said on stderr). */
  report(result: unknown): { line: string; refused?: boolean };
}

function extArg(positionals: string[], sub: string): string {
  const ext = positionals[1];
  if (ext === undefined) throw new UsageError(`admin ${sub} needs the extension: hotdesk admin ${sub} EXT`);
  if (!/^[0-9]{1,10}$/.test(ext)) throw new UsageError(`admin ${sub}: the extension must be digits (got "${ext}")`);
  // reset-pin: whatever follows may be the PIN itself, so it is never repeated back
  if (positionals.length > 2) {
    throw new UsageError(sub === 'reset-pin' ? 'admin reset-pin takes only the extension: the new PIN is read from stdin, never from the command line' : `admin ${sub} takes one extension`);
  }
  return ext;
}

const LOGOUT_SAID: Record<LogoutOutcome, (ext: string) => { line: string; refused?: boolean }> = {
  done: (ext) => ({ line: `${ext} is logged out` }),
  waiting: (ext) => ({ line: `${ext} is on a call: logged out when the call ends` }),
  'not-logged-in': (ext) => ({ line: `${ext} is not logged in`, refused: true }),
  'not-allowed': (ext) => ({ line: `${ext}'s class of service does not accept a remote logout`, refused: true }),
  'refused-ringing': (ext) => ({ line: `${ext}'s line is ringing: the logout is refused (try again)`, refused: true }),
  'unknown-ext': (ext) => ({ line: `${ext} is not a hot desk user`, refused: true }),
};

async function job(sub: string, positionals: string[], values: Record<string, unknown>, readPin: (ext: string) => Promise<string>): Promise<Job> {
  if (sub !== 'schedule-logout' && values.scope !== undefined) throw new UsageError(`--scope is for admin schedule-logout only`);
  switch (sub) {
    case 'locate': {
      const ext = extArg(positionals, sub);
      return { action: 'locate', args: { ext }, report: (r) => ({ line: `${ext} is ${locationText(r as LocateResult)}` }) };
    }
    case 'logout': {
      const ext = extArg(positionals, sub);
      return { action: 'remote-logout', args: { ext }, report: (r) => LOGOUT_SAID[(r as { outcome: LogoutOutcome }).outcome](ext) };
    }
    case 'reset-pin': {
      const ext = extArg(positionals, sub);
      const pin = await readPin(ext);
      if (!PIN_RULE.test(pin)) throw new UsageError(PIN_RULE_TEXT);
      return { action: 'reset-pin', args: { ext, pin }, report: () => ({ line: `the PIN of ${ext} is reset: the next login takes the new one` }) };
    }
    case 'schedule-logout': {
      if (positionals.length > 1) throw new UsageError('admin schedule-logout takes no extension (--scope all|internal|external)');
      const scope = values.scope;
      if (scope === undefined) throw new UsageError(`admin schedule-logout needs --scope ${LOGOUT_SCOPES.join('|')}`);
      if (!LOGOUT_SCOPES.includes(scope as LogoutScope)) throw new UsageError(`--scope takes ${LOGOUT_SCOPES.join(', ')} (got "${scope}")`);
      return {
        action: 'schedule-logout',
        args: { scope },
        report: (r) => {
          const t = r as { done: number; waiting: number };
          const whom = scope === 'all' ? 'every hot desk user' : `${scope} hot desk users`;
          return { line: `scheduled logout of ${whom}: ${t.done} logged out, ${t.waiting} when their call ends` };
        },
      };
    }
    default:
      throw new UsageError(sub === undefined ? `admin needs a subcommand: locate, logout, reset-pin, schedule-logout` : `unknown admin subcommand "${sub}" (locate, logout, reset-pin, schedule-logout)`);
  }
}

/** The socket to talk to: --control, else the one live controller in the default directory. */
async function connect(values: Record<string, unknown>): Promise<ControlClient> {
  if (typeof values.control === 'string') return ControlClient.connect(values.control);
  const live: ControlClient[] = [];
  for (const path of listControlSockets()) {
    try {
      live.push(await ControlClient.connect(path));
    } catch {
      // stale: a controller that ended without removing its socket
    }
  }
  if (live.length === 1) return live[0];
  for (const c of live) c.close();
  if (live.length === 0) throw new ControlError('unavailable', `no controller is running (no live control socket in ${defaultControlDir()}): start one, or give --control PATH`);
  throw new UsageError(`${live.length} controllers are running (${live.map((c) => c.path).join(', ')}): say which with --control PATH`);
}

export interface AdminIo {
  stdout(line: string): void;
  stderr(line: string): void;
  readPin(ext: string): Promise<string>;
}

const processIo: AdminIo = {
  stdout: (line) => process.stdout.write(line + '\n'),
  stderr: (line) => process.stderr.write(line + '\n'),
  readPin: (ext) => readNewPin(ext),
};

export async function commandAdmin(values: Record<string, unknown>, positionals: string[], io: AdminIo = processIo): Promise<number> {
  const todo = await job(positionals[0], positionals, values, io.readPin);
  let client: ControlClient | undefined;
  try {
    client = await connect(values);
    const result = await client.request(todo.action, todo.args);
    const said = todo.report(result);
    if (values.json) io.stdout(JSON.stringify(result));
    else if (!said.refused) io.stdout(said.line);
    if (said.refused) {
      if (!values.json) io.stderr(`hotdesk admin: ${said.line}`);
      return EXIT.refused;
    }
    return EXIT.ok;
  } catch (err) {
    if (!(err instanceof ControlError)) throw err;
    io.stderr(`hotdesk admin: ${err.message}`);
    return err.kind === 'bad-request' ? EXIT.usage : err.kind === 'refused' ? EXIT.refused : EXIT.unavailable;
  } finally {
    client?.close();
  }
}

// ---- the new PIN: one line on stdin, or typed at a terminal without echo, twice ----

async function readNewPin(ext: string): Promise<string> {
  if (!process.stdin.isTTY) return readPinLine();
  const first = await promptHidden(`New PIN for ${ext}: `);
  const again = await promptHidden('Confirm the PIN: ');
  if (first !== again) throw new UsageError('the two PINs differ: nothing was changed');
  return first;
}

/** The first line of stdin; an empty line is a blank PIN, no line at all is a mistake. */
function readPinLine(): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    let any = false;
    const done = () => {
      process.stdin.off('data', onData);
      process.stdin.off('end', onEnd);
      process.stdin.pause();
    };
    const onData = (chunk: Buffer) => {
      any = true;
      text += chunk.toString('utf8');
      const nl = text.indexOf('\n');
      if (nl >= 0) {
        done();
        resolve(text.slice(0, nl).replace(/\r$/, ''));
      }
    };
    const onEnd = () => {
      done();
      if (!any) reject(new UsageError('admin reset-pin reads the new PIN from stdin and got nothing (a blank PIN is an empty line)'));
      else resolve(text.replace(/\r$/, ''));
    };
    process.stdin.on('data', onData);
    process.stdin.once('end', onEnd);
  });
}

/** Asks on stderr and reads keys in raw mode, showing nothing of what is typed. */
function promptHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    stdin.setRawMode(true); // before the prompt: a key typed once it shows must find echo already off
    process.stderr.write(prompt);
    stdin.resume();
    let typed = '';
    const finish = (err?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(typed);
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003' || ch === '\u0004') return finish(new UsageError('admin reset-pin: cancelled, nothing was changed'));
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    stdin.on('data', onData);
  });
}
