// "host:port" as a relay or exposure target is written in the controller's config (`127.0.0.1:1067`).
// Parsed once, with a reason instead of a throw, so the config loader can name the field.
import { normalizeIpv4 } from '../../../firmware/link/addr.ts';

export interface UdpEndpoint {
  host: string;
  port: number;
}

export type EndpointParse = { ok: true; endpoint: UdpEndpoint } | { ok: false; reason: string };

/** An IPv4 address and a UDP port; port 0 (pick one) only when `allowAnyPort` (a socket we bind). */
export function parseUdpEndpoint(text: string, allowAnyPort = false): EndpointParse {
  const m = /^([^:]+):(\d{1,5})$/.exec(text.trim());
  if (!m) return { ok: false, reason: `"${text}" is not HOST:PORT` };
  const host = normalizeIpv4(m[1]);
  if (host === undefined) return { ok: false, reason: `"${m[1]}" is not an IPv4 address` };
  const port = Number(m[2]);
  if (port > 65535 || (port === 0 && !allowAnyPort)) return { ok: false, reason: `port ${port} is out of range` };
  return { ok: true, endpoint: { host, port } };
}

/** For config values already checked by the schema: throws with the field's name otherwise. */
export function udpEndpoint(text: string, what: string, allowAnyPort = false): UdpEndpoint {
  const p = parseUdpEndpoint(text, allowAnyPort);
  if (!p.ok) throw new Error(`${what}: ${p.reason}`);
  return p.endpoint;
}
