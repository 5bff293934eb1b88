// The phone's root machine: power-on -> link -> DHCP (again in the voice VLAN when told) -> firmware check
// and upgrade -> in service. Each step shows what docs/design.md's boot display sequence says, in order,
// on the display's boot layer. In service, in-service.ts runs five actors side by side, each the one
// owner of its thing: the service (registration, heartbeat, fail-over; it owns the signalling link),
// the hot desk session, the keys and lamps, the calls, and the ACD agent. The display lives as long as
// the phone is on; keys go to it straight from the board (Phone.press), and the DHCP client's datagrams
// and status lines go straight to it and from it (firmware/phone.ts, reportDhcp), not through this machine.
//
//   waitingForLink --link.up--> network.acquiring --dhcp.bound--> bound --sw_tftp--> firmware.checking
//        ^                          |  vlan in the ack: releasing --> voiceVlan (1 s) --> network (tagged)
//        +------ link.down ---------+  fw.same --> upToDate (1 s) --> inService     fw.upgrading --> upgrading
//                                      fw.failed --> downloadFailed (5 s) --> inService on the running image,
//                                                    and a new check after a back-off (30 s doubling to 1 h)
//                                                    once nobody is logged in: no reboot or flash-erase loop
//                                      fw.flashed --> rebooting (final)      inService --firmware.reboot--> restarting
//
// Context is plain data. What touches hardware is a named action or an actor the board binds
// (firmware/board.ts): the stack's address and VLAN, the image confirmation, the link, the download.
import { assign, enqueueActions, fromCallback, sendTo, setup, type ContextFrom, type EventFromLogic } from 'xstate';
import { dhcpClientMachine, type DhcpClientEmitted, type DhcpLease } from './boot/dhcp-client.ts';
import type { FirmwareDownloadEvent, FirmwareDownloadInput } from './boot/firmware-download.ts';
import type { FirmwareVersion } from './boot/image-version.ts';
import { formatVersion } from './boot/image-version.ts';
import type { TftpClientOptions } from './boot/tftp-client.ts';
import { unboundDisplay, type DisplayEvent } from './display/display.ts';
import { progressBar } from './display/screen.ts';
import type { SetAccessCodes } from './acd/agent-codes.ts';
import { inServiceMachine } from './in-service.ts';
import type { Profile } from './profile.ts';
import { SYSTEM } from './service/events.ts';
import type { ServiceParentEvent } from './service/machine.ts';

export interface PhoneInput {
  profile: Profile;
  mac: string;
  /** The version of the image the bootloader started. */
  running: FirmwareVersion;
  /** The TFTP file name of this model's firmware. */
  firmwareFile: string;
  /** The set's own DN, named in register: the controller pushes that set's own programming. */
  dn?: string;
  /** The key modules attached, in order (pkm1, pkm2, ...): how many keys each has. */
  pkmKeys?: readonly number[];
  /** Seeds the DHCP client's own random stream (start delay, xids, jitter). */
  dhcpSeed: number;
  dhcpStartDelayMs?: { min: number; max: number };
  /** The first DHCP client of a boot waits exactly this long (drawn by the device from its own stream). */
  dhcpFirstDelayMs?: number;
  tftpOptions?: TftpClientOptions;
  tftpPorts?: readonly number[];
  accessCodes?: Partial<SetAccessCodes>;
}

export type PhoneEvent =
  | { type: 'link.up' }
  | { type: 'link.down' }
  | ServiceParentEvent
  | DhcpClientEmitted
  | FirmwareDownloadEvent;

interface PhoneContext extends Omit<PhoneInput, 'pkmKeys'> {
  pkmKeys: number[];
  lease?: DhcpLease;
  /** The voice VLAN the phone moved to (tags every frame from then on). */
  vlan?: { id: number; pcp: number };
  downloading?: { version: string; total: number };
  /** Why the last boot attempt failed, for the trace and the display. */
  failure?: string;
  /** Firmware checks failed in a row (the back-off before the next one grows with it). */
  fwFailures: number;
  /** A hot desk user is logged in: a firmware retry waits, as it would take the set from them. */
  userPresent: boolean;
}

