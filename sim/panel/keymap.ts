// What a person types at the terminal panel, mapped to the contract's key names (docs/design.md "Scenarios").
// Digits, * and # are themselves; letters stand for the fixed keys; F1-F12 are programmable keys 1-12;
// `:` opens a prompt for any other key name (`login`, `key:14`, `pkm1:3`).
export const KEY_HELP =
  '0-9 * #   o offhook   n onhook   s handsfree   w swap   d hold   t transfer   f conference   r release   a alarm   h hotdesk   Enter ok   Esc cancel   F1-F12 key:1-12   : any key   q quit';

const LETTERS: Record<string, string> = {
  h: 'hotdesk',
  o: 'offhook',
  n: 'onhook',
  s: 'handsfree',
  w: 'swap',
  d: 'hold',
  t: 'transfer',
  f: 'conference',
  r: 'release',
  a: 'alarm',
  '\r': 'ok',
  '\n': 'ok',
  '\x1b': 'cancel',
};

/** xterm's escape sequences for F1-F12. */
const FUNCTION_KEYS: Record<string, number> = {
  '\x1bOP': 1, '\x1bOQ': 2, '\x1bOR': 3, '\x1bOS': 4,
  '\x1b[15~': 5, '\x1b[17~': 6, '\x1b[18~': 7, '\x1b[19~': 8,
  '\x1b[20~': 9, '\x1b[21~': 10, '\x1b[23~': 11, '\x1b[24~': 12,
};

/**
 * Splits what one read of the terminal brought into keystrokes: a fast typist (or tmux, or a paste)
 * delivers several at once; a function key is one escape sequence.
 */
export function splitKeystrokes(input: string): string[] {
  const out: string[] = [];
  let rest = input;
  while (rest.length > 0) {
    const seq = Object.keys(FUNCTION_KEYS).find((k) => rest.startsWith(k));
    const take = seq ? seq.length : 1;
    out.push(rest.slice(0, take));
    rest = rest.slice(take);
  }
  return out;
}

export type Keystroke = { key: string } | { quit: true } | { prompt: true } | { ignored: string };

export function mapKeystroke(input: string): Keystroke {
  if (input === 'q' || input === '\x03') return { quit: true };
  if (input === ':') return { prompt: true };
  if (/^[0-9*#]$/.test(input)) return { key: input };
  const f = FUNCTION_KEYS[input];
  if (f) return { key: `key:${f}` };
  const named = LETTERS[input];
  if (named) return { key: named };
  return { ignored: input };
}
