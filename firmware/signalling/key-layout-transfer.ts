// Moving a key-layout payload in blocks: the controller splits it and announces length and CRC; the
// phone collects blocks in any order, ignores repeats, and hands the payload over only when every
// block is in and the length and CRC match, so a corrupt or partial layout is never applied.
import { crc32 } from '../link/crc32.ts';
import type { KeyLayoutBegin, KeyLayoutBlock } from './messages-key-layout.ts';

/** Block size: keeps each key-layout-block datagram well inside one Ethernet frame. */
export const KEY_LAYOUT_BLOCK_BYTES = 1024;

export function splitKeyLayout(
  payload: Uint8Array,
  blockBytes = KEY_LAYOUT_BLOCK_BYTES,
): { begin: KeyLayoutBegin; blocks: KeyLayoutBlock[] } {
  if (!Number.isInteger(blockBytes) || blockBytes < 1 || blockBytes > KEY_LAYOUT_BLOCK_BYTES) {
    throw new RangeError(`key layout: block size ${blockBytes}, 1..${KEY_LAYOUT_BLOCK_BYTES}`);
  }
  const blocks: KeyLayoutBlock[] = [];
  for (let at = 0, index = 0; at < payload.length; at += blockBytes, index++) {
    blocks.push({ type: 'key-layout-block', index, bytes: payload.slice(at, at + blockBytes) });
  }
  if (blocks.length > 0xffff) throw new RangeError(`key layout: ${blocks.length} blocks, at most 65535`);
  return {
    begin: { type: 'key-layout-begin', totalBlocks: blocks.length, totalLength: payload.length, crc32: crc32(payload) },
    blocks,
  };
}

export type BlockVerdict = 'stored' | 'duplicate' | 'out-of-range';
export type AssemblyResult =
  | { ok: true; payload: Uint8Array }
  | { ok: false; reason: 'incomplete' | 'bad-length' | 'bad-crc'; detail: string };

/** One transfer's worth of blocks as plain data (a machine's context can hold it). */
export interface Assembly {
  readonly begin: KeyLayoutBegin;
  /** Block index -> its bytes, for the blocks in so far. */
  readonly parts: Readonly<Record<number, Uint8Array>>;
}

export function startAssembly(begin: KeyLayoutBegin): Assembly {
  return { begin, parts: {} };
}

/** The assembly with `block` in, and what became of the block (a repeat or a stray changes nothing). */
export function acceptBlock(a: Assembly, block: KeyLayoutBlock): { assembly: Assembly; verdict: BlockVerdict } {
  if (block.index >= a.begin.totalBlocks) return { assembly: a, verdict: 'out-of-range' };
  // a repeat of a block already held (a retransmission after the answer was lost) changes nothing
  if (Object.hasOwn(a.parts, block.index)) return { assembly: a, verdict: 'duplicate' };
  return { assembly: { begin: a.begin, parts: { ...a.parts, [block.index]: block.bytes.slice() } }, verdict: 'stored' };
}

export function blocksIn(a: Assembly): number {
  return Object.keys(a.parts).length;
}

export function isComplete(a: Assembly): boolean {
  return blocksIn(a) === a.begin.totalBlocks;
}

/** The verified payload, or why there is none: nothing partial or corrupt is ever handed over. */
export function finishAssembly(a: Assembly): AssemblyResult {
  const received = blocksIn(a);
  if (received !== a.begin.totalBlocks) {
    return { ok: false, reason: 'incomplete', detail: `${received} of ${a.begin.totalBlocks} blocks` };
  }
  let length = 0;
  for (let i = 0; i < a.begin.totalBlocks; i++) length += a.parts[i].length;
  if (length !== a.begin.totalLength) {
    return { ok: false, reason: 'bad-length', detail: `${length} bytes, announced ${a.begin.totalLength}` };
  }
  const payload = new Uint8Array(length);
  for (let i = 0, at = 0; i < a.begin.totalBlocks; i++) {
    payload.set(a.parts[i], at);
    at += a.parts[i].length;
  }
  const crc = crc32(payload);
  if (crc !== a.begin.crc32) {
    return { ok: false, reason: 'bad-crc', detail: `crc 0x${crc.toString(16)}, announced 0x${a.begin.crc32.toString(16)}` };
  }
  return { ok: true, payload };
}

/** The same, as an object for code that keeps one transfer at a time (the controller's test peers). */
export class KeyLayoutAssembler {
  private assembly: Assembly;

  constructor(readonly begin: KeyLayoutBegin) {
    this.assembly = startAssembly(begin);
  }

  accept(block: KeyLayoutBlock): BlockVerdict {
    const r = acceptBlock(this.assembly, block);
    this.assembly = r.assembly;
    return r.verdict;
  }

  get received(): number {
    return blocksIn(this.assembly);
  }

  get complete(): boolean {
    return isComplete(this.assembly);
  }

  finish(): AssemblyResult {
    return finishAssembly(this.assembly);
  }
}
