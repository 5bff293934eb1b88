// The firmware check and download, as an actor the phone machine invokes: TFTP from the option string's
// sw_tftp, the version check on the first block only, and a download streamed through the bootloader into
// the inactive slot. The rule is "differs", not "newer" (DESIGN.md). Nothing is marked bootable until the
// bootloader has verified hash and signature of what is in flash.
import { fromCallback } from 'xstate';
import type { Clock, Random } from '../hal.ts';
import type { NetStack } from '../link/stack.ts';
import type { Bootloader } from './bootloader.ts';
import { parseImageHeader } from './image.ts';
import { formatVersion, sameVersion, type FirmwareVersion } from './image-version.ts';
import { TftpClient, type TftpClientOptions } from './tftp-client.ts';

export interface FirmwareDownloadInput {
  stack: NetStack;
  clock: Clock;
  random: Random;
  bootloader: Bootloader;
  serverIp: string;
  file: string;
  running: FirmwareVersion;
  /** What the phone asks for: blksize 1428 and windowsize 4 by default (the download benchmark's best). */
  options?: TftpClientOptions;
  ports?: readonly number[];
}

export type FirmwareDownloadEvent =
  | { type: 'fw.same'; version: string }
  | { type: 'fw.upgrading'; version: string; total: number }
  | { type: 'fw.progress'; received: number; total?: number }
  | { type: 'fw.flashed'; version: string }
  | { type: 'fw.failed'; reason: string };

export const DEFAULT_DOWNLOAD_OPTIONS: TftpClientOptions = { blksize: 1428, windowsize: 4, tsize: true, timeout: 3 };

export const firmwareDownload = fromCallback<{ type: 'fw.cancel' }, FirmwareDownloadInput>(({ input, sendBack }) => {
  const { stack, bootloader } = input;
  let finished = false;
  const fail = (reason: string) => {
    if (finished) return;
    finished = true;
    bootloader.abandonUpgrade();
    sendBack({ type: 'fw.failed', reason } satisfies FirmwareDownloadEvent);
  };

  const client: TftpClient = new TftpClient({
    clock: input.clock,
    random: input.random,
    serverIp: input.serverIp,
    file: input.file,
    ports: input.ports,
    options: input.options ?? DEFAULT_DOWNLOAD_OPTIONS,
    send: (dstPort, bytes) => stack.sendUdp({ dstIp: input.serverIp, dstPort, srcPort: client.localPort, payload: bytes }),
    onFirstBlock: (bytes) => {
      const parsed = parseImageHeader(bytes);
      if (!parsed.ok) {
        fail(`not a firmware image: ${parsed.message}`);
        return 'abort';
      }
      const version = formatVersion(parsed.header.version);
      if (sameVersion(parsed.header.version, input.running)) {
        finished = true;
        sendBack({ type: 'fw.same', version } satisfies FirmwareDownloadEvent);
        return 'abort';
      }
      const begun = bootloader.beginUpgrade(parsed.header);
      if (!begun.ok) {
        fail(`image refused: ${begun.message}`);
        return 'abort';
      }
      sendBack({ type: 'fw.upgrading', version, total: parsed.header.headerLength + parsed.header.payloadLength } satisfies FirmwareDownloadEvent);
      return 'continue';
    },
    onData: (offset, bytes) => {
      if (finished) return;
      const wrote = bootloader.writeChunk(offset, bytes);
      if (!wrote.ok) {
        fail(`flash write refused: ${wrote.message}`);
        client.abort('flash write failed');
      }
    },
    onProgress: (received, total) => sendBack({ type: 'fw.progress', received, total } satisfies FirmwareDownloadEvent),
    onDone: () => {
      if (finished) return;
      const verdict = bootloader.finishUpgrade();
      if (!verdict.ok) return fail(`image refused: ${verdict.message}`);
      finished = true;
      sendBack({ type: 'fw.flashed', version: formatVersion(verdict.header!.version) } satisfies FirmwareDownloadEvent);
    },
    onError: (failure) => fail(`TFTP ${failure.kind}: ${failure.message}`),
  });

  const unbind = stack.bind(client.localPort, (d) => client.receive(d.srcPort, d.payload));
  client.start();
  return () => {
    if (!finished && client.state !== 'done') client.abort('cancelled');
    unbind();
  };
});
