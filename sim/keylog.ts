// HOTDESK_KEYLOG=FILE: the signalling session keys, one line per session, appended to FILE as
// SSLKEYLOGFILE does for TLS. Only a reader with this file (the Wireshark dissector, a test) can open
// the sealed datagrams of a capture; without it a capture shows sessions, sequence numbers and sizes.
//   HOTDESK-SIG <session id> <phone-to-controller key> <controller-to-phone key>     (hex)
import { appendFileSync } from 'node:fs';

export function keyLogFromEnv(env: NodeJS.ProcessEnv = process.env): ((line: string) => void) | undefined {
  const path = env.HOTDESK_KEYLOG;
  if (!path) return undefined;
  return (line) => {
    try {
      appendFileSync(path, `${line}\n`);
    } catch {
      // a key log that cannot be written must not stop the phone: the capture is just unreadable
    }
  };
}
