// The firmware check and download, as an actor the phone machine invokes: TFTP from the option string's
// sw_tftp, the version check on the first block only, and a download streamed through the bootloader into
// the inactive slot. The rule is "differs", not "newer" (docs/design.md). Nothing is marked bootable until the
// bootloader has verified hash and signature of what is in flash.
//
//   firmwareDownloadLogic(system => hw)   the board's hardware, by the actor tree; the client's `report`:
//     tftp.firstBlock --header differs, slot begun--> tftp.accept   fw.upgrading
//                     --same version---------------> tftp.abort    fw.same
//                     --not an image / refused-----> tftp.abort    fw.failed
//     tftp.data -> bootloader.writeChunk (refused: tftp.abort, fw.failed)   tftp.progress -> fw.progress
//     tftp.done -> bootloader.finishUpgrade -> fw.flashed | fw.failed        tftp.failed -> fw.failed
//
// The input is plain data; the stack, the bootloader, the clock and the randomness come in through the
// factory, looked up by the actor system the download runs in. Inside runs the TFTP client machine (built
// once per process, `downloadClient`) on the board's clock, its `transmit` and `report` bound to this
// download through the client's own actor system, and the stack's datagrams for its port sent to it as
// 'tftp.rx'.
import { createActor, fromCallback, type InspectionEvent } from 'xstate';
import type { Clock, Random } from '../hal.ts';
import { SystemBinding, type AnySystem } from '../system-binding.ts';
import type { NetStack } from '../link/stack.ts';
import type { Bootloader } from './bootloader.ts';
import { parseImageHeader } from './image.ts';
import { formatVersion, sameVersion, type FirmwareVersion } from './image-version.ts';
import { tftpClientMachine, type TftpClientEmitted, type TftpClientOptions } from './tftp-client.ts';

/** What the download needs of the board: bound once, where the firmware meets the hardware. */
export interface FirmwareDownloadHardware {
  stack: NetStack;
  bootloader: Bootloader;
  clock: Clock;
  /** Seeds the TFTP client (its local port). */
  random: Random;
  /** The phone's inspector, if any: the client is a root actor of its own, so it is told explicitly. */
  inspect?: (event: InspectionEvent) => void;
}

/** Plain data only. */
export interface FirmwareDownloadInput {
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

/** What one running client's named effects do: this download's datagrams and its report handler. */
interface ClientWiring {
  transmit(p: { dstPort: number; srcPort: number; bytes: Uint8Array }): void;
  report(e: TftpClientEmitted): void;
}
const clients = new SystemBinding<ClientWiring>('TFTP client wiring');
const downloadClient = tftpClientMachine.provide({
  actions: {
    transmit: ({ system }, p) => clients.of(system).transmit(p),
    report: ({ system }, e) => clients.of(system).report(e),
  },
});

/** The download actor's logic: `actors: { firmwareDownload: firmwareDownloadLogic((system) => hw) }`. */
export function firmwareDownloadLogic(hardwareOf: (system: AnySystem) => FirmwareDownloadHardware) {
  return fromCallback<{ type: 'fw.cancel' }, FirmwareDownloadInput>(({ input, sendBack: send, system }) => {
    const hw = hardwareOf(system);
    const { stack, bootloader } = hw;
    const sendBack = (event: FirmwareDownloadEvent) => send(event);
    let finished = false;
    const fail = (reason: string) => {
      if (finished) return;
      finished = true;
      bootloader.abandonUpgrade();
      sendBack({ type: 'fw.failed', reason });
    };
    // The client is told first, the parent second: the parent may end this actor at once. The client is
    // told once: the cleanup's own abort, right behind the one that ended it, would be an event for nothing.
    let stopping = false;
    const stopClient = (message?: string) => {
      if (stopping) return;
      stopping = true;
      client.send({ type: 'tftp.abort', message });
    };

    /** What the client reports, handled against the bootloader. */
    const onReport = (e: TftpClientEmitted): void => {
      switch (e.type) {
        // The version check, on the image header in block 1: the client waits for the answer.
        case 'tftp.firstBlock': {
          const parsed = parseImageHeader(e.bytes);
          if (!parsed.ok) {
            stopClient();
            return fail(`not a firmware image: ${parsed.message}`);
          }
          const version = formatVersion(parsed.header.version);
          if (sameVersion(parsed.header.version, input.running)) {
            stopClient();
            finished = true;
            return sendBack({ type: 'fw.same', version });
          }
          const begun = bootloader.beginUpgrade(parsed.header);
          if (!begun.ok) {
            stopClient();
            return fail(`image refused: ${begun.message}`);
          }
          client.send({ type: 'tftp.accept' });
          return sendBack({ type: 'fw.upgrading', version, total: parsed.header.headerLength + parsed.header.payloadLength });
        }
        case 'tftp.data': {
          if (finished) return;
          const wrote = bootloader.writeChunk(e.offset, e.bytes);
          if (!wrote.ok) {
            stopClient('flash write failed');
            fail(`flash write refused: ${wrote.message}`);
          }
          return;
        }
        case 'tftp.progress':
          if (!finished) sendBack({ type: 'fw.progress', received: e.received, total: e.total });
          return;
        case 'tftp.done': {
          if (finished) return;
          const verdict = bootloader.finishUpgrade();
          if (!verdict.ok) return fail(`image refused: ${verdict.message}`);
          finished = true;
          return sendBack({ type: 'fw.flashed', version: formatVersion(verdict.header!.version) });
        }
        case 'tftp.failed':
          return fail(`TFTP ${e.failure.kind}: ${e.failure.message}`);
      }
    };

    const client = createActor(downloadClient, {
      clock: hw.clock,
      inspect: hw.inspect,
      input: {
        serverIp: input.serverIp,
        file: input.file,
        seed: hw.random.int(0, 0xffffffff),
        ports: input.ports,
        options: input.options ?? DEFAULT_DOWNLOAD_OPTIONS,
        confirmFirstBlock: true,
      },
    });
    clients.bind(client.system, {
      transmit: ({ dstPort, srcPort, bytes }) => stack.sendUdp({ dstIp: input.serverIp, dstPort, srcPort, payload: bytes }),
      report: onReport,
    });
    const running = () => client.getSnapshot().status === 'active';

    // A throw from the hardware (the flash losing power mid-write) is a device fault, not a failed
    // download: XState stops the client and hands the error to its observer, and it is thrown on out of
    // the datagram's delivery, to the stack and the phone's fault handler, as the hardware threw it.
    // (Outside a delivery - a retransmission timer - there is no caller to throw to: it fails the download.)
    let delivering = false;
    let fault: { error: unknown } | undefined;
    client.subscribe({
      error: (error) => {
        if (delivering) fault = { error };
        else fail(`fault: ${error instanceof Error ? error.message : String(error)}`);
      },
    });

    // the client's port is open while it runs: an ended client answers nothing
    const unbind = stack.bind(client.getSnapshot().context.localPort, (d) => {
      if (!running()) return;
      delivering = true;
      try {
        client.send({ type: 'tftp.rx', srcPort: d.srcPort, bytes: d.payload });
      } finally {
        delivering = false;
      }
      if (fault) {
        const { error } = fault;
        fault = undefined;
        throw error;
      }
    });
    client.start();
    // Ending the client by its own event rather than stop(): stop() would drop what is still queued for
    // it (the ERROR that tells the server). Mid-transfer it sends ERROR; dallying after the end it just ends.
    return () => {
      if (running()) stopClient('cancelled');
      unbind();
    };
  });
}
