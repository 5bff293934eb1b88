// Reading sealed datagrams with the session keys a key log holds (HOTDESK_KEYLOG, as SSLKEYLOGFILE for
// TLS): what a capture reader, a dissector or a test does to see the messages inside a session.
//   HOTDESK-SIG <session id> <phone-to-controller key> <controller-to-phone key>     (hex)
import { open } from './crypto.ts';
import { hex, isSealed, parseSealed } from './sealed.ts';

export class KeyLogReader {
  private readonly keys = new Map<string, { up: Uint8Array; down: Uint8Array }>();

  /** Takes one key-log line (others, and malformed ones, are ignored). */
  add(line: string): void {
    const m = /^HOTDESK-SIG ([0-9a-f]{16}) ([0-9a-f]{64}) ([0-9a-f]{64})$/.exec(line.trim());
    if (m) this.keys.set(m[1], { up: Buffer.from(m[2], 'hex'), down: Buffer.from(m[3], 'hex') });
  }

  addAll(text: string): void {
    for (const line of text.split('\n')) this.add(line);
  }

  /** The clear datagram inside a sealed one, either direction; a clear datagram as it is; else undefined. */
  open(bytes: Uint8Array): Uint8Array | undefined {
    if (!isSealed(bytes)) return bytes;
    const p = parseSealed(bytes);
    if (!p.ok) return undefined;
    const k = this.keys.get(hex(p.header.sessionId));
    if (!k) return undefined;
    return open(k.up, 'up', p.header.seq, p.aad, p.body) ?? open(k.down, 'down', p.header.seq, p.aad, p.body);
  }
}
