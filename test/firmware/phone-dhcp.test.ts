// The DHCP client as the phone runs it, without the phone machine in between: the stack's datagrams go
// to the client of this stay on the network (Phone finds it as the root's `dhcp` child), its status
// lines go straight onto the display's boot layer (reportDhcp), and only what happens to the lease
// reaches the phone machine. A real client against the simulator's DHCP server, on a virtual clock.
import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, type AnyActorRef, type InspectionEvent } from 'xstate';
import { VirtualClock } from '../../firmware/clock.ts';
import { dhcpClientMachine } from '../../firmware/boot/dhcp-client.ts';
import { displayLogic, type Shown } from '../../firmware/display/display.ts';
import { phoneMachine, reportDhcp, type PhoneInput } from '../../firmware/phone-machine.ts';
import { loadProfile } from '../../sim/profiles.ts';
import { DhcpServer } from '../../sim/controller/dhcp/dhcp-server.ts';

const MITEL = 'id:ipphone.mitel.com;sw_tftp=192.168.10.1;call_srv=192.168.10.1';
const INPUT: PhoneInput = { profile: loadProfile('5340'), mac: '00:08:5d:12:34:56', running: [1, 0, 0, 0], firmwareFile: '5340.bin', dhcpSeed: 7, dhcpFirstDelayMs: 1000 };

describe('the phone and its DHCP client', () => {
  it('shows the client\'s status lines on the boot layer, in order, and hears only about the lease', () => {
    const clock = new VirtualClock();
    const painted: Shown[] = [];
    const toPhone: string[] = [];
    let phone: AnyActorRef | undefined;
    // the stack's part: a reply goes to the client of this stay, as Phone hands it on
    const deliver = (msg: Uint8Array) => phone?.getSnapshot().children.dhcp?.send({ type: 'dhcp.rx', msg });
    const server = new DhcpServer({ serverId: '192.168.10.1', mitel: { mitelString: MITEL, carry: '125' } }, { now: () => clock.now(), send: (reply) => clock.setTimeout(() => deliver(reply), 1) });
    const idle = fromCallback(() => {});
    const machine = phoneMachine.provide({
      actors: {
        display: displayLogic(() => ({ paint: (s) => void painted.push(s), traceKey: () => {} })),
        dhcpClient: dhcpClientMachine.provide({ actions: { report: reportDhcp, transmit: (_, { bytes }) => void clock.setTimeout(() => server.receive(bytes), 1) } }),
        firmwareDownload: idle as never,
        inService: idle as never,
      },
    });
    const inspect = (e: InspectionEvent) => {
      if (e.type === '@xstate.event' && e.actorRef === phone) toPhone.push(e.event.type);
    };
    phone = createActor(machine, { clock, input: INPUT, inspect });
    phone.start();
    phone.send({ type: 'link.up' });
    clock.advanceSync(1100);

    const boot = painted.map((s) => s.rows.join(' | '));
    expect(boot).toEqual(['Waiting for LAN link', 'DHCP: Discovery', 'Using option 125', 'DHCP: Offer 1 Acc', 'DHCP: Ack', '192.168.10.1 Downloading']);
    // the lease came to the phone (it went on to the firmware check); the status lines did not
    expect((phone.getSnapshot().value as { network?: unknown }).network).toEqual({ firmware: 'checking' });
    expect(toPhone).toContain('dhcp.bound');
    expect(toPhone.filter((t) => t.startsWith('dhcp.') && t !== 'dhcp.bound')).toEqual([]);
    phone.stop();
  });
});
