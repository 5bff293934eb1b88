// `hotdesk admin` against a controller that runs as its own process (issue 12): `hotdesk controller
// --port PTY --control SOCK` on one end of a socat pty pair, and `hotdesk sim`. LOCATE REMOTE DN,
// the administrator's remote logout, Reset a Hot Desk PIN (read from stdin, never argv, never shown),
// the scheduled logout by scope; exit 0 done, 1 refused, 2 usage, 3 no controller. The reset PIN is
// then proven on a real phone: a `hotdesk run` over the other end of the pty logs in with it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ControlClient } from '../../sim/control/client.ts';
import { makePtyPair } from '../../sim/wire/pty.ts';
import { BIN, hotdesk } from '../support/cli.ts';
import { hotdeskWithStdin, startWithControl } from '../sim/control/processes.ts';

const WORLD = `sets:
  - { profile: "5340", dn: "2001" }
users:
  - { ext: "5123", pin: "1234", name: "Alice Smith" }
  - { ext: "5124", pin: "4321", name: "Bob Jones", external: "0612345678" }
`;

/** A login with the old PIN, refused, then with the one `hotdesk admin reset-pin` set. */
const LOGIN_WITH_NEW_PIN = `name: the reset PIN logs in
profile: 5340
controller:
${WORLD.replace(/^/gm, '  ')}
steps:
  - wait-display: "No User Logged In"
    timeout: 30s
  - press: hotdesk
  - press: login
  - dial: "5123"
  - press: ok
  - dial: "1234"
  - press: ok
  - wait-display: "Invalid PIN"
    timeout: 10s
  - wait-display: "No User Logged In"
    timeout: 10s
  - press: hotdesk
  - press: login
  - dial: "5123"
  - press: ok
  - dial: "86420"
  - press: ok
  - wait-display: "Alice Smith"
    timeout: 10s
`;

/**
 * `hotdesk admin ARGS` on a real terminal (a pty from Python's pty module): each answer is typed once its
 * prompt shows. What the terminal showed (stdout and stderr, as a person sees them) and the exit code.
 */
function atTerminal(args: string[], answers: string[], env: NodeJS.ProcessEnv): { code: number; screen: string } {
  const driver = `
import json, os, pty, select, sys, time
args, answers = json.loads(sys.argv[1]), json.loads(sys.argv[2])
pid, fd = pty.fork()
if pid == 0:
    os.execv(args[0], args)
seen = b''
def read_until(marker, timeout=20):
    global seen
    end = time.time() + timeout
    while (marker is None or marker not in seen) and time.time() < end:
        if select.select([fd], [], [], 0.2)[0]:
            try:
                chunk = os.read(fd, 1024)
            except OSError:
                return
            if not chunk:
                return
            seen += chunk
for prompt, answer in answers:
    read_until(prompt.encode())
    os.write(fd, answer.encode())
read_until(None, 10)
_, status = os.waitpid(pid, 0)
print(json.dumps({'code': os.waitstatus_to_exitcode(status), 'screen': seen.decode('utf8', 'replace')}))
`;
  const prompts = ['New PIN for', 'Confirm the PIN'];
  const ran = spawnSync('python3', ['-c', driver, JSON.stringify([process.execPath, BIN, ...args]), JSON.stringify(answers.map((a, i) => [prompts[i], a]))], { env, encoding: 'utf8' });
  if (ran.status !== 0) throw new Error(`the terminal driver failed: ${ran.stderr}`);
  return JSON.parse(ran.stdout);
}

