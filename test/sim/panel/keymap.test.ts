import { describe, expect, it } from 'vitest';
import { mapKeystroke, splitKeystrokes } from '../../../sim/panel/keymap.ts';

describe('terminal keypad', () => {
  it('splits a burst of keystrokes, keeping function-key escape sequences whole', () => {
    expect(splitKeystrokes(':login\r')).toEqual([':', 'l', 'o', 'g', 'i', 'n', '\r']);
    expect(splitKeystrokes('12\x1bOP#\x1b[24~\x1b')).toEqual(['1', '2', '\x1bOP', '#', '\x1b[24~', '\x1b']);
  });

  it('maps keystrokes to the contract key names', () => {
    expect(['5', '*', '#', 'h', '\r', '\x1b', 'd', 't', 'f', 'r', 'a', '\x1bOP', '\x1b[24~'].map(mapKeystroke)).toEqual([
      { key: '5' }, { key: '*' }, { key: '#' }, { key: 'hotdesk' }, { key: 'ok' }, { key: 'cancel' },
      { key: 'hold' }, { key: 'transfer' }, { key: 'conference' }, { key: 'release' }, { key: 'alarm' },
      { key: 'key:1' }, { key: 'key:12' },
    ]);
    expect(['o', 'n', 's', 'w'].map(mapKeystroke)).toEqual([{ key: 'offhook' }, { key: 'onhook' }, { key: 'handsfree' }, { key: 'swap' }]);
    expect(mapKeystroke('q')).toEqual({ quit: true });
    expect(mapKeystroke(':')).toEqual({ prompt: true });
    expect(mapKeystroke('z')).toEqual({ ignored: 'z' });
  });
});
