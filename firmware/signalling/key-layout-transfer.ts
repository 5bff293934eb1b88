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

/** One transfer's worth of blocks, from its key-layout-begin to the verified payload. */
export class KeyLayoutAssembler {
  private readonly parts = new Map<number, Uint8Array>();

  constructor(readonly begin: KeyLayoutBegin) {}

  accept(block: KeyLayoutBlock): BlockVerdict {
    if (block.index >= this.begin.totalBlocks) return 'out-of-range';
    // a repeat of a block already held (a retransmission after the answer was lost) changes nothing
    if (this.parts.has(block.index)) return 'duplicate';
    this.parts.set(block.index, block.bytes.slice());
    return 'stored';
  }

  get received(): number {
    return this.parts.size;
  }

  get complete(): boolean {
    return this.parts.size === this.begin.totalBlocks;
  }

  finish(): AssemblyResult {
    if (!this.complete) {
      return { ok: false, reason: 'incomplete', detail: `${this.parts.size} of ${this.begin.totalBlocks} blocks` };
    }
    let length = 0;
    for (const part of this.parts.values()) length += part.length;
    if (length !== this.begin.totalLength) {
      return { ok: false, reason: 'bad-length', detail: `${length} bytes, announced ${this.begin.totalLength}` };
    }
    const payload = new Uint8Array(length);
    for (let i = 0, at = 0; i < this.begin.totalBlocks; i++) {
      const part = this.parts.get(i)!;
      payload.set(part, at);
      at += part.length;
    }
    const crc = crc32(payload);
    if (crc !== this.begin.crc32) {
      return { ok: false, reason: 'bad-crc', detail: `crc 0x${crc.toString(16)}, announced 0x${this.begin.crc32.toString(16)}` };
    }
    return { ok: true, payload };
  }
}
