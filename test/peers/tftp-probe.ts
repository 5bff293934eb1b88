// Waits until a TFTP server answers on a UDP port: a read request for a file that does not exist gets
// an ERROR back from a live server. Daemons like in.tftpd print nothing when they are ready.
import { createSocket } from 'node:dgram';
import { encodeTftp } from '../../firmware/boot/tftp-packet.ts';
import { sleep } from './daemons.ts';

export async function waitForTftp(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const socket = createSocket('udp4');
  let answered = false;
  socket.on('message', () => (answered = true));
  try {
    while (!answered) {
      if (Date.now() > deadline) throw new Error(`no TFTP server answered on ${host}:${port} within ${timeoutMs} ms`);
      socket.send(encodeTftp({ op: 'RRQ', file: 'hotdesk-probe-no-such-file', mode: 'octet', options: {}, others: [] }), port, host);
      await sleep(50);
    }
  } finally {
    socket.close();
  }
}
