// The board: where the machines' named effects meet the hardware. The machines in firmware/ keep plain
// data and name what they want done (paint the screen, set a lamp, send a datagram, confirm the image);
// this file binds those names to the HAL objects of one boot, and nothing else does. Like a board
// support package, it is the only code that holds both a machine and a device.
import { sendParent } from 'xstate';
import type { Bootloader } from './boot/bootloader.ts';
import type { TrustedKey } from './boot/image-keys.ts';
import { DHCP_CLIENT_PORT, DHCP_SERVER_PORT } from './boot/dhcp-message.ts';
import { dhcpClientMachine, type DhcpClientEmitted } from './boot/dhcp-client.ts';
import { firmwareDownloadLogic } from './boot/firmware-download.ts';
import { displayMachine } from './display/machine.ts';
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
import { phoneMachine } from './phone-machine.ts';
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
}

/** The phone's root machine with every named effect bound to this boot's hardware. */
export function boardPhone(hw: BoardHardware) {
  const info = (who: string) => (_: unknown, p: { message: string }) => hw.tracer.record({ kind: 'info', message: `${who}: ${p.message}` });
  return phoneMachine.provide({
    actions: {
      setAddress: (_, p) => {
        hw.stack.ip = p.ip;
      },
      setVlan: (_, p) => {
        hw.stack.vlan = { id: p.id, pcp: p.pcp };
      },
      confirmImage: () => {
        if (hw.bootloader.running?.mode === 'test') hw.bootloader.confirm();
      },
      trace: (_, p) => hw.tracer.record({ kind: p.kind, message: p.message }),
    },
    actors: {
      display: displayMachine.provide({
        actions: {
          paint: (_, shown) => {
            hw.screen.show(...shown.rows);
            hw.published.setSoftkeys(shown.softkeys);
            hw.panel.softkeys?.(shown.softkeys);
            hw.panel.masked?.(shown.masked);
          },
          traceKey: (_, p) => hw.tracer.record({ kind: 'key', key: p.key }),
        },
      }),
      dhcpClient: dhcpClientMachine.provide({
        actions: {
          report: sendParent((_, e: DhcpClientEmitted) => e),
          transmit: (_, d) =>
            hw.stack.sendUdp({ dstIp: d.to.broadcast ? '255.255.255.255' : d.to.ip, dstPort: DHCP_SERVER_PORT, srcPort: DHCP_CLIENT_PORT, payload: d.bytes }),
        },
      }),
      firmwareDownload: firmwareDownloadLogic({ stack: hw.stack, bootloader: hw.bootloader, clock: hw.clock, random: hw.random }),
      inService: inServiceMachine.provide({
        actors: {
          service: serviceMachine.provide({
            actions: { trace: info('service'), publish: (_, v) => hw.published.setService(v) },
            actors: {
              signalling: signallingLinkLogic({
                send: (dstIp, dstPort, bytes) => hw.stack.sendUdp({ dstIp, dstPort, srcPort: SIGNALLING_PORT, payload: bytes }),
                listen: (receive) => hw.stack.bind(SIGNALLING_PORT, (d) => receive(d.srcIp, d.srcPort, d.payload)),
                clock: hw.clock,
                random: hw.random,
                tracer: hw.tracer,
                mac: hw.stack.mac,
                clusterKeys: hw.clusterKeys,
                keyLog: hw.keyLog,
                entropy: hw.entropy,
              }),
            },
          }),
          session: sessionMachine.provide({ actions: { trace: info('hotdesk'), publish: (_, v) => hw.published.setUser(v.user) } }),
          keys: keysMachine.provide({
            actions: {
              setLamp: (_, p) => void hw.lamps.set(p.key, p.cadence),
              publish: (_, v) => {
                hw.published.setKeys(v);
                hw.panel.keyLabels?.(v.keys.map((k) => ({ key: k.id, label: k.label })));
              },
              trace: info('keys'),
            },
          }),
          calls: callsMachine.provide({
            actions: {
              publish: (_, v) => hw.published.setCalls(v.calls),
              traceCall: (_, c) => hw.tracer.record({ kind: 'call', ...c }),
              trace: info('calls'),
            },
          }),
          acd: acdMachine.provide({ actions: { publish: (_, v) => hw.published.setAgent(v.agent), trace: info('acd') } }),
        },
      }),
    },
  });
}
