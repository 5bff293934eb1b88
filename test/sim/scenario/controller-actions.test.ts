// applyControllerAction acts by the same table the loader checks with (sim/controller/actions.ts): each
// action reaches the controller and its call servers as before, the call actions reach the call server
// that holds one of their DNs (else this controller's), and a bad action is refused before any acts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACTIONS, applyControllerAction, parseControllerAction } from '../../../sim/controller/actions.ts';
import type { Controller } from '../../../sim/controller/controller.ts';

function fakeCallServer(id: string, held: string[], log: string[], played: string[] = []) {
  const rec =
    (name: string, result?: unknown) =>
    (...args: unknown[]) => {
      log.push(`${id} ${name} ${args.join(' ')}`.trim());
      return result;
    };
  return {
    id,
    holds: (dn: string) => held.includes(dn),
    calls: () => played.map((dn) => ({ dn, mac: 'simulated' })),
    placeCall: rec('placeCall'),
    answerParty: rec('answerParty'),
    hangupParty: rec('hangupParty'),
    setLineState: rec('setLineState'),
    setUserState: rec('setUserState'),
    remoteLogout: rec('remoteLogout', 'done'),
    loginOnSimulatedSet: rec('loginOnSimulatedSet', 'done'),
    logoutUser: rec('logoutUser', 'done'),
    scheduleLogout: rec('scheduleLogout', { done: 0, waiting: 0 }),
  };
}

function fakeController() {
  const log: string[] = [];
  const one = fakeCallServer('icp-1', ['5000'], log);
  const two = fakeCallServer('icp-2', ['5124'], log, ['7002']);
  const dead = new Set<unknown>();
  const controller = {
    tftp: { down: false },
    callServers: new Map([
      ['192.168.10.1', one],
      ['192.168.10.2', two],
    ]),
    callServer: one,
    setDhcpDown: (down: boolean) => log.push(`dhcp down ${down}`),
    setDead: (id: string, dead: boolean) => log.push(`${id} dead ${dead}`),
    alive: (cs: unknown) => !dead.has(cs),
  };
  return { controller, log, dead, one, two, act: (a: Record<string, unknown>) => applyControllerAction(controller as unknown as Controller, a) };
}

describe('controller actions', () => {
  it('reach the controller and every call server as before', () => {
    const { controller, log, act } = fakeController();
    act({ tftp: { down: true }, dhcp: { down: false } });
    expect(controller.tftp.down).toBe(true);
    act({ kill: 'icp-2' });
    act({ revive: 'icp-2' });
    act({ line: { ext: 5123, state: 'busy' } });
    act({ feature: { ext: '5123', state: 'dnd' } });
    act({ blf: { dn: '5124', state: 'ringing' } });
    act({ blf: { dn: '5124', state: 'cfa' } });
    act({ 'remote-logout': { by: '5000', ext: '5123', expect: 'done' } });
    act({ login: { ext: '5123', on: '5002' } });
    act({ logout: { ext: '5123' } });
    act({ 'schedule-logout': {} });
    act({ 'schedule-logout': null });
    expect(log).toEqual([
      'dhcp down false',
      'icp-2 dead true',
      'icp-2 dead false',
      'icp-1 setLineState 5123 busy',
      'icp-2 setLineState 5123 busy',
      'icp-1 setUserState 5123 dnd',
      'icp-2 setUserState 5123 dnd',
      'icp-1 setLineState 5124 ringing',
      'icp-2 setLineState 5124 ringing',
      'icp-1 setUserState 5124 cfa',
      'icp-2 setUserState 5124 cfa',
      'icp-1 remoteLogout 5000 5123',
      'icp-1 loginOnSimulatedSet 5123 5002',
      'icp-2 loginOnSimulatedSet 5123 5002',
      'icp-1 logoutUser 5123',
      'icp-2 logoutUser 5123',
      'icp-1 scheduleLogout all',
      'icp-2 scheduleLogout all',
      'icp-1 scheduleLogout all',
      'icp-2 scheduleLogout all',
    ]);
  });

  it('a remote logout with another outcome than expected fails', () => {
    const { act } = fakeController();
    expect(() => act({ 'remote-logout': { by: '5000', ext: '5123', expect: 'not-allowed' } })).toThrow('remote logout was done, not not-allowed');
  });

  it('place, answer and hang up calls on the call server that holds a DN of theirs', () => {
    const { log, act } = fakeController();
    act({ call: { from: '5124', to: '5000' } }); // icp-2 holds the caller
    act({ call: { from: '5300', to: '5000' } }); // a played party calls the phone on icp-1
    act({ call: { from: '5300', to: '5124' } }); // ... and the phone on icp-2
    act({ call: { from: '5300', to: '5301' } }); // nobody holds either: this controller's
    act({ answer: { dn: '5124' } });
    act({ hangup: { dn: 5301 } });
    expect(log).toEqual(['icp-2 placeCall 5124 5000', 'icp-1 placeCall 5300 5000', 'icp-2 placeCall 5300 5124', 'icp-1 placeCall 5300 5301', 'icp-2 answerParty 5124', 'icp-1 hangupParty 5301']);
  });

  it('skip a killed call server, and find a played party on the call server its call is on', () => {
    const { log, act, dead, one } = fakeController();
    act({ answer: { dn: '7002' } }); // nobody holds 7002: icp-2 plays it in a call
    dead.add(one);
    act({ call: { from: '7005', to: '5000' } }); // icp-1 holds 5000 but is dead: the first live one
    expect(log).toEqual(['icp-2 answerParty 7002', 'icp-2 placeCall 7005 5000']);
  });

  it('refuses a bad action before any of the step acts', () => {
    const { log, act } = fakeController();
    expect(() => act({ dhcp: { down: true }, line: { ext: '5123', state: 'bust' } })).toThrow('controller line "state" must be one of idle, busy, ringing (got "bust")');
    expect(() => act({ blf: { dn: '5123', state: 'logged-out' } })).toThrow(/log the user in or out instead/);
    expect(() => act({ fly: {} })).toThrow(/unknown controller action "fly"/);
    expect(log).toEqual([]);
  });

  it('without the world, kill and revive leave the id to the controller', () => {
    expect(parseControllerAction({ kill: 'icp-9' })).toMatchObject([{ name: 'kill', id: 'icp-9' }]);
  });

  it('are each documented in docs/scenarios.md', () => {
    const doc = readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', 'scenarios.md'), 'utf8');
    for (const name of Object.keys(ACTIONS)) expect(doc, name).toContain(`{ ${name}: `);
  });
});
