// The control socket's protocol (docs/design.md "Administration"): JSON Lines over a Unix domain socket.
// Each request names one controller action of sim/controller/actions.ts and its argument, exactly as a
// scenario's `controller:` step writes it; each answer carries the request's id:
//   → {"id":1,"action":"locate","args":{"ext":"5123"}}
//   ← {"id":1,"ok":true,"result":{"ext":"5123","loggedIn":true,"set":"2001",...}}
//   ← {"id":2,"ok":false,"error":{"kind":"refused","message":"5999 is not a hot desk user"}}
// `bad-request`: the request or the action is malformed (hotdesk admin: exit 2); `refused`: it was well
// formed and the controller would not, or its `expect` did not hold (exit 1).

export type RequestId = number | string;

export interface ControlRequest {
  id: RequestId;
  action: string;
  /** The action's value, as in a scenario: `{ ext: "5123" }`, `icp-2` for kill/revive, absent for `{}`. */
  args?: unknown;
}

export type ControlErrorKind = 'bad-request' | 'refused';

export type ControlResponse =
  | { id: RequestId | null; ok: true; result: unknown }
  | { id: RequestId | null; ok: false; error: { kind: ControlErrorKind; message: string } };

/** A line longer than this is no request of ours: the connection is closed. */
export const MAX_LINE_BYTES = 64 * 1024;

/** Splits a byte stream into lines; `onLine` gets each without its newline, `onOverflow` a runaway line. */
export function lineReader(onLine: (line: string) => void, onOverflow: () => void): (chunk: Buffer) => void {
  let pending = '';
  return (chunk) => {
    pending += chunk.toString('utf8');
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl).replace(/\r$/, '');
      pending = pending.slice(nl + 1);
      if (line.trim() !== '') onLine(line);
    }
    if (Buffer.byteLength(pending) > MAX_LINE_BYTES) {
      pending = '';
      onOverflow();
    }
  };
}

/** The request in a line, or why it is none (never echoing the line: it may hold a PIN). */
export function parseRequest(line: string): { request: ControlRequest } | { id: RequestId | null; error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return { id: null, error: 'not a JSON request (one object per line: {"id":1,"action":"locate","args":{"ext":"5123"}})' };
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { id: null, error: 'a request is a JSON object: {"id", "action", "args"}' };
  const r = raw as Record<string, unknown>;
  const id = typeof r.id === 'number' || typeof r.id === 'string' ? r.id : null;
  if (id === null) return { id, error: 'a request needs an "id" (a number or a string)' };
  if (typeof r.action !== 'string' || r.action === '') return { id, error: 'a request needs an "action" (a controller action, e.g. "locate")' };
  for (const k of Object.keys(r)) if (k !== 'id' && k !== 'action' && k !== 'args') return { id, error: `unknown field "${k}" in a request (fields: id, action, args)` };
  return { request: { id, action: r.action, ...(r.args === undefined ? {} : { args: r.args }) } };
}
