// The board: where the machines' named effects meet the hardware. The machines in firmware/ keep plain
// data and name what they want done (paint the screen, set a lamp, send a datagram, confirm the image);
// this file binds those names to the HAL objects of one boot, and nothing else does. Like a board
// support package, it is the only code that holds both a machine and a device.
//
// The machine is built once per process (`boardMachine`), not once per boot: each effect finds its
// boot's hardware through the actor system the whole tree shares (system-binding.ts), which the phone
// binds with `bindBoard(actor.system, hw)` between createActor and start.
import type { InspectionEvent } from 'xstate';
import { SystemBinding, type AnySystem } from './system-binding.ts';
import type { Bootloader } from './boot/bootloader.ts';
import type { TrustedKey } from './boot/image-keys.ts';
import { DHCP_CLIENT_PORT, DHCP_SERVER_PORT } from './boot/dhcp-message.ts';
import { dhcpClientMachine } from './boot/dhcp-client.ts';
import { firmwareDownloadLogic } from './boot/firmware-download.ts';
import { displayLogic } from './display/display.ts';
import type { Screen } from './display/screen.ts';
import type { Clock, Panel, Random, Tracer } from './hal.ts';
import { sessionMachine } from './hotdesk/session.ts';
import type { PublishedView } from './hotdesk/view.ts';
import { keysMachine } from './keys/machine.ts';
import { callsMachine } from './calls/calls.ts';
import { acdMachine } from './acd/acd.ts';
import type { LampBank } from './keys/lamps.ts';
import type { NetStack } from './link/stack.ts';
import { inServiceMachine } from './in-service.ts';
import { phoneMachine, reportDhcp } from './phone-machine.ts';
import { signallingLinkLogic } from './service/link.ts';
import { serviceMachine } from './service/machine.ts';
import { SIGNALLING_PORT } from './signalling/messages.ts';

export interface BoardHardware {
  stack: NetStack;
  screen: Screen;
  panel: Panel;
  lamps: LampBank;
  bootloader: Bootloader;
  clock: Clock;
  random: Random;
  tracer: Tracer;
  /** Where the owners publish what the scenario runner and the panel read. */
  published: PublishedView;
  /** The cluster keys the phone trusts for its signalling sessions (provisioned, like the image key). */
  clusterKeys: readonly TrustedKey[];
  /** HOTDESK_KEYLOG: the signalling session keys, for a capture reader. */
  keyLog?: (line: string) => void;
  /** Entropy for the signalling session keys (the OS's, bound by the world). */
  entropy?: (n: number) => Uint8Array;
  /** Where the phone's inspection events go: the download client, a root actor of its own, reports there too. */
  inspect?: (event: InspectionEvent) => void;
}

const boards = new SystemBinding<BoardHardware>('board hardware');
const hwOf = (system: AnySystem): BoardHardware => boards.of(system);

/** Binds one boot's hardware to its actor tree: call it after createActor(boardMachine), before start. */
export function bindBoard(system: AnySystem, hw: BoardHardware): void {
  boards.bind(system, hw);
}

const info =
  (who: string) =>
  ({ system }: { system: AnySystem }, p: { message: string }) =>
    hwOf(system).tracer.record({ kind: 'info', message: `${who}: ${p.message}` });

/** The phone's root machine with every named effect bound to the board (built once; see bindBoard). */
export const boardMachine = phoneMachine.provide({
  actions: {
    setAddress: ({ system }, p) => {
      hwOf(system).stack.ip = p.ip;
    },
    setVlan: ({ system }, p) => {
      hwOf(system).stack.vlan = { id: p.id, pcp: p.pcp };
    },
    confirmImage: ({ system }) => {
      const { bootloader } = hwOf(system);
      if (bootloader.running?.mode === 'test') bootloader.confirm();
    },
    trace: ({ system }, p) => hwOf(system).tracer.record({ kind: p.kind, message: p.message }),
  },
  actors: {
    display: displayLogic((system) => {
      const hw = hwOf(system);
      return {
        paint: (shown) => {
          hw.screen.show(...shown.rows);
          hw.published.setSoftkeys(shown.softkeys);
          hw.panel.softkeys?.(shown.softkeys);
          hw.panel.masked?.(shown.masked);
        },
        traceKey: (key) => hw.tracer.record({ kind: 'key', key }),
      };
    }),
    dhcpClient: dhcpClientMachine.provide({
      actions: {
        report: reportDhcp,
        transmit: ({ system }, d) =>
          hwOf(system).stack.sendUdp({ dstIp: d.to.broadcast ? '255.255.255.255' : d.to.ip, dstPort: DHCP_SERVER_PORT, srcPort: DHCP_CLIENT_PORT, payload: d.bytes }),
      },
    }),
    firmwareDownload: firmwareDownloadLogic((system) => hwOf(system)),
    inService: inServiceMachine.provide({
      actors: {
        service: serviceMachine.provide({
          actions: { trace: info('service'), publish: ({ system }, v) => hwOf(system).published.setService(v) },
          actors: {
            signalling: signallingLinkLogic((system) => {
              const hw = hwOf(system);
              return {
                send: (dstIp, dstPort, bytes) => hw.stack.sendUdp({ dstIp, dstPort, srcPort: SIGNALLING_PORT, payload: bytes }),
                listen: (receive) => hw.stack.bind(SIGNALLING_PORT, (d) => receive(d.srcIp, d.srcPort, d.payload)),
                clock: hw.clock,
                random: hw.random,
                tracer: hw.tracer,
                mac: hw.stack.mac,
                clusterKeys: hw.clusterKeys,
                keyLog: hw.keyLog,
                entropy: hw.entropy,
              };
            }),
          },
        }),
        session: sessionMachine.provide({ actions: { trace: info('hotdesk'), publish: ({ system }, v) => hwOf(system).published.setUser(v.user) } }),
        keys: keysMachine.provide({
          actions: {
            setLamp: ({ system }, p) => void hwOf(system).lamps.set(p.key, p.cadence),
            publish: ({ system }, v) => {
              const hw = hwOf(system);
              hw.published.setKeys(v);
              hw.panel.keyLabels?.(v.keys.map((k) => ({ key: k.id, label: k.label })));
            },
            trace: info('keys'),
          },
        }),
        calls: callsMachine.provide({
          actions: {
            publish: ({ system }, v) => hwOf(system).published.setCalls(v.calls),
            traceCall: ({ system }, c) => hwOf(system).tracer.record({ kind: 'call', ...c }),
            trace: info('calls'),
          },
        }),
        acd: acdMachine.provide({ actions: { publish: ({ system }, v) => hwOf(system).published.setAgent(v.agent), trace: info('acd') } }),
      },
    }),
  },
});
