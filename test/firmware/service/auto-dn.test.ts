// Automatic DN Selection on the phone: what the register-ack results mean, and the prompt's rows.
import { describe, expect, it } from 'vitest';
import { classifyRegisterAnswer, codeEntryScreen } from '../../../firmware/service/registration.ts';
import type { RegisterAck } from '../../../firmware/signalling/messages.ts';

const ack = (over: Partial<RegisterAck>): RegisterAck => ({
  type: 'register-ack', result: 'ok', heartbeatSeconds: 30, healthCheckSeconds: 20, serverTimeMs: 0, controllerId: 'icp-1', firmwareVersion: '', alarmDn: '0', dialDigits: 4, dn: '', ...over,
});

describe('register-ack and Automatic DN Selection', () => {
  it('dn-required asks for the code, no-dn says none is free, ok carries the DN, at boot and on a re-home', () => {
    for (const rehoming of [false, true]) {
      expect(classifyRegisterAnswer(ack({ result: 'dn-required' }), '1.0.0.0', rehoming)).toEqual({ kind: 'dn-required' });
      expect(classifyRegisterAnswer(ack({ result: 'no-dn' }), '1.0.0.0', rehoming)).toEqual({ kind: 'no-dn' });
      expect(classifyRegisterAnswer(ack({ dn: '5102' }), '1.0.0.0', rehoming)).toMatchObject({ kind: 'ok', dn: '5102' });
    }
  });

  it('shows what was keyed under Enter Code:', () => {
    expect(codeEntryScreen('')).toEqual(['Set Registration', 'Enter Code:']);
    expect(codeEntryScreen('99')).toEqual(['Set Registration', 'Enter Code: 99']);
  });
});
