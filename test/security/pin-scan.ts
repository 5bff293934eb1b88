// Looks for PINs in what the simulation writes: traces (JSON Lines), pcaps and console output.
// A PIN is searched for as it would leak:
//   - as text: the digits with no digit either side ("pin":"4711", `PIN 4711`, 4711 in a pcap payload);
//     a digit run that merely contains them (a timestamp 104711.2, a transaction id) is not a leak;
//   - as key records: consecutive `{"kind":"key","key":"<digit>"}` records of one node that spell it
//     (the phone traces each key press; PIN digits must be recorded as `masked`).
// PINs shorter than MIN_PIN_DIGITS are not searched: a blank PIN is in every file, and a 1-2 digit
// run stands alone in almost any trace (step numbers, `len 17`, attempts left, lamp keys), so a hit
// would say nothing. From 3 digits a standalone hit in these files is rare enough to investigate.
export const MIN_PIN_DIGITS = 3;

export interface PinHit {
  file: string;
  pin: string;
  how: 'text' | 'key-records';
  /** The bytes around the hit (the PIN itself replaced), to find it without echoing it. */
  context: string;
}

/** The PINs worth searching for, each once. */
export function searchablePins(pins: Iterable<string>): string[] {
  return [...new Set([...pins].filter((p) => /^\d+$/.test(p) && p.length >= MIN_PIN_DIGITS))];
}

function redact(text: string, pin: string): string {
  return text.split(pin).join('<PIN>');
}

/** The PIN as text, not inside a longer run of digits. Works on any bytes (latin1 keeps them 1:1). */
export function textHits(file: string, bytes: Uint8Array, pins: readonly string[]): PinHit[] {
  const text = Buffer.from(bytes).toString('latin1');
  const hits: PinHit[] = [];
  for (const pin of pins) {
    const re = new RegExp(`(?<![0-9])${pin}(?![0-9])`, 'g');
    for (const m of text.matchAll(re)) {
      hits.push({ file, pin, how: 'text', context: redact(text.slice(Math.max(0, m.index - 40), m.index + pin.length + 40), pin) });
    }
  }
  return hits;
}

/** Runs of consecutive digit key records, per node, in a JSON Lines trace. */
export function keyRuns(jsonl: string): string[] {
  const runs: string[] = [];
  const open = new Map<string, string>();
  for (const line of jsonl.split('\n')) {
    if (line.trim() === '') continue;
    let rec: { kind?: string; node?: string; key?: string };
    try {
      rec = JSON.parse(line);
    } catch {
      continue; // a torn last line; the text scan still reads it
    }
    if (rec.kind !== 'key') continue;
    const node = rec.node ?? '';
    if (typeof rec.key === 'string' && /^[0-9]$/.test(rec.key)) open.set(node, (open.get(node) ?? '') + rec.key);
    else {
      runs.push(open.get(node) ?? '');
      open.set(node, '');
    }
  }
  runs.push(...open.values());
  return runs.filter((r) => r !== '');
}

export function keyRecordHits(file: string, jsonl: string, pins: readonly string[]): PinHit[] {
  const hits: PinHit[] = [];
  for (const run of keyRuns(jsonl)) {
    for (const pin of pins) if (run.includes(pin)) hits.push({ file, pin, how: 'key-records', context: redact(run, pin) });
  }
  return hits;
}

/**
 * The trace's own counters, filled in by the trace writer and never from anything a user typed: a long
 * run's `seq` reaches 1234, and `t` and a frame's `bytes` are numbers of any digits.
 */
const COUNTER_FIELDS = ['seq', 't', 'bytes'] as const;

/** A trace with its counter fields left out, one record per line; a line that is not JSON stays as it is. */
export function withoutCounters(jsonl: string): string {
  return jsonl
    .split('\n')
    .map((line) => {
      try {
        const rec = JSON.parse(line) as Record<string, unknown>;
        for (const f of COUNTER_FIELDS) if (typeof rec[f] === 'number') delete rec[f];
        return JSON.stringify(rec);
      } catch {
        return line;
      }
    })
    .join('\n');
}

export function scanFile(file: string, bytes: Uint8Array, pins: readonly string[]): PinHit[] {
  if (!file.endsWith('.jsonl')) return textHits(file, bytes, pins);
  const jsonl = Buffer.from(bytes).toString('utf8');
  return [...textHits(file, Buffer.from(withoutCounters(jsonl), 'utf8'), pins), ...keyRecordHits(file, jsonl, pins)];
}
