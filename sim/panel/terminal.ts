// The terminal panel: the phone's display in a box, its lamps blinking in real time, and a keypad on the
// keyboard. It only renders what the firmware told the Panel interface and sends key names back.
import { lampState } from '../../firmware/keys/cadence.ts';
import type { Panel } from '../../firmware/hal.ts';
import type { CadenceTable } from '../../firmware/profile.ts';
import { KEY_HELP, mapKeystroke, splitKeystrokes } from './keymap.ts';

export interface TerminalPanelOptions {
  title: string;
  columns: number;
  rows: number;
  cadences: CadenceTable;
  now: () => number;
  onKey: (key: string) => void;
  onQuit: () => void;
  input?: NodeJS.ReadStream;
  output?: NodeJS.WriteStream;
  /** Colour (a lit lamp in red); by default on unless NO_COLOR is set and not empty (no-color.org). */
  color?: boolean;
}

/** NO_COLOR (https://no-color.org): present and not empty turns colour off. */
export function colorWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  return !env.NO_COLOR;
}

export class TerminalPanel implements Panel {
  private lines: string[] = [];
  private readonly lamps = new Map<string, { cadence: string; origin: number }>();
  private softkeyLabels: string[] = [];
  /** The PIN prompt has the screen: the status line says a digit was pressed, never which. */
  private inMaskedEntry = false;
  private readonly labels = new Map<string, string>();
  private status = '';
  private prompt: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly input: NodeJS.ReadStream;
  private readonly output: NodeJS.WriteStream;
  private readonly color: boolean;

  constructor(private readonly o: TerminalPanelOptions) {
    this.input = o.input ?? process.stdin;
    this.output = o.output ?? process.stdout;
    this.color = o.color ?? colorWanted();
  }

  start(): void {
    if (this.input.isTTY) this.input.setRawMode(true);
    this.input.setEncoding('utf8');
    this.input.on('data', this.onInput);
    this.input.resume();
    this.output.write('\x1b[?25l'); // hide the cursor while we draw
    // lamps blink on their own cadence: redraw often enough to show a 62 ms flash
    this.timer = setInterval(() => this.render(), 31);
  }

  stop(): void {
    clearInterval(this.timer);
    this.input.off('data', this.onInput);
    if (this.input.isTTY) this.input.setRawMode(false);
    this.input.pause();
    this.output.write('\x1b[?25h\n');
  }

  display(lines: readonly string[]): void {
    this.lines = [...lines];
  }

  lamp(key: string, cadence: string, origin: number): void {
    if (cadence === 'off') this.lamps.delete(key);
    else this.lamps.set(key, { cadence, origin });
  }

  softkeys(labels: readonly string[]): void {
    this.softkeyLabels = [...labels];
  }

  masked(masked: boolean): void {
    this.inMaskedEntry = masked;
  }

  keyLabels(keys: readonly { key: string; label: string }[]): void {
    this.labels.clear();
    for (const k of keys) this.labels.set(k.key, k.label);
  }

  /** A line under the panel: what a key did, or why it did nothing. */
  say(message: string): void {
    this.status = message;
  }

  private readonly onInput = (chunk: string) => {
    for (const stroke of splitKeystrokes(chunk)) this.onKeystroke(stroke);
  };

  private onKeystroke(stroke: string): void {
    if (this.prompt !== undefined) return this.onPromptInput(stroke);
    const k = mapKeystroke(stroke);
    if ('quit' in k) this.o.onQuit();
    else if ('prompt' in k) this.prompt = '';
    else if ('key' in k) this.press(k.key);
  }

  private onPromptInput(chunk: string): void {
    if (chunk === '\r' || chunk === '\n') {
      const key = this.prompt!.trim();
      this.prompt = undefined;
      if (key) this.press(key);
    } else if (chunk === '\x1b') this.prompt = undefined;
    else if (chunk === '\x7f') this.prompt = this.prompt!.slice(0, -1);
    else this.prompt += chunk;
  }

  private press(key: string): void {
    try {
      this.o.onKey(key);
      this.status = `pressed ${this.inMaskedEntry && /^[0-9]$/.test(key) ? '*' : key}`;
    } catch (err) {
      this.status = err instanceof Error ? err.message : String(err);
    }
  }

  private render(): void {
    this.output.write(this.frame());
  }

  /** The whole screen as it is drawn now: cursor moves and, unless NO_COLOR, a red lit lamp. */
  frame(): string {
    const w = this.o.columns;
    const rows = Array.from({ length: this.o.rows }, (_, i) => (this.lines[i] ?? '').padEnd(w).slice(0, w));
    const now = this.o.now();
    const lamps = [...this.lamps.entries()].map(([key, l]) => {
      const cadence = this.o.cadences[l.cadence];
      const lit = cadence ? lampState(cadence, l.origin, now).lit : false;
      const label = this.labels.get(key);
      const bulb = lit ? (this.color ? '\x1b[31m●\x1b[0m' : '●') : '○';
      return `${key}${label ? ` ${label}` : ''} ${bulb} ${l.cadence}`;
    });
    const frame = [
      `\x1b[H\x1b[2J${this.o.title}`,
      `┌${'─'.repeat(w)}┐`,
      ...rows.map((r) => `│${r}│`),
      `└${'─'.repeat(w)}┘`,
      this.softkeyLabels.length ? this.softkeyLabels.map((k) => `[${k}]`).join(' ') : '',
      lamps.length ? `lamps: ${lamps.join('   ')}` : 'lamps: all off',
      '',
      KEY_HELP,
      this.prompt !== undefined ? `key name: ${this.prompt}_` : this.status,
    ];
    return frame.join('\n');
  }
}
