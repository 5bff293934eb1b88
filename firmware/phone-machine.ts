// The phone's root machine: power-on -> link -> DHCP (again in the voice VLAN when told) -> firmware check
// and upgrade -> in service. Each step shows what DESIGN.md's boot display sequence says, in order.
// Dependencies (stack, screen, bootloader, ...) come in through `input`; the machine itself is data that
// xstate/graph can walk.
import { assign, enqueueActions, sendTo, setup } from 'xstate';
import { dhcpClientMachine, type DhcpClientEmitted, type DhcpLease } from './boot/dhcp-client.ts';
import { firmwareDownload, type FirmwareDownloadEvent } from './boot/firmware-download.ts';
import type { Bootloader } from './boot/bootloader.ts';
import { formatVersion, type FirmwareVersion } from './boot/image-version.ts';
import type { TftpClientOptions } from './boot/tftp-client.ts';
import { parseMac } from './link/addr.ts';
import type { NetStack } from './link/stack.ts';
import type { Clock, Random, Tracer } from './hal.ts';
import { progressBar, type Screen } from './display/screen.ts';
import { hotdeskMachine } from './hotdesk/machine.ts';
import { SIGNALLING_PORT, type Message } from './signalling/messages.ts';
import type { AttachedModule } from './hotdesk/key-layout-apply.ts';
import type { LampBank } from './keys/lamps.ts';
import type { Profile } from './profile.ts';
import { DHCP_SERVER_PORT, DHCP_CLIENT_PORT } from './boot/dhcp-message.ts';

export interface PhoneDeps {
  stack: NetStack;
  screen: Screen;
  clock: Clock;
  random: Random;
  tracer: Tracer;
  bootloader: Bootloader;
  /** The version of the image the bootloader started. */
  running: FirmwareVersion;
  /** The TFTP file name of this model's firmware. */
  firmwareFile: string;
  profile: Profile;
  lamps: LampBank;
  /** The controller's call messages (the ringer); undefined: not handled here. */
  onCall?: (msg: Message) => Message | undefined;
  dhcpStartDelayMs?: { min: number; max: number };
  tftpOptions?: TftpClientOptions;
  tftpPorts?: readonly number[];
  /** The set's own DN, named in register: the controller pushes that set's own programming. */
  dn?: string;
  /** The key modules attached, in order (pkm1, pkm2, ...). */
  pkms?: readonly AttachedModule[];
}

export type PhoneEvent =
  | { type: 'link.up' }
  | { type: 'link.down' }
  | { type: 'dhcp.rx'; msg: Uint8Array }
  | { type: 'key'; key: string }
  | { type: 'firmware.reboot'; reason: string }
  | { type: 'registered' }
  | DhcpClientEmitted
  | FirmwareDownloadEvent;

interface Context {
  deps: PhoneDeps;
  lease?: DhcpLease;
  /** The voice VLAN the phone moved to (tags every frame from then on). */
  vlan?: { id: number; pcp: number };
  downloading?: { version: string; total: number };
  /** Why the last boot attempt failed, for the trace and the display. */
  failure?: string;
}


/** How long a boot message stays up where the phone pauses on it (the real sets do, for people to read). */
const PAUSE_MS = 1000;
/** After `Download failed`, the phone restarts its boot this much later. */
const RESTART_MS = 5000;

