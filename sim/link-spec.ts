// What `--link` says (docs/design.md "CLI"): the mock wire, the in-memory frame link of a fleet, a socat
// pty pair made for the run, two ports (phone first), or one port with the phone on it and a device or
// another process at the far end.
import { UsageError } from './commands/usage.ts';
import type { PortRecovery } from './wire/reopening-link.ts';

export type LinkSpec =
  | { kind: 'mock' }
  /** Whole Ethernet frames handed over in memory (sim/wire/frame-wire.ts): no serial line, no SLIP, no FCS. */
  | { kind: 'frames' }
  | { kind: 'pty' }
  | { kind: 'ports'; phone: string; controller: string; recovery?: PortRecovery }
  | { kind: 'port'; phone: string; recovery?: PortRecovery };
// `recovery`: the commands that run on ports (phone, controller, sim) reopen a lost port with backoff
// (sim/wire/reopening-link.ts) and give up after --port-timeout; without it (run) a lost port stays lost.

/** The links whose both ends live in this process: a world on one of them can have many phones. */
export type CableKind = 'mock' | 'frames' | 'pty';

export function isCableKind(kind: LinkSpec['kind']): kind is CableKind {
  return kind === 'mock' || kind === 'frames' || kind === 'pty';
}

export function parseLinkSpec(text: string | undefined): LinkSpec {
  if (text === undefined || text === 'mock') return { kind: 'mock' };
  if (text === 'frames') return { kind: 'frames' };
  if (text === 'pty') return { kind: 'pty' };
  const parts = text.split(',');
  if (parts.some((p) => p.trim() === '') || parts.length > 2) {
    throw new UsageError(`--link takes mock, frames, pty, PATH or PATH,PATH (got "${text}")`);
  }
  return parts.length === 2 ? { kind: 'ports', phone: parts[0], controller: parts[1] } : { kind: 'port', phone: parts[0] };
}