describe('hotdesk admin against a controller process', () => {
  it('locate, logout, reset-pin and schedule-logout, with their exit codes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotdesk-admin-'));
    const config = join(dir, 'world.yaml');
    writeFileSync(config, WORLD);
    const scenario = join(dir, 'new-pin.yaml');
    writeFileSync(scenario, LOGIN_WITH_NEW_PIN);
    const sock = join(dir, 'c.sock');
    const pair = await makePtyPair();
    const controller = await startWithControl(['controller', '--port', pair.b, '--config', config, '--control', sock]);
    const admin = (args: string[], stdin?: string) => hotdeskWithStdin(['admin', '--control', sock, ...args], stdin);
    // set-up the CLI has no command for: users on sets the call server simulates
    const setup = await ControlClient.connect(sock);
    try {
      expect(controller.socket).toBe(sock);
      await setup.request('login', { ext: '5123', on: '2002' });

      const [alice, bob, nobody, json] = await Promise.all([admin(['locate', '5123']), admin(['locate', '5124']), admin(['locate', '5999']), admin(['--json', 'locate', '5123'])]);
      expect(alice).toEqual({ code: 0, stdout: '5123 is logged in at set 2002\n', stderr: '' });
      expect(bob).toEqual({ code: 0, stdout: '5124 is not logged in\n', stderr: '' });
      expect(nobody).toEqual({ code: 1, stdout: '', stderr: 'hotdesk admin: 5999 is not a hot desk user\n' });
      expect(JSON.parse(json.stdout)).toMatchObject({ ext: '5123', loggedIn: true, set: '2002', controller: 'icp-1' });

      expect(await admin(['logout', '5123'])).toEqual({ code: 0, stdout: '5123 is logged out\n', stderr: '' });
      expect(await admin(['locate', '5123'])).toMatchObject({ code: 0, stdout: '5123 is not logged in\n' });
      expect(await admin(['logout', '5123'])).toEqual({ code: 1, stdout: '', stderr: 'hotdesk admin: 5123 is not logged in\n' });

      // the scheduler by scope: under external, the internal user stays
      await setup.request('login', { ext: '5123', on: '2002' });
      await setup.request('login', { ext: '5124', on: '2003' });
      expect(await admin(['schedule-logout', '--scope', 'external'])).toEqual({
        code: 0,
        stdout: 'scheduled logout of external hot desk users: 1 logged out, 0 when their call ends\n',
        stderr: '',
      });
      expect(await setup.request('locate', { ext: '5123' })).toMatchObject({ loggedIn: true });
      expect(await setup.request('locate', { ext: '5124' })).toMatchObject({ loggedIn: false });
      expect(await admin(['schedule-logout', '--scope', 'internal'])).toMatchObject({ code: 0, stdout: /internal hot desk users: 1 logged out/ });

      // the new PIN from stdin: nothing shows it
      const reset = await admin(['reset-pin', '5123'], '86420\n');
      expect(reset).toEqual({ code: 0, stdout: 'the PIN of 5123 is reset: the next login takes the new one\n', stderr: '' });

      const [badPin, pinInArgv, noPin, badScope, noScope, noSub] = await Promise.all([
        admin(['reset-pin', '5123'], '12ab9\n'),
        admin(['reset-pin', '5123', '97531'], '97531\n'),
        admin(['reset-pin', '5123'], ''),
        admin(['schedule-logout', '--scope', 'everyone']),
        admin(['schedule-logout']),
        admin(['fly']),
      ]);
      expect(badPin).toEqual({ code: 2, stdout: '', stderr: 'hotdesk admin: a hot desk PIN is 0 to 8 digits (0-9)\n' });
      expect(pinInArgv).toEqual({ code: 2, stdout: '', stderr: 'hotdesk admin: admin reset-pin takes only the extension: the new PIN is read from stdin, never from the command line\n' });
      expect(noPin).toMatchObject({ code: 2, stderr: /got nothing \(a blank PIN is an empty line\)/ });
      expect(badScope).toEqual({ code: 2, stdout: '', stderr: 'hotdesk admin: --scope takes all, internal, external (got "everyone")\n' });
      expect(noScope).toMatchObject({ code: 2, stderr: /needs --scope all\|internal\|external/ });
      expect(noSub).toMatchObject({ code: 2, stderr: /unknown admin subcommand "fly"/ });
      expect(await hotdesk(['admin', '--control', join(dir, 'none.sock'), 'locate', '5123'])).toMatchObject({ code: 3, stderr: /no controller at .*none\.sock \(no such socket\)/ });
    } finally {
      setup.close();
    }

    try {
      // the reset PIN on a real phone, across the pty: the old one is refused, the new one logs in
      const run = await hotdesk(['run', scenario, '--link', pair.a], { timeoutMs: 60_000 });
      expect(run.stdout).toContain('PASS the reset PIN logs in');
      expect(run.code).toBe(0);
    } finally {
      const ended = await controller.stop();
      await pair.close();
      expect(ended.code).toBe(0);
      expect(ended.stderr).toBe('');
      expect(ended.stdout).not.toContain('86420');
    }
  }, 120_000);

  it('hotdesk sim opens one too, and admin finds the only one running without --control', async () => {
    const runtime = mkdtempSync(join(tmpdir(), 'hotdesk-xdg-'));
    const env = { ...process.env, XDG_RUNTIME_DIR: runtime };
    const config = join(runtime, 'world.yaml');
    writeFileSync(config, WORLD);
    const sim = await startWithControl(['sim', '--headless', '--realtime', '--config', config], env);
    try {
      expect(sim.socket).toBe(join(runtime, 'hotdesk', `${sim.child.pid}.sock`));
      expect(await hotdeskWithStdin(['admin', 'locate', '5123'], undefined, env)).toEqual({ code: 0, stdout: '5123 is not logged in\n', stderr: '' });
      // at a terminal the PIN is asked for twice and never shown; two that differ change nothing
      const typed = atTerminal(['admin', 'reset-pin', '5123'], ['86420\r', '86420\r'], env);
      expect(typed.code).toBe(0);
      expect(typed.screen).toMatch(/New PIN for 5123: \r?\nConfirm the PIN: \r?\nthe PIN of 5123 is reset/);
      const differ = atTerminal(['admin', 'reset-pin', '5123'], ['86420\r', '97531\r'], env);
      expect(differ.code).toBe(2);
      expect(differ.screen).toContain('hotdesk admin: the two PINs differ: nothing was changed');
      for (const screen of [typed.screen, differ.screen]) expect(screen).not.toMatch(/86420|97531/);
    } finally {
      expect((await sim.stop()).code).toBe(0);
    }
    // it is gone with the sim: nothing to find
    expect(await hotdeskWithStdin(['admin', 'locate', '5123'], undefined, env)).toMatchObject({ code: 3, stderr: /no controller is running/ });
  }, 60_000);
});