/** How long a boot message stays up where the phone pauses on it (the real sets do, for people to read). */
const PAUSE_MS = 1000;
/** `Download failed` and why stay up this long before the phone goes on in service on its own image. */
const RESTART_MS = 5000;
/** After a failed check or download, the next try waits this long, doubling up to FIRMWARE_RETRY_MAX_MS. */
export const FIRMWARE_RETRY_FIRST_MS = 30_000;
export const FIRMWARE_RETRY_MAX_MS = 3_600_000;

/** The wait before the next firmware check after `failures` failed ones in a row. */
export function firmwareRetryMs(failures: number): number {
  return Math.min(FIRMWARE_RETRY_MAX_MS, FIRMWARE_RETRY_FIRST_MS * 2 ** Math.max(0, failures - 1));
}

/** What the second row of `Download failed` says: the kind of failure, in the display's few columns. */
function failureRow(reason: string | undefined): string {
  const r = (reason ?? '').toLowerCase();
  if (/signature|verify|refused|hash|tamper|key/.test(r)) return 'Image refused';
  if (/timeout|timed out|no answer|unreachable/.test(r)) return 'No answer';
  if (/not a firmware image|family|header/.test(r)) return 'Not an image';
  return 'Try again later';
}

type DhcpEvent = EventFromLogic<typeof dhcpClientMachine>;

const bootRows = (rows: string[]): DisplayEvent => ({ type: 'display.show', layer: 'boot', rows });

/**
 * The DHCP client's `report`, as the phone binds it: a status line goes straight onto the display's boot
 * layer (this machine would only pass it on), what happens to the lease comes to this machine.
 */
// (the type arguments are the DHCP client's own, so the client's setup takes this as its `report`)
export const reportDhcp = enqueueActions<ContextFrom<typeof dhcpClientMachine>, DhcpEvent, DhcpClientEmitted, DhcpEvent, never, never, never, never, DhcpClientEmitted>(({ enqueue, system }, e) => {
  if (e.type === 'dhcp.status') enqueue.sendTo(system.get(SYSTEM.display), bootRows([e.text]));
  else enqueue.sendParent(e);
});

