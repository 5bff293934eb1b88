// `hotdesk sim --web [PORT] [--web-host HOST]`: where the web panel listens. The port is the one word
// the command takes besides its options (`--web 8090`); without it, DEFAULT_WEB_PORT; 0 takes any free
// port. Bound to loopback unless --web-host names another address.
import { UsageError } from '../commands/usage.ts';
import { DEFAULT_WEB_HOST, DEFAULT_WEB_PORT } from './server.ts';

export interface WebSpec {
  host: string;
  port: number;
}

export function webOption(values: Record<string, unknown>, positionals: readonly string[]): WebSpec | undefined {
  const web = !!values.web;
  const host = values['web-host'];
  if (!web) {
    if (host !== undefined) throw new UsageError('--web-host goes with --web');
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}" (the one argument sim takes is --web's PORT)`);
    return undefined;
  }
  if (positionals.length > 1) throw new UsageError(`--web takes one PORT (got ${positionals.join(' ')})`);
  if (typeof host === 'string' && host.trim() === '') throw new UsageError('--web-host needs an address (127.0.0.1, ::1, 0.0.0.0, ...)');
  const raw = positionals[0];
  if (raw === undefined) return { host: typeof host === 'string' ? host : DEFAULT_WEB_HOST, port: DEFAULT_WEB_PORT };
  if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65535) throw new UsageError(`--web PORT is a port number 0-65535 (got "${raw}")`);
  return { host: typeof host === 'string' ? host : DEFAULT_WEB_HOST, port: Number(raw) };
}
