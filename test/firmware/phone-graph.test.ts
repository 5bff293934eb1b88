// Model-based tests of the phone's root machine (link -> DHCP -> voice VLAN -> firmware check and upgrade
// -> in service) and of the in-service machine it invokes. xstate/graph walks the root machine (every
// state, and every transition for the reports that change no state) from
// sample events - the link going up and down, what the DHCP client reports (three kinds of lease: with
// sw_tftp, with a voice VLAN, with neither), what the firmware download reports, what the in-service
// actors report - and every timer as its `xstate.after` event. Its children are stand-ins: the
// DHCP client, the download and the in-service actors only report to it, and the paths deliver their
// reports. Each path is then replayed on a live phone with the board's effects bound and the real
// display painting: at every step the screen shows what docs/design.md's boot sequence says.
import { describe, expect, it } from 'vitest';
import { fromCallback, type AnyEventObject, type AnyMachineSnapshot } from 'xstate';
import type { DhcpLease } from '../../firmware/boot/dhcp-client.ts';
import { displayLogic, type Shown } from '../../firmware/display/display.ts';
import { progressBar } from '../../firmware/display/screen.ts';
import { inServiceMachine, type InServiceInput } from '../../firmware/in-service.ts';
import { firmwareRetryMs, phoneMachine, type PhoneInput } from '../../firmware/phone-machine.ts';
import { SYSTEM } from '../../firmware/service/events.ts';
import { loadProfile } from '../../sim/profiles.ts';
import { checkCoverage, checkPassedLive, live, named, replay, replayAll, timers, walk, type Sent } from '../support/graph-walk.ts';

const PROFILE = loadProfile('5340');
const INPUT: PhoneInput = {
  profile: PROFILE,
  mac: '00:08:5d:12:34:56',
  running: [1, 0, 0, 0],
  firmwareFile: '5340.bin',
  dn: '5340',
  pkmKeys: [36],
  dhcpSeed: 7,
  dhcpStartDelayMs: { min: 1000, max: 10_000 },
  dhcpFirstDelayMs: 2000,
};