export const phoneMachine = setup({
  types: {
    context: {} as Context,
    input: {} as PhoneDeps,
    events: {} as PhoneEvent,
  },
  actors: { dhcpClient: dhcpClientMachine, firmwareDownload, hotdesk: hotdeskMachine },
  delays: { pause: PAUSE_MS, restart: RESTART_MS },
  guards: {
    needsVoiceVlan: ({ context, event }) => {
      if (event.type !== 'dhcp.bound') return false;
      const cfg = event.lease.mitel.config;
      return cfg.vlan !== undefined && context.vlan?.id !== cfg.vlan;
    },
    hasTftpServer: ({ context }) => context.lease?.mitel.config.sw_tftp !== undefined,
  },
  actions: {
    useLease: assign(({ context, event }) => {
      if (event.type !== 'dhcp.bound' && event.type !== 'dhcp.renewed') return {};
      context.deps.stack.ip = event.lease.ip;
      return { lease: event.lease };
    }),
    dropAddress: assign(({ context }) => {
      context.deps.stack.ip = '0.0.0.0';
      return { lease: undefined };
    }),
    enterVoiceVlan: assign(({ context }) => {
      const cfg = context.lease!.mitel.config;
      const vlan = { id: cfg.vlan!, pcp: cfg.l2p ?? 0 };
      context.deps.stack.ip = '0.0.0.0';
      context.deps.stack.vlan = vlan;
      return { vlan, lease: undefined };
    }),
    confirmImage: ({ context }) => {
      // The first registration with a call server is the new image's proof of life (MCUboot's confirm).
      if (context.deps.bootloader.running?.mode === 'test') context.deps.bootloader.confirm();
    },
  },
}).createMachine({
  id: 'phone',
  context: ({ input }) => ({ deps: input }),
  initial: 'waitingForLink',
  on: {
    'link.down': { target: '.waitingForLink', actions: 'dropAddress' },
  },
  states: {
    waitingForLink: {
      entry: ({ context }) => context.deps.screen.show('Waiting for LAN link'),
      on: { 'link.up': 'network' },
    },
    network: {
      // The DHCP client lives as long as the phone is on the network: it renews the lease in service.
      invoke: {
        id: 'dhcp',
        src: 'dhcpClient',
        input: ({ context, self }) => ({
          mac: parseMac(context.deps.stack.mac)!,
          random: context.deps.random,
          clock: context.deps.clock,
          startDelayMs: context.deps.dhcpStartDelayMs,
          send: (msg, to) =>
            context.deps.stack.sendUdp({
              dstIp: to.broadcast ? '255.255.255.255' : to.ip,
              dstPort: DHCP_SERVER_PORT,
              srcPort: DHCP_CLIENT_PORT,
              payload: msg,
            }),
          onEvent: (e) => self.send(e),
        }),
      },
      on: {
        'dhcp.rx': { actions: sendTo('dhcp', ({ event }) => event) },
        'dhcp.status': { actions: ({ context, event }) => context.deps.screen.show(event.text) },
        'dhcp.expired': { target: '.acquiring', actions: 'dropAddress' },
        'dhcp.renewed': { actions: 'useLease' },
      },
      initial: 'acquiring',
      states: {
        acquiring: {
          on: {
            'dhcp.bound': [
              { guard: 'needsVoiceVlan', target: 'releasing', actions: 'useLease' },
              { target: 'bound', actions: 'useLease' },
            ],
          },
        },
        releasing: {
          entry: [({ context }) => context.deps.screen.show('DHCP: Releasing'), sendTo('dhcp', { type: 'release' })],
          on: { 'dhcp.released': '#phone.voiceVlan' },
        },
        bound: {
          always: [{ guard: 'hasTftpServer', target: 'firmware' }, { target: 'inService' }],
        },
        firmware: {
          entry: ({ context }) => context.deps.screen.show(`${context.lease!.mitel.config.sw_tftp!.ip} Downloading`),
          invoke: {
            src: 'firmwareDownload',
            input: ({ context }) => ({
              stack: context.deps.stack,
              clock: context.deps.clock,
              random: context.deps.random,
              bootloader: context.deps.bootloader,
              serverIp: context.lease!.mitel.config.sw_tftp!.ip,
              file: context.deps.firmwareFile,
              running: context.deps.running,
              options: context.deps.tftpOptions,
              ports: context.deps.tftpPorts,
            }),
          },
          initial: 'checking',
          states: {
            checking: {
              on: {
                'fw.same': '#phone.network.upToDate',
                'fw.upgrading': {
                  target: 'upgrading',
                  actions: assign({ downloading: ({ event }) => ({ version: event.version, total: event.total }) }),
                },
              },
            },
            upgrading: {
              entry: ({ context }) => context.deps.screen.show('Upgrading Flash', 'DO NOT POWER DOWN'),
              on: {
                'fw.progress': {
                  actions: ({ context, event }) =>
                    context.deps.screen.show('Upgrading Flash', 'DO NOT POWER DOWN', progressBar(event.received, event.total ?? context.downloading?.total)),
                },
                'fw.flashed': '#phone.rebooting',
              },
            },
          },
          on: {
            'fw.failed': { target: 'downloadFailed', actions: assign({ failure: ({ event }) => event.reason }) },
          },
        },
        upToDate: {
          entry: ({ context }) => context.deps.screen.show('Upgrade not required'),
          after: { pause: 'inService' },
        },
        downloadFailed: {
          entry: [
            ({ context }) => context.deps.screen.show('Download failed'),
            ({ context }) => context.deps.tracer.record({ kind: 'error', message: `firmware download failed: ${context.failure}` }),
          ],
          after: { restart: '#phone.restarting' },
        },
        inService: {
          invoke: {
            id: 'hotdesk',
            src: 'hotdesk',
            input: ({ context, self }) => {
              const { deps, lease } = context;
              const servers = lease!.mitel.config.call_srv ?? [{ ip: lease!.serverId }];
              return {
                send: (dstIp: string, dstPort: number, bytes: Uint8Array) =>
                  deps.stack.sendUdp({ dstIp, dstPort, srcPort: SIGNALLING_PORT, payload: bytes }),
                listen: (receive: (ip: string, port: number, bytes: Uint8Array) => void) =>
                  deps.stack.bind(SIGNALLING_PORT, (d) => receive(d.srcIp, d.srcPort, d.payload)),
                callServers: servers.map((e) => (e.port ? `${e.ip}:${e.port}` : e.ip)),
                phoneIp: lease!.ip,
                screen: deps.screen,
                clock: deps.clock,
                random: deps.random,
                tracer: deps.tracer,
                profile: deps.profile,
                mac: deps.stack.mac,
                firmwareVersion: formatVersion(deps.running),
                lamps: deps.lamps,
                dn: deps.dn,
                pkms: deps.pkms,
                onRegistered: () => self.send({ type: 'registered' }),
                onOtherRequest: (msg: Message) => deps.onCall?.(msg),
                onReboot: (reason: string) => self.send({ type: 'firmware.reboot', reason }),
              };
            },
          },
          on: {
            key: { actions: sendTo('hotdesk', ({ event }) => event) },
            registered: { actions: 'confirmImage' },
            'firmware.reboot': {
              target: '#phone.restarting',
              actions: ({ context, event }) => context.deps.tracer.record({ kind: 'info', message: `reboot: ${event.reason}` }),
            },
          },
        },
      },
    },
    voiceVlan: {
      entry: [
        'enterVoiceVlan',
        ({ context }) => context.deps.screen.show(`Vlan ${context.vlan!.id} Priority ${context.vlan!.pcp}`),
      ],
      after: { pause: 'network' },
    },
    // Final states the device acts on: a restart runs the bootloader again (a new image, or the same one).
    rebooting: { type: 'final', entry: ({ context }) => context.deps.screen.show('Rebooting') },
    restarting: { type: 'final' },
  },
});

export type PhoneMachine = typeof phoneMachine;