export const phoneMachine = setup({
  types: {
    context: {} as PhoneContext,
    input: {} as PhoneInput,
    events: {} as PhoneEvent,
  },
  actors: {
    display: unboundDisplay,
    // the DHCP client reports to this machine (its status lines to the boot layer); the board binds its
    // `transmit` to the stack, and the stack hands it its datagrams (firmware/phone.ts)
    dhcpClient: dhcpClientMachine.provide({ actions: { report: reportDhcp } }),
    // the board binds the stack and the bootloader (firmwareDownloadLogic); this default never answers
    firmwareDownload: fromCallback<{ type: 'fw.cancel' }, FirmwareDownloadInput>(() => {}),
    inService: inServiceMachine,
  },
  delays: { pause: PAUSE_MS, restart: RESTART_MS, fwRetry: ({ context }) => firmwareRetryMs(context.fwFailures) },
  guards: {
    needsVoiceVlan: ({ context, event }) => {
      if (event.type !== 'dhcp.bound') return false;
      const cfg = event.lease.mitel.config;
      return cfg.vlan !== undefined && context.vlan?.id !== cfg.vlan;
    },
    hasTftpServer: ({ context }) => context.lease?.mitel.config.sw_tftp !== undefined,
    retryPending: ({ context }) => context.fwFailures > 0 && context.lease?.mitel.config.sw_tftp !== undefined,
    setFree: ({ context }) => !context.userPresent,
    userLeft: ({ event }) => event.type === 'user' && !event.present,
  },
  actions: {
    /** The stack's address (0.0.0.0: none). The board binds it. */
    setAddress: (_, _params: { ip: string }) => {},
    /** Tags every frame from now on. The board binds it. */
    setVlan: (_, _params: { id: number; pcp: number }) => {},
    /** The first registration is the new image's proof of life (MCUboot's confirm). The board binds it. */
    confirmImage: () => {},
    trace: (_, _params: { kind: 'info' | 'error'; message: string }) => {},
    show: sendTo(({ system }) => system.get(SYSTEM.display), (_, rows: string[]) => bootRows(rows)),
    /** The in-service owners are gone: their layers go with them, and the boot layer shows again. */
    clearLayer: sendTo(({ system }) => system.get(SYSTEM.display), (_, p: { layer: 'notice' | 'call' | 'session' | 'acd' }): DisplayEvent => ({ type: 'display.clear', layer: p.layer })),
    release: sendTo('dhcp', { type: 'release' }),
    useLease: assign(({ event }) => (event.type === 'dhcp.bound' || event.type === 'dhcp.renewed' ? { lease: event.lease } : {})),
    forgetLease: assign({ lease: undefined }),
    enterVoiceVlan: assign(({ context }) => {
      const cfg = context.lease?.mitel.config;
      return { vlan: { id: cfg?.vlan ?? 0, pcp: cfg?.l2p ?? 0 }, lease: undefined };
    }),
  },
}).createMachine({
  id: 'phone',
  context: ({ input }) => ({ ...input, pkmKeys: [...(input.pkmKeys ?? [])], fwFailures: 0, userPresent: false }),
  invoke: { id: 'display', systemId: SYSTEM.display, src: 'display' },
  initial: 'waitingForLink',
  on: {
    'link.down': { target: '.waitingForLink', actions: ['forgetLease', { type: 'setAddress', params: { ip: '0.0.0.0' } }] },
  },
  states: {
    waitingForLink: {
      entry: { type: 'show', params: ['Waiting for LAN link'] },
      on: { 'link.up': 'network' },
    },
    network: {
      // The DHCP client lives as long as the phone is on the network: it renews the lease in service.
      invoke: {
        id: 'dhcp',
        src: 'dhcpClient',
        input: ({ context }) => ({
          mac: context.mac,
          seed: context.dhcpSeed,
          startDelayMs: context.dhcpFirstDelayMs !== undefined ? { min: context.dhcpFirstDelayMs, max: context.dhcpFirstDelayMs } : context.dhcpStartDelayMs,
        }),
      },
      // later clients of this boot (the voice VLAN's, a link that came back) draw their own wait
      exit: assign({ dhcpFirstDelayMs: undefined }),
      on: {
        'dhcp.expired': { target: '.acquiring', actions: ['forgetLease', { type: 'setAddress', params: { ip: '0.0.0.0' } }] },
        'dhcp.renewed': { actions: ['useLease', { type: 'setAddress', params: ({ event }) => ({ ip: event.lease.ip }) }] },
      },
      initial: 'acquiring',
      states: {
        acquiring: {
          on: {
            'dhcp.bound': [
              { guard: 'needsVoiceVlan', target: 'releasing', actions: ['useLease', { type: 'setAddress', params: ({ event }) => ({ ip: event.lease.ip }) }] },
              { target: 'bound', actions: ['useLease', { type: 'setAddress', params: ({ event }) => ({ ip: event.lease.ip }) }] },
            ],
          },
        },
        releasing: {
          entry: [{ type: 'show', params: ['DHCP: Releasing'] }, 'release'],
          on: { 'dhcp.released': '#phone.voiceVlan' },
        },
        bound: {
          always: [{ guard: 'hasTftpServer', target: 'firmware' }, { target: 'inService' }],
        },
        firmware: {
          entry: { type: 'show', params: ({ context }) => [`${context.lease?.mitel.config.sw_tftp?.ip} Downloading`] },
          invoke: {
            src: 'firmwareDownload',
            input: ({ context }) => ({
              serverIp: context.lease?.mitel.config.sw_tftp?.ip ?? '0.0.0.0',
              file: context.firmwareFile,
              running: context.running,
              options: context.tftpOptions,
              ports: context.tftpPorts,
            }),
          },
          initial: 'checking',
          states: {
            checking: {
              on: {
                'fw.same': { target: '#phone.network.upToDate', actions: assign({ fwFailures: 0 }) },
                'fw.upgrading': {
                  target: 'upgrading',
                  actions: assign({ downloading: ({ event }) => ({ version: event.version, total: event.total }) }),
                },
              },
            },
            upgrading: {
              entry: { type: 'show', params: ['Upgrading Flash', 'DO NOT POWER DOWN'] },
              on: {
                'fw.progress': {
                  actions: {
                    type: 'show',
                    params: ({ context, event }) => ['Upgrading Flash', 'DO NOT POWER DOWN', progressBar(event.received, event.total ?? context.downloading?.total)],
                  },
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
          entry: { type: 'show', params: ['Upgrade not required'] },
          after: { pause: 'inService' },
        },
        downloadFailed: {
          entry: [
            assign({ fwFailures: ({ context }) => context.fwFailures + 1 }),
            { type: 'show', params: ({ context }) => ['Download failed', failureRow(context.failure)] },
            {
              type: 'trace',
              params: ({ context }) => ({ kind: 'error', message: `firmware download failed: ${context.failure}; next try in ${firmwareRetryMs(context.fwFailures) / 1000} s, in service meanwhile` }),
            },
          ],
          // the running image is good (the bootloader started it): serve on it, try again later
          after: { restart: 'inService' },
        },
        inService: {
          invoke: {
            id: 'inService',
            src: 'inService',
            input: ({ context }) => {
              const lease = context.lease;
              const servers = lease?.mitel.config.call_srv ?? [{ ip: lease?.serverId ?? '0.0.0.0' }];
              return {
                service: {
                  callServers: servers.map((e) => (e.port ? `${e.ip}:${e.port}` : e.ip)),
                  phoneIp: lease?.ip ?? '0.0.0.0',
                  mac: context.mac,
                  model: context.profile.id,
                  firmwareVersion: formatVersion(context.running),
                  dn: context.dn,
                },
                keys: { programmableKeys: context.profile.programmableKeys, pkmKeys: context.pkmKeys },
                session: { loginMethod: context.profile.loginMethod, mac: context.mac, accessCodes: context.accessCodes, setDn: context.dn ?? '' },
                calls: { handset: context.profile.kind === 'handset', setDn: context.dn ?? '', displayRows: context.profile.display.rows },
              };
            },
          },
          // fresh in-service actors start with nobody logged in
          entry: assign({ userPresent: false }),
          exit: [
            { type: 'clearLayer', params: { layer: 'notice' } },
            { type: 'clearLayer', params: { layer: 'call' } },
            { type: 'clearLayer', params: { layer: 'session' } },
            { type: 'clearLayer', params: { layer: 'acd' } },
          ],
          // a failed firmware check is tried again after its back-off, once the set is free
          initial: 'route',
          states: {
            route: { always: [{ guard: 'retryPending', target: 'retryWaiting' }, { target: 'current' }] },
            current: {},
            retryWaiting: {
              after: { fwRetry: [{ guard: 'setFree', target: '#phone.network.firmware' }, { target: 'retryDeferred' }] },
            },
            retryDeferred: {
              on: { user: { guard: 'userLeft', target: '#phone.network.firmware', actions: assign({ userPresent: false }) } },
            },
          },
          on: {
            user: { actions: assign({ userPresent: ({ event }) => event.present }) },
            registered: { actions: 'confirmImage' },
            'firmware.reboot': {
              target: '#phone.restarting',
              actions: { type: 'trace', params: ({ event }) => ({ kind: 'info', message: `reboot: ${event.reason}` }) },
            },
          },
        },
      },
    },
    voiceVlan: {
      entry: [
        'enterVoiceVlan',
        { type: 'setAddress', params: { ip: '0.0.0.0' } },
        { type: 'setVlan', params: ({ context }) => ({ id: context.vlan?.id ?? 0, pcp: context.vlan?.pcp ?? 0 }) },
        { type: 'show', params: ({ context }) => [`Vlan ${context.vlan?.id} Priority ${context.vlan?.pcp}`] },
      ],
      after: { pause: 'network' },
    },
    // Final states the device acts on: a restart runs the bootloader again (a new image, or the same one).
    rebooting: { type: 'final', entry: { type: 'show', params: ['Rebooting'] } },
    restarting: { type: 'final' },
  },
});

export type PhoneMachine = typeof phoneMachine;