const lease = (ip: string, config: DhcpLease['mitel']['config']): DhcpLease => ({
  ip,
  routers: [],
  dns: [],
  serverId: '10.0.0.1',
  leaseSeconds: 3600,
  t1Seconds: 1800,
  t2Seconds: 3150,
  mitel: { option: 125, carry: '125', text: '', config, warnings: [] },
});
const TFTP = lease('10.0.0.9', { sw_tftp: { ip: '10.0.0.5' }, call_srv: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2', port: 6900 }], unknown: [] });
const VLAN = lease('10.0.0.9', { vlan: 10, l2p: 5, sw_tftp: { ip: '10.0.0.5' }, unknown: [] });
const PLAIN = lease('10.0.10.9', { unknown: [] });
const LEASES = new Map<DhcpLease, string>([
  [TFTP, 'tftp'],
  [VLAN, 'vlan'],
  [PLAIN, 'plain'],
]);

const SAMPLES: AnyEventObject[] = [
  named('link up', { type: 'link.up' }),
  named('link down', { type: 'link.down' }),
  named('bound, sw_tftp', { type: 'dhcp.bound', lease: TFTP }),
  named('bound, voice VLAN 10', { type: 'dhcp.bound', lease: VLAN }),
  named('bound, no sw_tftp', { type: 'dhcp.bound', lease: PLAIN }),
  named('expired', { type: 'dhcp.expired', reason: 'lease expired' }),
  named('fw same', { type: 'fw.same', version: '1.0.0.0' }),
  named('fw upgrading', { type: 'fw.upgrading', version: '2.0.0.0', total: 4096 }),
  named('fw progress', { type: 'fw.progress', received: 2048 }),
  named('fw flashed', { type: 'fw.flashed', version: '2.0.0.0' }),
  named('fw failed', { type: 'fw.failed', reason: 'no answer on 20001 or 69' }),
  named('registered', { type: 'registered' }),
  named('reboot to upgrade', { type: 'firmware.reboot', reason: 'controller at 10.0.0.2 expects another firmware version' }),
  named('user logged in', { type: 'user', present: true }),
  named('user logged out', { type: 'user', present: false }),
];

// The walk's children are stand-ins that never run (the graph starts no actor); the real in-service
// machine would register its actors' system ids again each time network.inService is entered.
// (`as never`: a machine's child may be stood in for by any logic, which provide()'s types do not allow)
const idle = fromCallback(() => {}) as never;
const walked = phoneMachine.provide({ actors: { dhcpClient: idle, firmwareDownload: idle, inService: idle } });

/** The state value, the lease held (which kind), the voice VLAN, whether the first DHCP wait is still to come. */
const abstraction = (s: AnyMachineSnapshot) => {
  const c = s.context;
  return `${JSON.stringify(s.value)} lease=${c.lease ? LEASES.get(c.lease) : '-'} vlan=${c.vlan?.id ?? '-'} first=${c.dhcpFirstDelayMs !== undefined} downloading=${c.downloading?.version ?? '-'} fwFailures=${Math.min(c.fwFailures, 2)} user=${c.userPresent}`;
};

/** The client renews and releases the lease it holds. */
const leaseEvents = (s: AnyMachineSnapshot): AnyEventObject[] =>
  s.context.lease ? [named('renewed', { type: 'dhcp.renewed', lease: s.context.lease }), named('released', { type: 'dhcp.released', lease: s.context.lease })] : [];

// the reports that change no state are taken as transitions too where they are handled, so the replay
// sees what each one does
const SELF: Record<string, object | string> = { 'dhcp.renewed': 'network', 'fw.progress': { network: { firmware: 'upgrading' } }, registered: { network: 'inService' } };
const edge = (prev: AnyMachineSnapshot, e: AnyEventObject) => SELF[e.type] !== undefined && prev.matches(SELF[e.type] as never);
const w = walk(walked, { input: INPUT, events: (s) => [...SAMPLES, ...leaseEvents(s), ...timers(s)], abstraction, edge });

/** A child stand-in that records its input and what it is sent, under its name. */
const stand = (log: Sent[], name: string) =>
  fromCallback<AnyEventObject, unknown>(({ input, receive }) => {
    log.push({ to: name, event: { type: '@input', input } });
    receive((event) => void log.push({ to: name, event }));
  });

describe('phone machine, model-based', () => {
  const eventless = new Set<string>();

  it('reaches every state of the machine', () => {
    checkCoverage('phone', w);
  });

  it('passes through network.bound without stopping', () => {
    expect(w.reached.get('phone.network.bound')).toBe('passed');
  });

  replayAll(w, (path) => {
    const log: Sent[] = [];
    const painted: Shown[] = [];
    const effects: { type: string; params?: unknown }[] = [];
    const phone = phoneMachine.provide({
      actions: {
        setAddress: (_, p) => void effects.push({ type: 'setAddress', params: p.ip }),
        setVlan: (_, p) => void effects.push({ type: 'setVlan', params: p }),
        confirmImage: () => void effects.push({ type: 'confirmImage' }),
        trace: (_, p) => void effects.push({ type: 'trace', params: p }),
      },
      actors: {
        display: displayLogic(() => ({ paint: (shown) => void painted.push(shown), traceKey: () => {} })),
        dhcpClient: stand(log, 'dhcp') as never,
        firmwareDownload: stand(log, 'download') as never,
        inService: stand(log, 'inService') as never,
      },
    });
    const l = live(phone, { systemId: 'phone', input: INPUT, peers: [] });
    const of = (name: string) => log.filter((e) => e.to === name).map((e) => e.event);
    const rows = () => painted.at(-1)?.rows;

    replay(path, l, abstraction, (snap, step, i) => {
      const before = i > 0 ? path.steps[i - 1].state : undefined;
      const e = step.event;
      const c = snap.context;
      const entered = (value: object | string) => snap.matches(value as never) && !before?.matches(value as never);
      if (entered('waitingForLink')) expect(rows()).toEqual(['Waiting for LAN link']);
      if (entered('network')) {
        // a fresh DHCP client per stay on the network: the first of a boot waits exactly the device's draw
        const input = of('dhcp').filter((x) => x.type === '@input').at(-1)?.input;
        const first = path.steps.slice(0, i).every((st) => !st.state.matches('network'));
        expect(input).toEqual({ mac: INPUT.mac, seed: INPUT.dhcpSeed, startDelayMs: first ? { min: 2000, max: 2000 } : INPUT.dhcpStartDelayMs });
      }
      if (e.type === 'dhcp.bound' && before?.matches({ network: 'acquiring' })) expect(effects.at(-1)).toEqual({ type: 'setAddress', params: e.lease.ip });
      if (e.type === 'dhcp.renewed' && snap.matches('network')) expect([effects.at(-1), c.lease]).toEqual([{ type: 'setAddress', params: e.lease.ip }, e.lease]);
      if (entered({ network: 'releasing' })) {
        expect(rows()).toEqual(['DHCP: Releasing']);
        expect(of('dhcp').at(-1)).toEqual({ type: 'release' });
      }
      if (entered('voiceVlan')) {
        const cfg = before?.context.lease?.mitel.config;
        expect(effects.slice(-2)).toEqual([{ type: 'setAddress', params: '0.0.0.0' }, { type: 'setVlan', params: { id: cfg?.vlan, pcp: cfg?.l2p } }]);
        expect(rows()).toEqual([`Vlan ${cfg?.vlan} Priority ${cfg?.l2p}`]);
        expect(c.lease).toBeUndefined();
      }
      if (entered({ network: 'firmware' })) {
        expect(rows()).toEqual(['10.0.0.5 Downloading']);
        expect(of('download').filter((x) => x.type === '@input').at(-1)?.input).toMatchObject({ serverIp: '10.0.0.5', file: '5340.bin', running: INPUT.running });
      }
      if (entered({ network: { firmware: 'upgrading' } })) expect(rows()).toEqual(['Upgrading Flash', 'DO NOT POWER DOWN']);
      if (e.type === 'fw.progress' && snap.matches({ network: { firmware: 'upgrading' } })) {
        expect(rows()).toEqual(['Upgrading Flash', 'DO NOT POWER DOWN', progressBar(e.received, c.downloading?.total)]);
      }
      if (entered({ network: 'upToDate' })) expect(rows()).toEqual(['Upgrade not required']);
      if (entered({ network: 'downloadFailed' })) {
        // why, in the display's few columns; the trace says it whole, and when the next try comes
        expect(rows()).toEqual(['Download failed', 'No answer']);
        const trace = effects.filter((x) => x.type === 'trace').at(-1) as { params: { kind: string; message: string } };
        expect(trace.params.kind).toBe('error');
        expect(trace.params.message).toBe(`firmware download failed: ${c.failure}; next try in ${firmwareRetryMs(c.fwFailures) / 1000} s, in service meanwhile`);
      }
      // after a failure the phone serves on its own image: no reboot, so no flash erased until the next try
      if (e.type === 'xstate.after.restart.phone.network.downloadFailed') expect(snap.matches({ network: 'inService' })).toBe(true);
      if (entered({ network: 'inService' })) {
        // call_srv, else the DHCP server's address
        const servers = c.lease === TFTP ? ['10.0.0.1', '10.0.0.2:6900'] : ['10.0.0.1'];
        expect(of('inService').filter((x) => x.type === '@input').at(-1)?.input).toEqual({
          service: { callServers: servers, phoneIp: c.lease.ip, mac: INPUT.mac, model: '5340', firmwareVersion: '1.0.0.0', dn: '5340' },
          keys: { programmableKeys: PROFILE.programmableKeys, pkmKeys: [36] },
          session: { loginMethod: PROFILE.loginMethod, mac: INPUT.mac, accessCodes: undefined, setDn: '5340' },
          calls: { handset: false, setDn: '5340', displayRows: 8 },
        });
      }
      if (e.type === 'registered' && snap.matches({ network: 'inService' })) expect(effects.at(-1)).toEqual({ type: 'confirmImage' });
      if (entered('rebooting')) expect(rows()).toEqual(['Rebooting']);
      if (snap.matches('restarting') && e.type === 'firmware.reboot') expect(effects.at(-1)).toEqual({ type: 'trace', params: { kind: 'info', message: `reboot: ${e.reason}` } });
      if (snap.matches('rebooting') || snap.matches('restarting')) expect(snap.status).toBe('done');
      if (e.type === 'link.down') expect([c.lease, effects.at(-1)]).toEqual([undefined, { type: 'setAddress', params: '0.0.0.0' }]);
    });
    l.root.stop();
    for (const id of l.eventless) eventless.add(id);
  });

  it('took the eventless transition out of every transient node it counts (live)', () => checkPassedLive(w, eventless));
});

// The in-service machine has no states of its own: its root is its one state. Its walk takes each
// transition (the service's news for the device) so the replay sees each one forwarded.
describe('in-service machine, model-based', () => {
  const INS: InServiceInput = {
    service: { callServers: ['10.0.0.1'], phoneIp: '10.0.0.9', mac: INPUT.mac, model: '5340', firmwareVersion: '1.0.0.0', dn: '5340' },
    keys: { programmableKeys: 48, pkmKeys: [] },
    session: { loginMethod: 'hotdesk-key', mac: INPUT.mac },
    calls: { handset: false, setDn: '5340', displayRows: 8 },
  };
  const walkedIn = inServiceMachine.provide({
    // nobody to tell in the walk (no parent): the live replay runs the real actions
    actions: { registered: () => {}, reboot: () => {}, user: () => {} },
    actors: { service: idle, session: idle, keys: idle, calls: idle },
  });
  const events = [
    named('registered', { type: 'registered' }),
    named('reboot to upgrade', { type: 'firmware.reboot', reason: 'controller expects another firmware version' }),
    named('user', { type: 'user', present: true }),
  ];
  const wi = walk(walkedIn, { input: INS, events: () => events, abstraction: (s) => JSON.stringify(s.value), edge: () => true });

  it('reaches every state of the machine', () => {
    checkCoverage('inService', wi);
  });

  replayAll(wi, (path) => {
    const log: Sent[] = [];
    const actors = { service: stand(log, 'service') as never, session: stand(log, 'session') as never, keys: stand(log, 'keys') as never, calls: stand(log, 'calls') as never };
    const l = live(inServiceMachine.provide({ actors }), { systemId: 'inService', input: INS, peers: [] });
    // the four actors started in order, with their part of the input, under their system ids
    expect(log.filter((e) => e.event.type === '@input').map((e) => [e.to, e.event.input])).toEqual([
      ['service', INS.service],
      ['keys', INS.keys],
      ['session', INS.session],
      ['calls', INS.calls],
    ]);
    for (const id of [SYSTEM.service, SYSTEM.keys, SYSTEM.session, SYSTEM.calls]) expect(l.root.system.get(id)).toBeDefined();
    replay(path, l, (s) => JSON.stringify(s.value), (_, step) => {
      if (step.event.type === 'registered' || step.event.type === 'firmware.reboot') expect(l.sent.filter((x) => x.to === 'parent').at(-1)?.event).toEqual(step.event);
    });
    l.root.stop();
  });
});
