import fc from 'fast-check';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { LANGUAGES, stringsFor } from '../../../firmware/display/strings.ts';
import { DEFAULT_ACCESS_CODES, codesFor, matchDialed } from '../../../firmware/hotdesk/dial-codes.ts';
import { classifyRegisterAnswer } from '../../../firmware/service/registration.ts';
import type { RegisterAck } from '../../../firmware/signalling/messages.ts';
import { applyLayout } from '../../../firmware/keys/layout.ts';
import { PinBuffer } from '../../../firmware/hotdesk/pin-buffer.ts';
import { toPeers } from '../../../firmware/service/peers.ts';
import { nextServer as next } from '../../../firmware/service/resilience.ts';

describe('dial codes', () => {
  const c = DEFAULT_ACCESS_CODES;
  it('recognises login, logout and remote logout, and what could still become one', () => {
    expect(matchDialed('222*', c)).toEqual({ kind: 'login' });
    expect(matchDialed('333', c)).toEqual({ kind: 'logout' });
    expect(matchDialed('1115124#', c)).toEqual({ kind: 'remote-logout', ext: '5124' });
    for (const p of ['2', '22', '222', '3', '33', '1', '111', '1115']) expect(matchDialed(p, c).kind).toBe('partial');
    for (const p of ['4', '2*', '111#', '3333', '2222']) expect(matchDialed(p, c).kind).toBe('invalid');
  });

  it("a remote logout's extension is whole at the dial plan's length, no closing # (Mitel: *335123)", () => {
    expect(matchDialed('1115124', c, 4)).toEqual({ kind: 'remote-logout', ext: '5124' });
    for (const p of ['111', '1115', '111512']) expect(matchDialed(p, c, 4).kind).toBe('partial');
    // a # still ends it early, and without a plan length (0) it is what ends it
    expect(matchDialed('111512#', c, 4)).toEqual({ kind: 'remote-logout', ext: '512' });
    expect(matchDialed('1115124', c, 0).kind).toBe('partial');
  });

  it('the handsets (HotDesk phone mode) take no login or logout code; MiNET sets do', () => {
    const handset = codesFor('handset-hotdesk-mode', c);
    for (const p of ['222*', '333']) expect(matchDialed(p, handset, 4).kind).toBe('invalid');
    for (const p of ['*', '2', '22', '222', '3', '33']) expect(matchDialed(p, handset, 4).kind).toBe('invalid');
    expect(matchDialed('1115124', handset, 4)).toEqual({ kind: 'remote-logout', ext: '5124' });
    for (const method of ['dial', 'hotdesk-key'] as const) {
      expect(matchDialed('222*', codesFor(method, c)).kind).toBe('login');
      expect(matchDialed('333', codesFor(method, c)).kind).toBe('logout');
    }
  });
});

describe('the version rule on a re-home', () => {
  const ack = (firmwareVersion: string): RegisterAck => ({
    type: 'register-ack', result: 'ok', heartbeatSeconds: 30, healthCheckSeconds: 20, serverTimeMs: 0, controllerId: 'icp-2', firmwareVersion, alarmDn: '0', dialDigits: 4, dn: '',
  });
  it('upgrades only to a newer version; an older, equal, empty or unreadable one is served as is', () => {
    for (const v of ['1.0.0.1', '1.2.0.0', '2.0']) expect(classifyRegisterAnswer(ack(v), '1.0.0.0', true)).toEqual({ kind: 'upgrade', version: v });
    for (const v of ['0.9.0.0', '1.0.0.0', '1.0', '', 'x.y']) expect(classifyRegisterAnswer(ack(v), '1.0.0.0', true).kind).toBe('ok');
    // at boot the TFTP server's image decided: never a reboot from register-ack
    expect(classifyRegisterAnswer(ack('2.0.0.0'), '1.0.0.0', false).kind).toBe('ok');
  });
});

describe('PinBuffer', () => {
  it('holds 0-8 digits only and never shows them through JSON, String or inspect', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('0', '5', '9', '*', '#', 'ok'), { maxLength: 12 }), (keys) => {
        const pin = new PinBuffer();
        for (const k of keys) pin.push(k);
        const digits = keys.filter((k) => /^[0-9]$/.test(k)).slice(0, 8).join('');
        expect(pin.use((p) => p)).toBe(digits);
        expect(JSON.stringify(pin)).toBe(JSON.stringify('*'.repeat(digits.length)));
        expect(String(pin)).toBe('*'.repeat(digits.length));
        expect(inspect({ pin })).not.toMatch(/[0-9]{2}/);
        pin.wipe();
        expect(pin.length).toBe(0);
      }),
    );
  });
});

describe('applyLayout', () => {
  it('hides keys beyond the model, keeps hidden lines, subscribes visible BLF DNs once', () => {
    const a = applyLayout(
      [
        { key: 5, type: 'line', dn: '5999', label: '' },
        { key: 1, type: 'blf', dn: '5124', label: '' },
        { key: 2, type: 'blf', dn: '5124', label: 'Bob' },
        { key: 3, type: 'empty', dn: '', label: '' },
        { key: 6, type: 'multicall', dn: '5123', label: '' },
        { key: 7, type: 'blf', dn: '5200', label: '' },
      ],
      { programmableKeys: 4 },
    );
    expect(a.visible.map((k) => `${k.id}=${k.label}`)).toEqual(['key:1=5124', 'key:2=Bob']);
    expect(a.hiddenLines.map((k) => k.id)).toEqual(['key:5', 'key:6']);
    expect(a.blfDns).toEqual(['5124']);
  });
});

describe('servers and strings', () => {
  it('parses call_srv entries with and without a port, and walks them round', () => {
    const peers = toPeers(['10.0.0.1', '10.0.0.2:6900'], 6800);
    expect(peers).toEqual([{ ip: '10.0.0.1', port: 6800 }, { ip: '10.0.0.2', port: 6900 }]);
    expect(next(peers, peers[0])).toEqual(peers[1]);
    expect(next(peers, peers[1])).toEqual(peers[0]);
    expect(next(peers, { ip: '10.9.9.9', port: 1 })).toEqual(peers[0]);
  });

  it('every language has every prompt, within 20 columns; unknown codes fall back to English', () => {
    for (const lang of LANGUAGES) {
      const s = stringsFor(lang);
      for (const text of [s.noUser, s.enterExt, s.enterPin, s.locked, s.lockedFor(15), s.wrongPin(2), ...Object.values(s.reason)]) {
        expect(text.length).toBeLessThanOrEqual(20);
      }
    }
    expect(stringsFor('xx').noUser).toBe('No User Logged In');
    expect(stringsFor('').noUser).toBe('No User Logged In');
  });
});
